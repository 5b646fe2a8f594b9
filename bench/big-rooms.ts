// Big rooms for the stand-in homeserver: `!big{n}:bench.test` (alias `#big{n}:bench.test`),
// each with 50,000 joined members and 50,000 who left in its current state, the shape of
// #matrix:matrix.org (about 29 MB of state). The member list is serialised once and shared by
// every big room, so the stand-in itself stays cheap. Endpoints answer as Synapse does:
// `/messages` and `/context` with a `lazy_load_members` filter send only the senders' member
// events, and Synapse's `/context` sends every non-member state event with them.
// Two more rooms misbehave on purpose: `!endless:bench.test` sends an answer that never ends,
// `!huge:bench.test` a `/messages` answer far over any sensible byte bound.
import type { IncomingMessage, ServerResponse } from 'node:http';

const SERVER = 'bench.test';
export const BIG_JOINED = 50_000;
export const BIG_LEFT = 50_000;
const TIMELINE = 60;
const SENDERS = 20;
const BASE_TS = Date.UTC(2025, 0, 1);

const userId = (n: number): string => `@user${n}:${n % 7 === 0 ? 'example.org' : SERVER}`;

function memberEvent(n: number): Record<string, unknown> {
  const joined = n < BIG_JOINED;
  return {
    type: 'm.room.member',
    state_key: userId(n),
    sender: userId(n),
    content: joined ? { membership: 'join', displayname: `User ${n}`, avatar_url: `mxc://${SERVER}/avatar${n % 97}` } : { membership: 'leave' },
    event_id: `$member${n}-${'m'.repeat(24)}`,
    origin_server_ts: BASE_TS + n,
    unsigned: { age: 1000, ...(joined ? {} : { prev_content: { membership: 'join', displayname: `User ${n}` } }) },
  };
}

let membersJson: { all: Buffer; joined: Buffer } | undefined;
/** The member events as JSON array bodies (without brackets), made once. */
function members(): { all: Buffer; joined: Buffer } {
  if (!membersJson) {
    const joined = Array.from({ length: BIG_JOINED }, (_, n) => JSON.stringify(memberEvent(n))).join(',');
    const left = Array.from({ length: BIG_LEFT }, (_, n) => JSON.stringify(memberEvent(BIG_JOINED + n))).join(',');
    membersJson = { all: Buffer.from(`${joined},${left}`), joined: Buffer.from(joined) };
  }
  return membersJson;
}

function nonMemberState(roomId: string, index: number): Array<Record<string, unknown>> {
  const admin = userId(0);
  const ev = (type: string, content: Record<string, unknown>, n: number): Record<string, unknown> => ({
    type,
    state_key: '',
    sender: admin,
    content,
    event_id: `$bigstate${n}-${index}`,
    origin_server_ts: BASE_TS,
    room_id: roomId,
    unsigned: { age: 1000 },
  });
  return [
    ev('m.room.create', { creator: admin, room_version: '10' }, 0),
    ev('m.room.power_levels', { users: { [admin]: 100, [userId(1)]: 50, [userId(2)]: 50 }, users_default: 0, events_default: 0, state_default: 50 }, 1),
    ev('m.room.join_rules', { join_rule: 'public' }, 2),
    ev('m.room.history_visibility', { history_visibility: 'world_readable' }, 3),
    ev('m.room.guest_access', { guest_access: 'can_join' }, 4),
    ev('m.room.name', { name: `Big room ${index}` }, 5),
    ev('m.room.topic', { topic: `A room of ${BIG_JOINED.toLocaleString('en-US')} members` }, 6),
    ev('m.room.canonical_alias', { alias: `#big${index}:${SERVER}` }, 7),
  ];
}

function timeline(roomId: string, index: number): Array<Record<string, unknown>> {
  return Array.from({ length: TIMELINE }, (_, i) => ({
    type: 'm.room.message',
    sender: userId((i * 7919) % SENDERS),
    content: { msgtype: 'm.text', body: `Message ${i} in a very big room, number ${index}` },
    event_id: `$big${index}-ev${i}-${'x'.repeat(20)}`,
    origin_server_ts: BASE_TS + 86_400_000 + i * 60_000,
    room_id: roomId,
    unsigned: { age: 1000 },
  }));
}

const senderMembers = (): string[] => Array.from({ length: SENDERS }, (_, n) => JSON.stringify(memberEvent(n)));

/** Writes `{...head, [key]: [ ...parts ] ...tail}` without building one big string. */
function sendJson(res: ServerResponse, head: Record<string, unknown>, key: string, parts: Array<string | Buffer>): void {
  const open = JSON.stringify(head);
  const prefix = `${open.slice(0, -1)}${open.length > 2 ? ',' : ''}"${key}":[`;
  const pieces = [Buffer.from(prefix), ...parts.flatMap((p, i) => (i > 0 ? [Buffer.from(','), Buffer.from(p)] : [Buffer.from(p)])), Buffer.from(']}')];
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': pieces.reduce((n, p) => n + p.length, 0) });
  for (const piece of pieces) res.write(piece);
  res.end();
}

const isLazy = (url: URL): boolean => (url.searchParams.get('filter') ?? '').includes('"lazy_load_members":true');

/** Answers a big-room request, or returns false when the path is not one of them. */
export function bigRoomHandler(req: IncomingMessage, res: ServerResponse, url: URL, path: string, rooms: number): boolean {
  if (path.startsWith('/rooms/!endless') || path.startsWith('/rooms/%21endless')) return endless(res), true;
  if (/^\/rooms\/(!|%21)huge/.test(path) && path.endsWith('/messages')) {
    const event = JSON.stringify({ type: 'm.room.message', sender: userId(1), content: { msgtype: 'm.text', body: 'y'.repeat(1000) }, event_id: '$huge', origin_server_ts: BASE_TS });
    sendJson(res, { start: 's', end: 'e' }, 'chunk', Array.from({ length: 40_000 }, () => event));
    return true;
  }
  const alias = /^\/(?:directory\/room|room_summary)\/(?:#|%23)big(\d+)(?::|%3A)bench\.test$/.exec(path);
  const match = /^\/(?:rooms|room_summary)\/(?:!|%21)big(\d+)(?::|%3A)bench\.test(\/.*)?$/.exec(path) ?? alias;
  if (!match) return false;
  const index = Number(match[1]);
  const roomId = `!big${index}:${SERVER}`;
  const json = (body: unknown, status = 200): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (index >= rooms) return json({ errcode: 'M_NOT_FOUND', error: 'Room not found' }, 404), true;
  if (path.startsWith('/directory/room/')) return json({ room_id: roomId, servers: [SERVER] }), true;
  const state = nonMemberState(roomId, index);
  const events = timeline(roomId, index);
  const rest = match[2] ?? '';
  if (path.startsWith('/room_summary/')) {
    return json({ room_id: roomId, name: `Big room ${index}`, canonical_alias: `#big${index}:${SERVER}`, num_joined_members: BIG_JOINED, world_readable: true, guest_can_join: true, join_rule: 'public', room_version: '10' }), true;
  }
  const stateParts = (): Array<string | Buffer> => [...state.map((e) => JSON.stringify(e)), members().all];
  if (rest === '/initialSync') {
    const chunk = [...events].map((e) => JSON.stringify(e));
    const open = `{"room_id":${JSON.stringify(roomId)},"messages":{"chunk":[${chunk.join(',')}],"start":"t0","end":"t${TIMELINE}"},`;
    const pieces = [Buffer.from(`${open}"state":[`), ...stateParts().flatMap((p, i) => [Buffer.from(i ? ',' : ''), Buffer.from(p)]), Buffer.from(']}')];
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': pieces.reduce((n, p) => n + p.length, 0) });
    for (const piece of pieces) res.write(piece);
    res.end();
    return true;
  }
  if (rest === '/state') {
    const body = [Buffer.from('['), ...stateParts().flatMap((p, i) => [Buffer.from(i ? ',' : ''), Buffer.from(p)]), Buffer.from(']')];
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.reduce((n, p) => n + p.length, 0) });
    for (const piece of body) res.write(piece);
    res.end();
    return true;
  }
  if (rest === '/members') {
    const joinedOnly = url.searchParams.get('membership') === 'join';
    sendJson(res, {}, 'chunk', [joinedOnly ? members().joined : members().all]);
    return true;
  }
  if (rest === '/messages') {
    const dir = url.searchParams.get('dir') ?? 'b';
    if (dir === 'f' || url.searchParams.get('from')) return json({ chunk: [], start: url.searchParams.get('from') ?? 'end', end: 'end' }), true;
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 10) || 10, 1000);
    const chunk = [...events].reverse().slice(0, limit);
    // Synapse sends no `state` without lazy loading; with it, the senders' member events.
    return json({ chunk, start: `t${TIMELINE}`, end: 't0', ...(isLazy(url) ? { state: senderMembers().map((m) => JSON.parse(m) as unknown) } : {}) }), true;
  }
  const context = /^\/context\/(.+)$/.exec(rest);
  if (context) {
    const eventId = decodeURIComponent(context[1]!);
    const at = events.findIndex((e) => e['event_id'] === eventId);
    if (at < 0) return json({ errcode: 'M_NOT_FOUND', error: 'Event not found' }, 404), true;
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 10), 100);
    const head = {
      event: events[at],
      events_before: events.slice(Math.max(0, at - Math.floor(limit / 2)), at).reverse(),
      events_after: events.slice(at + 1, at + 1 + Math.ceil(limit / 2)),
      start: `t${at}`,
      end: `t${at + 1}`,
    };
    // Without lazy loading Synapse sends the whole state at the event, members and all.
    sendJson(res, head, 'state', isLazy(url) ? [...state.map((e) => JSON.stringify(e)), ...senderMembers()] : stateParts());
    return true;
  }
  const event = /^\/event\/(.+)$/.exec(rest);
  if (event) {
    const found = events.find((e) => e['event_id'] === decodeURIComponent(event[1]!));
    return json(found ?? { errcode: 'M_NOT_FOUND', error: 'Event not found' }, found ? 200 : 404), true;
  }
  return false;
}

/** An answer that never ends: state events, forever, as fast as the reader takes them. */
function endless(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.write('{"chunk":[');
  const piece = Buffer.from(`${JSON.stringify(memberEvent(1))},`.repeat(200));
  const pump = (): void => {
    while (res.write(piece)) {
      if (res.destroyed) return;
    }
    res.once('drain', pump);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}
