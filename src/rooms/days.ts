import type { MatrixEvent } from '../matrix/events.js';
import type { DaySource } from './homeserver.js';
import { DayIndexer } from './day-index.js';
import { utcDay } from '../utc-day.js';
import { jumpRefused, locateByJump, type Located } from './day-jump.js';
import { ReadThroughCache } from './read-through.js';
import { roomKey, type RoomEpochs } from './epochs.js';
import { locateInArchive } from './archived-day.js';
import type { Archive } from '../archive/archive.js';
import type { RoomSnapshot } from './snapshot.js';

export { StillIndexing } from './day-index.js';

export interface DayPageData {
  day: string;
  page: number;
  pages: number;
  /** Chronological raw events of this page of the day. */
  events: MatrixEvent[];
  /** All of the day's events, for aggregating reactions and edits. */
  dayEvents: MatrixEvent[];
  members: MatrixEvent[];
  previousDay: string | undefined;
  nextDay: string | undefined;
  /** Whether the day is over (its pages no longer change). */
  past: boolean;
  lastModified: number;
}

export type DayResult =
  | { kind: 'page'; data: DayPageData }
  | { kind: 'empty'; day: string; previousDay: string | undefined; nextDay: string | undefined }
  | { kind: 'outside' }
  | { kind: 'page-out-of-range'; pages: number };

export interface DayArchiveOptions {
  pageSize: number;
  maxBytes: number;
  /** Chunks one request may read to locate a day before it answers "try again". */
  chunkBudget: number;
  chunkSize?: number;
  /** Rebuild an index this old, so days after it was built become known. */
  indexTtlMs?: number;
  /** Past days it holds whole are served from it, with no homeserver call. */
  archive?: Archive | undefined;
  now?: () => number;
  epochs: RoomEpochs;
  /** Whether an event shows in the main timeline, so pages hold the same number of visible events (view/ decides; services.ts gives it). */
  isVisible: (event: MatrixEvent) => boolean;
}

/**
 * The archive by UTC day. A session that may call `timestamp_to_event` (a bot) jumps to a day
 * in a few calls; a guest reads the backwards index (day-index.ts). Either way the day is
 * split into pages that depend only on its events.
 */
export class DayArchive {
  /** Public for /metrics. */
  readonly chunks: ReadThroughCache<unknown>;
  /** Public for /metrics. */
  readonly indexer: DayIndexer;
  private readonly now: () => number;
  /** Past days served from the archive. */
  archiveDays = 0;
  /** Cleared the first time the homeserver refuses timestamp_to_event to this session. */
  private jumpAllowed = true;

  constructor(
    private readonly api: DaySource,
    private readonly opts: DayArchiveOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.chunks = new ReadThroughCache<unknown>({ name: 'days', maxBytes: opts.maxBytes });
    this.indexer = new DayIndexer(api, this.chunks, {
      maxBytes: opts.maxBytes,
      chunkBudget: opts.chunkBudget,
      chunkSize: this.chunkSize,
      indexTtlMs: opts.indexTtlMs,
      now: this.now,
      epochs: opts.epochs,
    });
    // A room that may no longer be shown leaves the day archive whole.
    opts.epochs.onChange((change) => {
      if (!change.withdrawn) return;
      this.chunks.forgetRoom(change.roomId);
      this.indexer.forget(change.roomId);
    });
  }

  private get chunkSize(): number {
    return this.opts.chunkSize ?? 100;
  }

  /** Every day known to have messages, extending the index by at most `budget` chunks. */
  listDays(roomId: string, budget: number): Promise<Array<{ day: string; lastModified: number }>> {
    return this.indexer.listDays(roomId, budget);
  }

  /**
   * The day's events, by `timestamp_to_event` where this session may use it, else from the
   * backwards index. A past day located by jumping is cached whole: it cannot change.
   */
  private async locate(snapshot: RoomSnapshot, day: string, today: string): Promise<Located> {
    const past = day < today;
    if (past && this.opts.archive) {
      const held = await locateInArchive(this.opts.archive, snapshot, day, today).catch(() => undefined);
      if (held) {
        this.archiveDays++;
        return held;
      }
    }
    if (this.jumpAllowed && !this.api.isGuest) {
      try {
        const load = (): Promise<Located> => locateByJump(this.api, snapshot.roomId, day, this.chunkSize, AbortSignal.timeout(30_000));
        return past ? await this.chunks.get(roomKey('day', snapshot.roomId, snapshot.epoch, day), 24 * 3600_000, load) : await load();
      } catch (error) {
        if (!jumpRefused(error)) throw error;
        this.jumpAllowed = false;
      }
    }
    return this.indexer.locate(snapshot, day);
  }

  async day(snapshot: RoomSnapshot, day: string, page: number): Promise<DayResult> {
    const today = utcDay(this.now());
    if (day > today) return { kind: 'outside' };
    const result = await this.locate(snapshot, day, today);
    if (result.kind === 'outside') return result;
    if (result.kind === 'empty') return { kind: 'empty', day, previousDay: result.previousDay, nextDay: result.nextDay };
    const { events, members, previousDay, nextDay } = result.located;
    const pages = splitPages(events, this.opts.pageSize, this.opts.isVisible);
    if (page < 1 || page > pages.length) return { kind: 'page-out-of-range', pages: pages.length };
    return {
      kind: 'page',
      data: {
        day,
        page,
        pages: pages.length,
        events: pages[page - 1]!,
        dayEvents: events,
        members,
        previousDay,
        nextDay,
        past: day < today,
        lastModified: events.reduce((max, e) => Math.max(max, e.origin_server_ts), 0),
      },
    };
  }
}

/**
 * Splits a day into pages of `size` visible events; hidden events (reactions, edits) stay
 * with the page they fall in. The split depends only on the day's events, so once the day is
 * over a page's URL always shows the same messages.
 */
export function splitPages(events: readonly MatrixEvent[], size: number, isVisible: (event: MatrixEvent) => boolean): MatrixEvent[][] {
  const pages: MatrixEvent[][] = [[]];
  let visible = 0;
  for (const event of events) {
    if (isVisible(event)) {
      if (visible === size) {
        pages.push([]);
        visible = 0;
      }
      visible++;
    }
    pages[pages.length - 1]!.push(event);
  }
  return pages;
}
