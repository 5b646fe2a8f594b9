// A synthetic homeserver for benchmarks: as many generated, world-readable rooms as asked
// for, answered with the shapes of the real client-server API (as in tests/fixtures/recorded).
// Room `!room{n}:bench.test` (alias `#room{n}:bench.test`) for n in [0, rooms), and the big
// rooms of bench/big-rooms.ts.
//   npx tsx bench/synthetic-homeserver.ts [port] [rooms]
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bigRoomHandler } from './big-rooms.js';

const SERVER = 'bench.test';
const USERS = ['alice', 'bob', 'carol', 'dave', 'eve'].map((name) => `@${name}:${SERVER}`);
const EVENTS_PER_ROOM = 60;
const BASE_TS = Date.UTC(2025, 0, 1);

/** A small deterministic PRNG, so every run serves the same rooms. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

const WORDS = 'the a room matrix message viewer static page link homeserver cache event reply thread widget server client guest public read world history'.split(' ');

function sentence(next: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
}

interface Room {
  state: Array<Record<string, unknown>>;
  timeline: Array<Record<string, unknown>>;
}

function stateEvent(roomId: string, type: string, stateKey: string, sender: string, content: Record<string, unknown>, ts: number, n: number): Record<string, unknown> {
  return {
    type,
    state_key: stateKey,
    sender,
    content,
    event_id: `$state${n}-${roomId.slice(1, 12)}`,
    origin_server_ts: ts,
    room_id: roomId,
    unsigned: { age: 1000 },
  };
}

export function generateRoom(index: number): Room {
  const roomId = `!room${index}:${SERVER}`;
  const next = random(index + 1);
  let n = 0;
  const ts = BASE_TS + index * 1000;
  const state = [
    stateEvent(roomId, 'm.room.create', '', USERS[0]!, { creator: USERS[0], room_version: '11' }, ts, n++),
    stateEvent(roomId, 'm.room.power_levels', '', USERS[0]!, { users: { [USERS[0]!]: 100 }, events_default: 0, state_default: 50 }, ts, n++),
    stateEvent(roomId, 'm.room.join_rules', '', USERS[0]!, { join_rule: 'public' }, ts, n++),
    stateEvent(roomId, 'm.room.history_visibility', '', USERS[0]!, { history_visibility: 'world_readable' }, ts, n++),
    stateEvent(roomId, 'm.room.guest_access', '', USERS[0]!, { guest_access: 'can_join' }, ts, n++),
    stateEvent(roomId, 'm.room.name', '', USERS[0]!, { name: `Bench room ${index}` }, ts, n++),
    stateEvent(roomId, 'm.room.topic', '', USERS[0]!, { topic: `Generated room ${index}: ${sentence(next, 12)}` }, ts, n++),
    stateEvent(roomId, 'm.room.canonical_alias', '', USERS[0]!, { alias: `#room${index}:${SERVER}` }, ts, n++),
    ...USERS.map((user) => stateEvent(roomId, 'm.room.member', user, user, { membership: 'join', displayname: user.slice(1, user.indexOf(':')) }, ts, n++)),
  ];
  const timeline: Array<Record<string, unknown>> = [];
  for (let i = 0; i < EVENTS_PER_ROOM; i++) {
    const sender = USERS[Math.floor(next() * USERS.length)]!;
    const body = sentence(next, 8 + Math.floor(next() * 40));
    const formatted = i % 4 === 0;
    timeline.push({
      type: 'm.room.message',
      sender,
      content: formatted
        ? { msgtype: 'm.text', body, format: 'org.matrix.custom.html', formatted_body: `<p><strong>${body.slice(0, 20)}</strong>${body.slice(20)} <a href="https://example.org/${i}">link</a></p>` }
        : { msgtype: 'm.text', body },
      event_id: `$ev${i}-${index}-${'x'.repeat(20)}`,
      origin_server_ts: ts + 60_000 * (i + 1),
      room_id: roomId,
      unsigned: { age: 1000 },
    });
  }
  return { state, timeline };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function roomIndex(roomId: string, rooms: number): number | undefined {
  const match = new RegExp(`^!room(\\d+):${SERVER.replace('.', '\\.')}$`).exec(roomId);
  const index = match ? Number(match[1]) : NaN;
  return Number.isInteger(index) && index >= 0 && index < rooms ? index : undefined;
}

export function syntheticHandler(rooms: number, bigRooms = 24): (req: IncomingMessage, res: ServerResponse) => void {
  const notFound = (res: ServerResponse): void => json(res, 404, { errcode: 'M_NOT_FOUND', error: 'Room not found' });
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://synthetic');
    const path = url.pathname.replace(/^\/_matrix\/client\/(v3|v1|r0)/, '');
    if (path === '/versions' || url.pathname === '/_matrix/client/versions') return json(res, 200, { versions: ['v1.11'] });
    if (path === '/register' && url.searchParams.get('kind') === 'guest') {
      return json(res, 200, { user_id: `@guest${Date.now()}:${SERVER}`, access_token: `guest_${Math.random().toString(36).slice(2)}`, device_id: 'BENCH' });
    }
    if (path === '/account/whoami') return json(res, 200, { user_id: `@guest:${SERVER}`, is_guest: true });
    if (bigRoomHandler(req, res, url, path, bigRooms)) return;
    if (path === '/publicRooms') {
      const chunk = Array.from({ length: Math.min(rooms, 20) }, (_, i) => ({
        room_id: `!room${i}:${SERVER}`,
        name: `Bench room ${i}`,
        canonical_alias: `#room${i}:${SERVER}`,
        num_joined_members: USERS.length,
        world_readable: true,
        guest_can_join: true,
        join_rule: 'public',
      }));
      return json(res, 200, { chunk, total_room_count_estimate: rooms, ...(rooms > 20 ? { next_batch: 'p20' } : {}) });
    }
    let match = /^\/directory\/room\/(.+)$/.exec(path);
    if (match) {
      const alias = decodeURIComponent(match[1]!);
      const index = /^#room(\d+):bench\.test$/.exec(alias);
      const roomId = index ? `!room${index[1]}:${SERVER}` : undefined;
      if (!roomId || roomIndex(roomId, rooms) === undefined) return notFound(res);
      return json(res, 200, { room_id: roomId, servers: [SERVER] });
    }
    match = /^\/directory\/list\/room\/(.+)$/.exec(path);
    if (match) return json(res, 200, { visibility: 'public' });
    // The cold load's other two calls: the current visibility, and the non-member state at the
    // newest event (Synapse's /context with lazily loaded members).
    match = /^\/rooms\/([^/]+)\/(state\/m\.room\.history_visibility\/?|context\/[^/]+)$/.exec(path);
    const known = match ? roomIndex(decodeURIComponent(match[1]!), rooms) : undefined;
    // Rooms it does not generate (the big rooms' other calls, unknown IDs) answer as before.
    if (match && known !== undefined) {
      const index = known;
      const room = generateRoom(index);
      if (match[2]!.startsWith('state')) return json(res, 200, { history_visibility: 'world_readable' });
      const nonMember = room.state.filter((e) => e['type'] !== 'm.room.member');
      const newest = [...room.timeline].sort((a, b) => Number(b['origin_server_ts']) - Number(a['origin_server_ts']))[0];
      return json(res, 200, { event: newest, events_before: [], events_after: [], state: nonMember, start: 'c0', end: 'c1' });
    }
    match = /^\/rooms\/([^/]+)\/(state|messages|members|initialSync)$/.exec(path);
    if (match) {
      const index = roomIndex(decodeURIComponent(match[1]!), rooms);
      if (index === undefined) return json(res, 403, { errcode: 'M_FORBIDDEN', error: 'Guest access not allowed' });
      const room = generateRoom(index);
      if (match[2] === 'state') return json(res, 200, room.state);
      if (match[2] === 'members') return json(res, 200, { chunk: room.state.filter((e) => e['type'] === 'm.room.member') });
      if (match[2] === 'initialSync') {
        const limit = Math.min(Number(url.searchParams.get('limit') ?? 10) || 10, 1000);
        const events = [...room.timeline, ...room.state].sort((a, b) => Number(a['origin_server_ts']) - Number(b['origin_server_ts']));
        return json(res, 200, { room_id: decodeURIComponent(match[1]!), state: room.state, messages: { chunk: events.slice(-limit), start: 'begin', end: 'end' } });
      }
      const dir = url.searchParams.get('dir') ?? 'b';
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 10) || 10, 1000);
      if (dir === 'f') return json(res, 200, { chunk: [], start: url.searchParams.get('from') ?? 'end', end: 'end', state: [] });
      const events = [...room.timeline, ...room.state].sort((a, b) => Number(b['origin_server_ts']) - Number(a['origin_server_ts']));
      return json(res, 200, {
        chunk: events.slice(0, limit),
        start: 'end',
        state: room.state.filter((e) => e['type'] === 'm.room.member'),
        // No `end`: the start of the room was reached.
      });
    }
    return json(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
  };
}

export async function startSyntheticHomeserver(rooms: number, port = 0, bigRooms = 24): Promise<{ url: string; server: Server; counter: { bytes: number }; close(): Promise<void> }> {
  const handler = syntheticHandler(rooms, bigRooms);
  const counter = { bytes: 0 };
  // Bytes sent, bodies only, so the bench can say what a page cost upstream.
  const server = createServer((req, res) => {
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
    const count = (chunk: unknown): void => {
      if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) counter.bytes += Buffer.byteLength(chunk);
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => (count(chunk), write(chunk, ...rest))) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => (typeof chunk !== 'function' && count(chunk), end(chunk, ...rest))) as typeof res.end;
    handler(req, res);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    counter,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? 0);
  const rooms = Number(process.argv[3] ?? 5000);
  const started = await startSyntheticHomeserver(rooms, port);
  process.stdout.write(`${started.url}\n`);
}
