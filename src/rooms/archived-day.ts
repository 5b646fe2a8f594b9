import type { Archive } from '../archive/archive.js';
import { holdsDay } from '../archive/stretches.js';
import type { MatrixEvent } from '../matrix/events.js';
import type { Located } from './day-jump.js';
import type { RoomSnapshot } from './snapshot.js';
import { DAY_MS, dayStart, utcDay } from '../utc-day.js';


/**
 * A past day from the archive, when it holds the day whole and knows its neighbours: the same
 * `Located` the homeserver paths give, so the day pages are built and split the same way and
 * their URLs do not change. Undefined means "ask the homeserver".
 */
export async function locateInArchive(archive: Archive, snapshot: RoomSnapshot, day: string, today: string): Promise<Located | undefined> {
  const { roomId } = snapshot;
  const store = archive.store;
  const stretches = await store.stretches(roomId);
  if (!holdsDay(stretches, day)) return undefined;
  const start = dayStart(day);
  const holding = stretches.filter((s) => (s.loTs < start || s.atStart) && (s.hiTs >= start + DAY_MS || s.freshAt >= start + DAY_MS));
  // Timestamps need not follow the timeline (imported history, a create event newer than
  // backdated messages), so the neighbouring days are known only once the archive holds the
  // room from its creation: until then the homeserver paths say which they are.
  if (!holding.some((s) => s.atStart)) return undefined;
  const from = Math.min(...holding.map((s) => s.loTs));
  const events = await store.dayEvents(roomId, day);
  const around = await store.neighbourDays(roomId, day);
  const previousDay = around.previous;
  const snapshotNext = snapshot.timeline.map((e) => utcDay(e.origin_server_ts)).find((d) => d > day);
  // A day not yet over is served live, and the live path finds that day's events only in the
  // room's latest events (the snapshot) and the chunks its index has read: so the archive names
  // today only when the snapshot holds it. Otherwise the link may lead to "no messages" (404),
  // as it did for a room created today with backdated messages: its state events of today lie
  // at the timeline's start, which a live index that has read only the latest chunk never sees.
  const archivedNext = around.next !== undefined && around.next < today ? around.next : undefined;
  const nextDay = [archivedNext, snapshotNext].filter((d): d is string => d !== undefined).sort()[0];
  if (events.length === 0) {
    if (start + DAY_MS <= from) return { kind: 'outside' };
    return { kind: 'empty', previousDay, nextDay };
  }
  const users = new Set<string>();
  for (const e of events) {
    users.add(e.sender);
    if (e.type === 'm.room.member' && e.state_key) users.add(e.state_key);
  }
  const last = events[events.length - 1]!.origin_server_ts;
  const members: MatrixEvent[] = await store.membersAt(roomId, [...users], last);
  return { kind: 'day', located: { events, members, previousDay, nextDay } };
}
