// #pagination:localhost: hundreds of "Message N" over several past UTC days, sent through the
// appservice with ?ts= so that their origin_server_ts lies in the past, in increasing order.
import type { PaginationMessage, PaginationRoom } from '../../tests/support/homeserver.js';
import { asAppservice, send } from './client.js';
import { createRoom, join, joinedCount, roomVersion } from './rooms.js';
import type { Users } from './users.js';

const NAME = 'Pagination';
const TOPIC = 'Pagination: hundreds of numbered messages spread over past days';
export const MESSAGE_COUNT = 320;
/** Days before today (UTC) that get messages; 6 and 3 days ago stay empty. */
const DAYS_AGO = [9, 8, 7, 5, 4, 2];
const DAY_MS = 86_400_000;

const isoDay = (ts: number): string => new Date(ts).toISOString().slice(0, 10);

/** Timestamps for `count` messages: evenly over the chosen days, 07:00 to 22:00 UTC. */
export function messageTimestamps(count: number, now = Date.now()): number[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const result: number[] = [];
  const perDay = Math.ceil(count / DAYS_AGO.length);
  for (const [d, ago] of DAYS_AGO.entries()) {
    const n = Math.min(perDay, count - d * perDay);
    const start = today - ago * DAY_MS + 7 * 3_600_000;
    const step = Math.floor((15 * 3_600_000) / Math.max(1, n));
    for (let i = 0; i < n; i++) result.push(start + i * step + (i % 7) * 1_000);
  }
  return result;
}

export async function seedPagination(users: Users): Promise<PaginationRoom> {
  const { seeder, alice, bob, carol } = users;
  const room = await createRoom(seeder, {
    alias: 'pagination',
    name: NAME,
    topic: TOPIC,
    published: true,
    historyVisibility: 'world_readable',
    guestAccess: true,
  });
  const { roomId } = room;
  const events: Record<string, string> = {};
  for (const user of [alice, bob, carol]) events[`join:${user.name}`] = await join(user, room.alias, roomId);

  const senders = [alice, bob, carol].map(asAppservice);
  const timestamps = messageTimestamps(MESSAGE_COUNT);
  const messages: PaginationMessage[] = [];
  // Sequential, so that the room's order and the timestamps agree.
  for (const [i, ts] of timestamps.entries()) {
    const sender = senders[i % senders.length]!;
    const body = `Message ${i + 1}`;
    const eventId = await send(sender, roomId, 'm.room.message', { msgtype: 'm.text', body }, ts);
    messages.push({ eventId, sender: sender.userId, body, ts });
  }
  events['first'] = messages[0]!.eventId;
  events['last'] = messages[messages.length - 1]!.eventId;

  const days = [...new Set(messages.map((m) => isoDay(m.ts)))];
  const emptyDays: string[] = [];
  const first = Date.parse(`${days[0]}T00:00:00Z`);
  const lastDay = Date.parse(`${days[days.length - 1]}T00:00:00Z`);
  for (let t = first; t <= lastDay; t += DAY_MS) {
    if (!days.includes(isoDay(t))) emptyDays.push(isoDay(t));
  }
  return {
    roomId,
    alias: room.alias,
    name: NAME,
    topic: TOPIC,
    roomVersion: await roomVersion(seeder, roomId),
    worldReadable: true,
    inDirectory: true,
    memberCount: await joinedCount(seeder, roomId),
    events,
    messages,
    days,
    emptyDays,
  };
}
