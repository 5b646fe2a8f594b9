import type { MatrixEvent } from '../matrix/events.js';
import type { TimelineChunk } from '../matrix/room-answers.js';
import { holdsDay } from './stretches.js';
import { yieldToLoop } from '../slices.js';
import { utcDay } from '../utc-day.js';
import type { ArchiveStats, ArchiveStore, ArchivedEvent, ChunkEdges } from './types.js';

/** What the index needs to know of an event; decided by the view layer, injected at wiring. */
export type Describe = (event: MatrixEvent) => Pick<ArchivedEvent, 'text' | 'message' | 'threadRoot' | 'replaces'>;

export interface ArchiveOptions {
  describe: Describe;
  onError?: (error: unknown, what: string) => void;
  now?: () => number;
}

function displayName(userId: string, members: ReadonlyMap<string, MatrixEvent>): string {
  const name = members.get(userId)?.content['displayname'];
  return typeof name === 'string' && name.trim() ? name.trim().slice(0, 100) : userId;
}

/**
 * The archive as the rest of the viewer sees it: chunks in as the homeserver gave them, days,
 * searches and indexes out. Writing never fails a page: an error is reported and dropped, since
 * the archive is a copy the homeserver can always fill again.
 */
export class Archive {
  private statsCache: { at: number; stats: Promise<ArchiveStats> } | undefined;
  writeFailures = 0;
  eventsWritten = 0;

  constructor(
    readonly store: ArchiveStore,
    private readonly opts: ArchiveOptions,
  ) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Stores a chunk; `edges` when it is a contiguous run of the timeline, as `/messages` answers. */
  async record(roomId: string, chunk: Pick<TimelineChunk, 'events' | 'state'>, edges: ChunkEdges | undefined): Promise<void> {
    // A turn of its own: describing and writing a chunk is synchronous (node:sqlite), and it
    // would otherwise run in the turn that parsed the answer, one room after another when
    // many answers arrive together (bench big rooms).
    await yieldToLoop();
    const members = new Map<string, MatrixEvent>();
    const memberEvents = [...chunk.state, ...chunk.events].filter((e) => e.type === 'm.room.member' && e.state_key);
    for (const m of memberEvents) members.set(m.state_key!, m);
    const events: ArchivedEvent[] = chunk.events.map((event) => ({
      event,
      day: utcDay(event.origin_server_ts),
      senderName: displayName(event.sender, members),
      ...this.opts.describe(event),
    }));
    try {
      await this.store.recordChunk({ roomId, events, members: memberEvents, edges, now: this.now() });
      this.eventsWritten += events.length;
    } catch (error) {
      this.writeFailures++;
      this.opts.onError?.(error, 'record');
    }
  }

  /** Best effort from the caller's side, but a failure here is not swallowed: takedowns must not be silently lost. */
  redact(roomId: string, eventId: string, redaction: MatrixEvent): Promise<void> {
    return this.store.redact(roomId, eventId, redaction);
  }

  deleteRoom(roomId: string): Promise<void> {
    return this.store.deleteRoom(roomId);
  }

  /** The day's events if the archive holds the whole day, else undefined (ask the homeserver). */
  async completeDay(roomId: string, day: string): Promise<MatrixEvent[] | undefined> {
    const stretches = await this.store.stretches(roomId);
    if (!holdsDay(stretches, day)) return undefined;
    return this.store.dayEvents(roomId, day);
  }

  /** Counts for /metrics and the search page, at most once every 30 s. */
  stats(): Promise<ArchiveStats> {
    const now = this.now();
    if (!this.statsCache || now - this.statsCache.at > 30_000) {
      const stats = this.store.stats();
      stats.catch(() => (this.statsCache = undefined));
      this.statsCache = { at: now, stats };
    }
    return this.statsCache.stats;
  }
}
