import { HomeserverUnavailable } from '../errors.js';
import type { MatrixEvent } from '../matrix/events.js';
import type { TimelineChunk } from '../matrix/room-answers.js';
import type { DaySource } from './homeserver.js';
import type { Located } from './day-jump.js';
import { roomKey, type RoomEpochs } from './epochs.js';
import { rollBack } from './profiles.js';
import { ReadThroughCache } from './read-through.js';
import type { RoomSnapshot } from './snapshot.js';
import { utcDay } from '../utc-day.js';


/** One backwards `/messages` chunk, remembered by what it covers, not by its events. */
interface IndexedChunk {
  /** The token the chunk was fetched from (its newer edge). */
  from: string | undefined;
  /** Events per UTC day in the chunk. */
  days: Map<string, number>;
  /** The newest timestamp per day in the chunk, for sitemaps' lastmod. */
  newest: Map<string, number>;
}

/**
 * A room's day index: the chunks read so far walking back from the latest event. Chunks are
 * newest first; `next` is where reading continues, undefined once the room's start is reached.
 */
interface DayIndex {
  chunks: IndexedChunk[];
  next: string | undefined;
  complete: boolean;
  builtAt: number;
}

export interface DayIndexOptions {
  maxBytes: number;
  /** Chunks one request may read to locate a day before it answers "try again". */
  chunkBudget: number;
  chunkSize: number;
  /** Rebuild an index this old, so days after it was built become known. */
  indexTtlMs?: number;
  now: () => number;
  /** Chunks are kept under the room's current epoch: a redaction has them read again. */
  epochs: RoomEpochs;
}

/** Thrown when a day cannot be located within the budget yet: a 503 that says "soon". */
export class StillIndexing extends HomeserverUnavailable {
  override name = 'StillIndexing';
  override readonly explanation: string =
    'The viewer is still reading this room’s history to find that day. Please try again in a few seconds.';
  constructor() {
    super('day index incomplete within budget', 5);
  }
}

/**
 * Days found the way a guest can: guests may not call `timestamp_to_event`, so the index
 * walks `/messages` backwards from the latest event, a bounded number of chunks per request,
 * and remembers which days each chunk holds. The chunks' events live in a byte-bounded cache
 * and are fetched again if evicted; past chunks never change. Timestamps need not be
 * monotonic (federation, imported history), so a day is taken as known once an older day has
 * been seen or the room's start reached.
 */
export class DayIndexer {
  /** Public for /metrics. */
  readonly indexes: ReadThroughCache<DayIndex>;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly api: Pick<DaySource, 'messages'>,
    private readonly chunks: ReadThroughCache<unknown>,
    private readonly opts: DayIndexOptions,
  ) {
    this.indexes = new ReadThroughCache<DayIndex>({
      name: 'day-index',
      maxBytes: Math.floor(opts.maxBytes / 10),
      sizeOf: (index) => 200 + index.chunks.reduce((sum, c) => sum + 150 + c.days.size * 60, 0),
    });
  }

  private now(): number {
    return this.opts.now();
  }

  private get chunkSize(): number {
    return this.opts.chunkSize;
  }

  /**
   * A chunk, cached. Past chunks never change; the latest one (no `from`) is keyed by the
   * index it belongs to, so a rebuilt index reads the latest events again.
   */
  private chunk(roomId: string, from: string | undefined, builtAt: number): Promise<TimelineChunk> {
    const key = from ?? `latest@${builtAt}`;
    return this.chunks.get(roomKey('chunk', roomId, this.opts.epochs.of(roomId), key), 24 * 3600_000, () =>
      this.api.messages(roomId, from, 'b', this.chunkSize, undefined),
    );
  }

  /**
   * Forgets the room's index (which days have messages, not what they say): for a room that
   * may no longer be shown. Its chunks go with the archive's cache.
   */
  forget(roomId: string): void {
    this.indexes.delete(roomId);
  }

  /** Runs `task` after any other index work on the same room: one walker per room. */
  private async exclusive<T>(roomId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(roomId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(task);
    this.locks.set(roomId, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(roomId) === run) this.locks.delete(roomId);
    }
  }

  /** The room's index, begun afresh once it is `indexTtlMs` old, so later days become known. */
  private index(roomId: string): DayIndex | Promise<DayIndex> {
    return (
      this.indexes.peek(roomId) ??
      this.indexes.get(roomId, this.opts.indexTtlMs ?? 3600_000, async () => ({ chunks: [], next: undefined, complete: false, builtAt: this.now() }))
    );
  }

  /** Reads further back until `enough` holds, the room's start, or the budget is spent. */
  private async extend(roomId: string, enough: (index: DayIndex) => boolean, budget: number): Promise<DayIndex> {
    return this.exclusive(roomId, async () => {
      const index = await this.index(roomId);
      for (let read = 0; !index.complete && !enough(index); read++) {
        if (read >= budget) throw new StillIndexing();
        const from = index.chunks.length === 0 ? undefined : index.next;
        const chunk = await this.chunk(roomId, from, index.builtAt);
        const days = new Map<string, number>();
        const newest = new Map<string, number>();
        for (const event of chunk.events) {
          const day = utcDay(event.origin_server_ts);
          days.set(day, (days.get(day) ?? 0) + 1);
          newest.set(day, Math.max(newest.get(day) ?? 0, event.origin_server_ts));
        }
        index.chunks.push({ from, days, newest });
        index.next = chunk.start;
        const reachedStart = !chunk.start || chunk.events.length < this.chunkSize || chunk.events[0]?.type === 'm.room.create';
        if (reachedStart) index.complete = true;
        this.indexes.remeasure(roomId);
      }
      return index;
    });
  }

  /** Every day known to have messages, extending the index by at most `budget` chunks. */
  async listDays(roomId: string, budget: number): Promise<Array<{ day: string; lastModified: number }>> {
    let index: DayIndex;
    try {
      index = await this.extend(roomId, () => false, budget);
    } catch (error) {
      if (!(error instanceof StillIndexing)) throw error;
      index = await this.index(roomId);
    }
    const days = new Map<string, number>();
    for (const chunk of index.chunks) {
      for (const [day, ts] of chunk.newest) days.set(day, Math.max(days.get(day) ?? 0, ts));
    }
    return [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, lastModified]) => ({ day, lastModified }));
  }

  /** The day's events and its neighbouring days, from the index, extended as needed. */
  async locate(snapshot: RoomSnapshot, day: string): Promise<Located> {
    const roomId = snapshot.roomId;
    const hasOlder = (index: DayIndex): boolean => index.chunks.some((c) => [...c.days.keys()].some((d) => d < day));
    const index = await this.extend(roomId, hasOlder, this.opts.chunkBudget);

    const known = new Set<string>();
    for (const chunk of index.chunks) for (const d of chunk.days.keys()) known.add(d);
    for (const event of snapshot.timeline) known.add(utcDay(event.origin_server_ts));
    const sortedDays = [...known].sort();
    if (index.complete && sortedDays.length > 0 && day < sortedDays[0]!) return { kind: 'outside' };
    const previousDay = [...sortedDays].reverse().find((d) => d < day);
    const nextDay = sortedDays.find((d) => d > day);

    // The day's events: from every indexed chunk that holds some, oldest chunk first, then
    // any newer ones from the snapshot (today's, after the index was built).
    const events: MatrixEvent[] = [];
    const seen = new Set<string>();
    let members: MatrixEvent[] = [...snapshot.members.values()];
    const holding = index.chunks.filter((c) => c.days.has(day)).reverse();
    for (const [i, entry] of holding.entries()) {
      const chunk = await this.chunk(roomId, entry.from, index.builtAt);
      const inDay = chunk.events.filter((e) => utcDay(e.origin_server_ts) === day);
      for (const event of inDay) {
        if (!seen.has(event.event_id)) {
          seen.add(event.event_id);
          events.push(event);
        }
      }
      if (i === holding.length - 1) {
        const last = inDay[inDay.length - 1];
        const after = last ? chunk.events.slice(chunk.events.indexOf(last) + 1) : [];
        members = rollBack(chunk.state, after);
      }
    }
    for (const event of snapshot.timeline) {
      if (utcDay(event.origin_server_ts) === day && !seen.has(event.event_id)) {
        seen.add(event.event_id);
        events.push(event);
      }
    }
    if (events.length === 0) return { kind: 'empty', previousDay, nextDay };
    return { kind: 'day', located: { events, members, previousDay, nextDay } };
  }

}
