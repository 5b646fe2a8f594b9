// Room and membership calls used by the seed.
import {
  type Actor,
  type StateEvent,
  enc,
  getState,
  request,
  SERVER_NAME,
  send,
  setState,
  txnId,
  waitForState,
} from './client.js';

export interface CreateRoomOptions {
  alias: string; // local part, e.g. "lobby"
  name: string;
  topic: string;
  published: boolean;
  historyVisibility: 'world_readable' | 'shared' | 'invited' | 'joined';
  guestAccess?: boolean;
  roomVersion?: string;
  creationContent?: Record<string, unknown>;
  powerLevels?: Record<string, unknown>;
}

export interface CreatedRoom {
  roomId: string;
  alias: string;
}

export async function createRoom(actor: Actor, opts: CreateRoomOptions): Promise<CreatedRoom> {
  const initialState: Record<string, unknown>[] = [
    { type: 'm.room.history_visibility', state_key: '', content: { history_visibility: opts.historyVisibility } },
    { type: 'm.room.guest_access', state_key: '', content: { guest_access: opts.guestAccess ? 'can_join' : 'forbidden' } },
  ];
  const body: Record<string, unknown> = {
    preset: 'public_chat',
    visibility: opts.published ? 'public' : 'private',
    room_alias_name: opts.alias,
    name: opts.name,
    topic: opts.topic,
    initial_state: initialState,
  };
  if (opts.roomVersion) body['room_version'] = opts.roomVersion;
  if (opts.creationContent) body['creation_content'] = opts.creationContent;
  if (opts.powerLevels) body['power_level_content_override'] = opts.powerLevels;
  const res = await request<{ room_id: string }>('POST', '/_matrix/client/v3/createRoom', {
    token: actor.token,
    query: actor.query,
    json: body,
  });
  return { roomId: res.room_id, alias: `#${opts.alias}:${SERVER_NAME}` };
}

/** Joins and waits until the join is in the room's state. Returns the join event ID. */
export async function join(actor: Actor, roomIdOrAlias: string, roomId: string): Promise<string> {
  await request('POST', `/_matrix/client/v3/join/${enc(roomIdOrAlias)}`, { token: actor.token, json: {} });
  const event = await waitForMembership(actor, roomId, actor.userId, 'join');
  return event.event_id;
}

export async function waitForMembership(
  observer: Actor,
  roomId: string,
  userId: string,
  membership: string,
  extra: (content: Record<string, unknown>) => boolean = () => true,
): Promise<StateEvent> {
  return waitForState(
    observer,
    roomId,
    'm.room.member',
    userId,
    (e) => e.content['membership'] === membership && extra(e.content),
  );
}

async function membershipCall(
  actor: Actor,
  roomId: string,
  action: 'invite' | 'kick' | 'ban' | 'unban' | 'leave',
  userId: string | undefined,
  reason: string | undefined,
  expected: string,
): Promise<string> {
  const json: Record<string, unknown> = {};
  if (userId) json['user_id'] = userId;
  if (reason) json['reason'] = reason;
  await request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/${action}`, { token: actor.token, json });
  const target = userId ?? actor.userId;
  // A user who left can no longer read the current state: observe as the actor only if allowed.
  const event = await getState(actor, roomId, 'm.room.member', target).catch(() => undefined);
  if (event && event.content['membership'] === expected) return event.event_id;
  throw new Error(`${action} of ${target} in ${roomId} did not give membership ${expected}`);
}

export const invite = (a: Actor, roomId: string, userId: string): Promise<string> =>
  membershipCall(a, roomId, 'invite', userId, undefined, 'invite');
export const kick = (a: Actor, roomId: string, userId: string, reason: string): Promise<string> =>
  membershipCall(a, roomId, 'kick', userId, reason, 'leave');
export const ban = (a: Actor, roomId: string, userId: string, reason: string): Promise<string> =>
  membershipCall(a, roomId, 'ban', userId, reason, 'ban');
export const unban = (a: Actor, roomId: string, userId: string): Promise<string> =>
  membershipCall(a, roomId, 'unban', userId, undefined, 'leave');

/** Leaves; `observer` (still in the room) confirms it and gives the event ID. */
export async function leave(actor: Actor, roomId: string, observer: Actor): Promise<string> {
  await request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/leave`, { token: actor.token, json: {} });
  return (await waitForMembership(observer, roomId, actor.userId, 'leave')).event_id;
}

/** Sets a display name and waits for the resulting member event in `roomId`. */
export async function setDisplayName(actor: Actor, name: string, roomId: string): Promise<string> {
  await request('PUT', `/_matrix/client/v3/profile/${enc(actor.userId)}/displayname`, {
    token: actor.token,
    json: { displayname: name },
  });
  const event = await waitForMembership(actor, roomId, actor.userId, 'join', (c) => c['displayname'] === name);
  return event.event_id;
}

/** Sets an avatar and waits for the resulting member event in `roomId`. */
export async function setAvatar(actor: Actor, mxc: string, roomId: string): Promise<string> {
  await request('PUT', `/_matrix/client/v3/profile/${enc(actor.userId)}/avatar_url`, {
    token: actor.token,
    json: { avatar_url: mxc },
  });
  const event = await waitForMembership(actor, roomId, actor.userId, 'join', (c) => c['avatar_url'] === mxc);
  return event.event_id;
}

export async function redact(actor: Actor, roomId: string, eventId: string, reason: string): Promise<string> {
  const path = `/_matrix/client/v3/rooms/${enc(roomId)}/redact/${enc(eventId)}/${enc(txnId())}`;
  const res = await request<{ event_id: string }>('PUT', path, { token: actor.token, json: { reason } });
  return res.event_id;
}

export async function react(actor: Actor, roomId: string, eventId: string, key: string): Promise<string> {
  return send(actor, roomId, 'm.reaction', {
    'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key },
  });
}

export async function joinedCount(actor: Actor, roomId: string): Promise<number> {
  const res = await request<{ joined: Record<string, unknown> }>(
    'GET',
    `/_matrix/client/v3/rooms/${enc(roomId)}/joined_members`,
    { token: actor.token, query: actor.query },
  );
  return Object.keys(res.joined).length;
}

export async function sendMessages(actor: Actor, roomId: string, bodies: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const body of bodies) ids.push(await send(actor, roomId, 'm.room.message', { msgtype: 'm.text', body }));
  return ids;
}

export { setState };

/** The room version, from the create event. */
export async function roomVersion(actor: Actor, roomId: string): Promise<string> {
  const create = await getState(actor, roomId, 'm.room.create', '');
  const version = create?.content['room_version'];
  return typeof version === 'string' ? version : '1';
}
