// #crowd:localhost: a real Synapse room of thousands of joined members (world-readable, in the
// directory), a few dozen of whom talk and a few of whom leave. It proves the viewer's
// lazy-loading calls against Synapse itself, and gives the crawler burst its permalinks.
//
// Made cheap per member: the members are the appservice's users (namespace in
// scripts/synapse/appservice.template.yaml, `rate_limited: false`, so no rc_* limit applies),
// and each costs two calls and one event:
//   - POST /register as m.login.application_service with inhibit_login (no device, no token);
//   - POST /join?user_id= whose body carries the display name: Synapse takes the join's body as
//     the member event's content (per-room profiles are on by default), so there is no profile
//     PUT and no second member event per user.
// Registrations run a few at a time, ahead of the joins. The joins (and every other event in
// the room) go one at a time: concurrent events in one room fork its graph, and Synapse then
// resolves the state of thousands of members at every merge, which measured slower than one
// at a time. What is left per event is mostly the disk: see scripts/synapse/sitecustomize.py.
import type { CrowdMessage, CrowdRoom } from '../../tests/support/homeserver.js';
import { type Actor, config, enc, request, SERVER_NAME, send } from './client.js';
import { createRoom, joinedCount, roomVersion } from './rooms.js';

const NAME = 'Crowd';
const TOPIC = 'Crowd: thousands of members, a few dozen of whom talk';
/** Users who join (the first creates the room); LEAVERS of them leave again at the end. */
export const CROWD_JOINS = 2_040;
const LEAVERS = 30;
/** Members who send messages, and how many messages in all (round robin). */
const SPEAKERS = 40;
const MESSAGES = 300;
/** The power-level holders: the creator and one more admin, two moderators. */
const ADMINS = [1, 2];
const MODERATORS = [3, 4];
/** Registrations in flight at once (they touch no room). */
const REGISTERING = 4;

/** `crowd-0001`: the appservice's namespace (`@crowd-[0-9]+:localhost`). */
const localpart = (n: number): string => `crowd-${String(n).padStart(4, '0')}`;
const userId = (n: number): string => `@${localpart(n)}:${SERVER_NAME}`;
/** A long name (member events of ~600 bytes), so that the member list passes 1 MB, the
 * smallest UPSTREAM_MAX_MB, and the partial members page is seen against Synapse too. */
const displayName = (n: number): string =>
  `Crowd Member ${String(n).padStart(4, '0')}, one of the seeded crowd room's thousands of members, ` +
  "with a display name long enough that the whole list of the room's members is well over a megabyte in all, " +
  'as in a big public room on a busy server';
const as = (n: number): Actor => ({ userId: userId(n), token: config.asToken, query: { user_id: userId(n) } });

/** Starts `fn(1..count)` in order, at most `limit` at a time; the promises resolve in any order. */
function inOrder(count: number, limit: number, fn: (n: number) => Promise<void>): Promise<void>[] {
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async (): Promise<void> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
  };
  const done = (): void => {
    running--;
    waiting.shift()?.();
  };
  return Array.from({ length: count }, async (_, i) => {
    await slot();
    try {
      await fn(i + 1);
    } finally {
      done();
    }
  });
}

const register = (n: number): Promise<unknown> =>
  request('POST', '/_matrix/client/v3/register', {
    token: config.asToken,
    json: { type: 'm.login.application_service', username: localpart(n), inhibit_login: true },
  });

/** Needs none of the other seeded users, so it starts at once beside them (it takes longest). */
export async function seedCrowd(step: (what: string) => void): Promise<CrowdRoom> {
  const started = Date.now();
  const creator = as(1);
  await register(1);
  const powerUsers: Record<string, number> = {};
  for (const n of ADMINS) powerUsers[userId(n)] = 100;
  for (const n of MODERATORS) powerUsers[userId(n)] = 50;
  const room = await createRoom(creator, {
    alias: 'crowd',
    name: NAME,
    topic: TOPIC,
    published: true,
    historyVisibility: 'world_readable',
    guestAccess: true,
    powerLevels: { users: powerUsers },
  });
  const { roomId } = room;

  const registered = inOrder(CROWD_JOINS - 1, REGISTERING, async (i) => {
    await register(i + 1);
  });
  for (const r of registered) r.catch(() => undefined); // awaited below, one by one
  for (let n = 2; n <= CROWD_JOINS; n++) {
    await registered[n - 2];
    await request('POST', `/_matrix/client/v3/join/${enc(roomId)}`, {
      token: config.asToken,
      query: { user_id: userId(n) },
      json: { displayname: displayName(n) },
    });
  }
  step(`crowd: ${CROWD_JOINS} registered and joined (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  // In order: one event at a time (see above), and the manifest's order is the room's.
  const messages: CrowdMessage[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const n = (i % SPEAKERS) + 1;
    const body = `Crowd message ${i + 1} from member ${n}`;
    messages.push({ eventId: await send(as(n), roomId, 'm.room.message', { msgtype: 'm.text', body }), sender: userId(n), body });
  }
  // The last members leave (none of them spoke or holds a power level).
  const left: string[] = [];
  for (let n = CROWD_JOINS - LEAVERS + 1; n <= CROWD_JOINS; n++) {
    await request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/leave`, { token: config.asToken, query: { user_id: userId(n) }, json: {} });
    left.push(userId(n));
  }
  const memberCount = await joinedCount(creator, roomId);
  step(`crowd: ${MESSAGES} messages, ${LEAVERS} leaves; ${memberCount} joined (${((Date.now() - started) / 1000).toFixed(1)} s in all)`);
  return {
    roomId,
    alias: room.alias,
    name: NAME,
    topic: TOPIC,
    roomVersion: await roomVersion(creator, roomId),
    worldReadable: true,
    inDirectory: true,
    memberCount,
    events: { first: messages[0]!.eventId, last: messages[messages.length - 1]!.eventId },
    messages,
    left,
    admins: ADMINS.map(userId),
    moderators: MODERATORS.map(userId),
    seedSeconds: Math.round((Date.now() - started) / 100) / 10,
  };
}
