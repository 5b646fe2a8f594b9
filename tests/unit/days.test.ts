import { describe, expect, it } from 'vitest';
import type { MatrixEvent } from '../../src/matrix/events.js';
import type { TimelineChunk } from '../../src/matrix/room-answers.js';
import type { DaySource } from '../../src/rooms/homeserver.js';
import { DayArchive, splitPages, StillIndexing } from '../../src/rooms/days.js';
import { utcDay } from '../../src/utc-day.js';
import { RoomEpochs } from '../../src/rooms/epochs.js';
import type { RoomSnapshot } from '../../src/rooms/snapshot.js';
import { parseDay } from '../../src/view/day.js';
import { Archive } from '../../src/archive/archive.js';
import { SqliteStore } from '../../src/archive/sqlite.js';
import { describeForArchive } from '../../src/view/archive-text.js';

const HOUR = 3600_000;
const START = Date.parse('2026-11-20T08:00:00Z');

function message(n: number, ts: number): MatrixEvent {
  return { event_id: `$m${n}`, type: 'm.room.message', sender: '@a:x', origin_server_ts: ts, content: { msgtype: 'm.text', body: `Message ${n}` } };
}

function reaction(n: number, ts: number): MatrixEvent {
  return { event_id: `$r${n}`, type: 'm.reaction', sender: '@a:x', origin_server_ts: ts, content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$m1', key: '👍' } } };
}

/** A room whose timeline is `events` (oldest first), paged backwards like /messages. */
class TimelineApi {
  calls = 0;
  constructor(private readonly events: MatrixEvent[]) {}
  async messages(_roomId: string, from: string | undefined, dir: 'b' | 'f', limit: number): Promise<TimelineChunk> {
    this.calls++;
    if (dir !== 'b') throw new Error('only backwards');
    const end = from === undefined ? this.events.length : Number(from);
    const start = Math.max(0, end - limit);
    return { events: this.events.slice(start, end), start: start > 0 ? String(start) : undefined, end: String(end), state: [] };
  }
  asApi(): DaySource {
    const unused = (): never => {
      throw new Error('a guest neither jumps nor asks for context here');
    };
    return { isGuest: true, messages: this.messages.bind(this), context: unused, timestampToEvent: unused };
  }
}

function snapshotOf(events: MatrixEvent[]): RoomSnapshot {
  return { roomId: '!r:x', timeline: events.slice(-5), members: new Map() } as unknown as RoomSnapshot;
}

const visible = (event: MatrixEvent): boolean => event.type === 'm.room.message';

// Three messages an hour from 20 November, with a gap on 23 November.
const events: MatrixEvent[] = [];
for (let n = 1, ts = START; n <= 300; n++, ts += 20 * 60_000) {
  if (utcDay(ts) === '2026-11-23') ts += 24 * HOUR;
  events.push(message(n, ts));
}

describe('parseDay', () => {
  it('accepts real calendar days only', () => {
    expect(parseDay('2026', '11', '22')).toBe('2026-11-22');
    expect(parseDay('2026', '02', '30')).toBeNull();
    expect(parseDay('2026', '1', '02')).toBeNull();
    expect(parseDay('20261', '01', '02')).toBeNull();
    expect(parseDay(undefined, '01', '02')).toBeNull();
  });
});

describe('splitPages', () => {
  it('splits by visible events and keeps hidden ones with their page', () => {
    const day = [message(1, 1), reaction(1, 2), message(2, 3), message(3, 4), reaction(2, 5), message(4, 6), message(5, 7)];
    const pages = splitPages(day, 2, visible);
    expect(pages.map((p) => p.map((e) => e.event_id))).toEqual([['$m1', '$r1', '$m2'], ['$m3', '$r2', '$m4'], ['$m5']]);
  });
});

describe('DayArchive', () => {
  const now = () => Date.parse('2026-11-29T12:00:00Z');

  it('finds a day by paging backwards and returns its messages, in pages', async () => {
    const api = new TimelineApi(events);
    const archive = new DayArchive(api.asApi(), { epochs: new RoomEpochs(), pageSize: 50, maxBytes: 10_000_000, chunkBudget: 20, chunkSize: 40, now, isVisible: visible });
    const result = await archive.day(snapshotOf(events), '2026-11-21', 1);
    expect(result.kind).toBe('page');
    if (result.kind !== 'page') return;
    const expected = events.filter((e) => utcDay(e.origin_server_ts) === '2026-11-21');
    expect(result.data.pages).toBe(Math.ceil(expected.length / 50));
    expect(result.data.events).toEqual(expected.slice(0, 50));
    expect(result.data.previousDay).toBe('2026-11-20');
    expect(result.data.nextDay).toBe('2026-11-22');
    expect(result.data.past).toBe(true);
    const second = await archive.day(snapshotOf(events), '2026-11-21', 2);
    expect(second.kind === 'page' && second.data.events).toEqual(expected.slice(50, 100));
  });

  it('skips empty days in its links and answers an empty day as empty', async () => {
    const api = new TimelineApi(events);
    const archive = new DayArchive(api.asApi(), { epochs: new RoomEpochs(), pageSize: 50, maxBytes: 10_000_000, chunkBudget: 20, chunkSize: 40, now, isVisible: visible });
    const before = await archive.day(snapshotOf(events), '2026-11-22', 1);
    expect(before.kind === 'page' && before.data.nextDay).toBe('2026-11-24');
    const gap = await archive.day(snapshotOf(events), '2026-11-23', 1);
    expect(gap).toEqual({ kind: 'empty', day: '2026-11-23', previousDay: '2026-11-22', nextDay: '2026-11-24' });
  });

  it('says a date outside the room’s life is outside, and a page past the end is out of range', async () => {
    const api = new TimelineApi(events);
    const archive = new DayArchive(api.asApi(), { epochs: new RoomEpochs(), pageSize: 50, maxBytes: 10_000_000, chunkBudget: 20, chunkSize: 40, now, isVisible: visible });
    expect(await archive.day(snapshotOf(events), '2026-11-01', 1)).toEqual({ kind: 'outside' });
    expect(await archive.day(snapshotOf(events), '2027-01-01', 1)).toEqual({ kind: 'outside' });
    expect(await archive.day(snapshotOf(events), '2026-11-21', 9)).toEqual({ kind: 'page-out-of-range', pages: 2 });
  });

  it('reads at most its budget per request, says "still indexing", and continues next time', async () => {
    const api = new TimelineApi(events);
    const archive = new DayArchive(api.asApi(), { epochs: new RoomEpochs(), pageSize: 50, maxBytes: 10_000_000, chunkBudget: 2, chunkSize: 20, now, isVisible: visible });
    await expect(archive.day(snapshotOf(events), '2026-11-20', 1)).rejects.toBeInstanceOf(StillIndexing);
    expect(api.calls).toBe(2);
    let result;
    for (let attempt = 0; attempt < 20 && !result; attempt++) {
      result = await archive.day(snapshotOf(events), '2026-11-20', 1).catch((e: unknown) => {
        if (e instanceof StillIndexing) return undefined;
        throw e;
      });
    }
    expect(result?.kind).toBe('page');
    expect(api.calls).toBeLessThanOrEqual(Math.ceil(events.length / 20) + 2);
  });

  it('lists the days it knows for sitemaps, with the newest time of each', async () => {
    const api = new TimelineApi(events);
    const archive = new DayArchive(api.asApi(), { epochs: new RoomEpochs(), pageSize: 50, maxBytes: 10_000_000, chunkBudget: 50, chunkSize: 40, now, isVisible: visible });
    const days = await archive.listDays('!r:x', 50);
    expect(days.map((d) => d.day)).toEqual([...new Set(events.map((e) => utcDay(e.origin_server_ts)))]);
    const last = days.at(-1)!;
    expect(last.lastModified).toBe(events.at(-1)!.origin_server_ts);
  });

  it('from the archive, links only days whose pages exist: not today when only its state lies at the timeline’s start', async () => {
    // As the seeded #pagination: created today, then messages sent with backdated timestamps.
    // The archive holds today's state events; the live path, which serves today, reads only
    // the latest chunk and finds none of them, so a link to today would be a 404.
    const created = Date.parse('2026-11-29T01:00:00Z');
    const state: MatrixEvent[] = [
      { event_id: '$create', type: 'm.room.create', sender: '@a:x', state_key: '', origin_server_ts: created, content: {} },
      { event_id: '$join', type: 'm.room.member', sender: '@a:x', state_key: '@a:x', origin_server_ts: created + 1, content: { membership: 'join' } },
    ];
    const backdated = Array.from({ length: 90 }, (_, i) => message(i + 1, Date.parse('2026-11-25T08:00:00Z') + Math.floor(i / 30) * 24 * HOUR + (i % 30) * 60_000));
    const timeline = [...state, ...backdated];
    const store = new SqliteStore(':memory:');
    await store.migrate();
    const held = new Archive(store, { describe: describeForArchive, now });
    await held.record('!r:x', { events: timeline, state: [] }, { from: undefined, dir: 'b', start: undefined, end: 'end', reachedStart: true });
    const options = { epochs: new RoomEpochs(), pageSize: 50, maxBytes: 10_000_000, chunkBudget: 20, chunkSize: 40, now, isVisible: visible };
    const live = new DayArchive(new TimelineApi(timeline).asApi(), options);
    const api = new TimelineApi(timeline);
    const archived = new DayArchive(api.asApi(), { ...options, epochs: new RoomEpochs(), archive: held });
    const snapshot = snapshotOf(timeline);

    const last = await archived.day(snapshot, '2026-11-27', 1);
    expect(last.kind === 'page' && last.data.nextDay).toBeUndefined();
    expect(archived.archiveDays).toBe(1);
    expect(api.calls).toBe(0);
    const liveLast = await live.day(snapshot, '2026-11-27', 1);
    expect(liveLast.kind === 'page' && liveLast.data.nextDay).toBeUndefined();
    // Every day a page links, from the first on, is a page.
    for (let day: string | undefined = '2026-11-25'; day; ) {
      const result = await archived.day(snapshot, day, 1);
      expect(result.kind, day).toBe('page');
      day = result.kind === 'page' ? result.data.nextDay : undefined;
    }
    // A message of today in the room's latest events is linked, from the snapshot.
    const today = message(91, Date.parse('2026-11-29T10:00:00Z'));
    const withToday = snapshotOf([...timeline, today]);
    const linked = await archived.day(withToday, '2026-11-27', 1);
    expect(linked.kind === 'page' && linked.data.nextDay).toBe('2026-11-29');
  });
});
