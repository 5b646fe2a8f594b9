import type { TimelineChunk } from '../matrix/room-answers.js';
import type { Archive } from './archive.js';

export interface BackfillOptions {
  archive: Archive;
  /** `/messages`, through the recording homeserver, so what it reads is archived. */
  messages: (roomId: string, from: string | undefined, dir: 'b', limit: number, signal: AbortSignal) => Promise<TimelineChunk>;
  /** The public directory's world-readable rooms. */
  rooms: () => Promise<Array<{ roomId: string; memberCount: number }>>;
  /** True while pages are waiting for the homeserver: the backfill waits for them. */
  busy: () => boolean;
  callsPerMinute: number;
  chunk: number;
  maxEventsPerRoom: number;
  onError?: (error: unknown, roomId: string | undefined) => void;
  /** Pause between passes over the directory. */
  idleMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface BackfillProgress {
  calls: number;
  events: number;
  roomsDone: number;
  roomsKnown: number;
  /** Whether this process holds the backfill lock now. */
  active: boolean;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Walks each world-readable room of the public directory backwards with `/messages`, from
 * its newest event to its creation or the per-room bound, rooms with the most members first.
 * It stores its token after every call, so it resumes where it stopped; it makes at most
 * `callsPerMinute` calls and waits while pages wait for the homeserver. Only the process
 * holding the store's backfill lock walks (with PostgreSQL, one of all the processes).
 */
export class Backfill {
  readonly progress: BackfillProgress = { calls: 0, events: 0, roomsDone: 0, roomsKnown: 0, active: false };
  private running = false;
  private lastCall = 0;
  private readonly stopper = new AbortController();

  constructor(private readonly opts: BackfillOptions) {}

  private sleep(ms: number): Promise<void> {
    return (this.opts.sleep ?? defaultSleep)(ms);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Runs in the background until stop(): a pass, a pause, another pass for new rooms. */
  start(): void {
    if (this.running || this.opts.callsPerMinute <= 0) return;
    this.running = true;
    void (async () => {
      while (this.running) {
        try {
          const held = await this.opts.archive.store.withBackfillLock(() => this.pass());
          await this.sleep(held ? (this.opts.idleMs ?? 10 * 60_000) : 60_000);
        } catch (error) {
          this.opts.onError?.(error, undefined);
          await this.sleep(60_000);
        }
      }
    })();
  }

  stop(): void {
    this.running = false;
    this.stopper.abort();
  }

  /** One walk over the directory; rooms already walked to their start are skipped. */
  async pass(): Promise<void> {
    this.progress.active = true;
    try {
      const rooms = [...(await this.opts.rooms())].sort((a, b) => b.memberCount - a.memberCount);
      this.progress.roomsKnown = rooms.length;
      let done = 0;
      for (const room of rooms) {
        if (this.stopper.signal.aborted) return;
        if (await this.walk(room.roomId)) done++;
        this.progress.roomsDone = done;
      }
    } finally {
      this.progress.active = false;
    }
  }

  /** Walks one room back as far as it may; true once it has reached its start or bound. */
  private async walk(roomId: string): Promise<boolean> {
    const store = this.opts.archive.store;
    let state = await store.backfillState(roomId);
    while (!state?.done) {
      if ((await store.roomEvents(roomId)) >= this.opts.maxEventsPerRoom) {
        await store.saveBackfill({ roomId, token: state?.token, done: true, updatedAt: this.now() });
        return true;
      }
      await this.pace();
      if (this.stopper.signal.aborted) return false;
      let chunk: TimelineChunk;
      try {
        this.progress.calls++;
        chunk = await this.opts.messages(roomId, state?.token, 'b', this.opts.chunk, AbortSignal.any([this.stopper.signal, AbortSignal.timeout(60_000)]));
      } catch (error) {
        this.opts.onError?.(error, roomId);
        return false;
      }
      this.progress.events += chunk.events.length;
      const reachedStart = !chunk.start || chunk.events.length === 0 || chunk.events[0]?.type === 'm.room.create';
      state = { roomId, token: chunk.start, done: reachedStart, updatedAt: this.now() };
      await store.saveBackfill(state);
    }
    return true;
  }

  /** Waits for the call rate, then for any page that is waiting on the homeserver. */
  private async pace(): Promise<void> {
    const gap = 60_000 / this.opts.callsPerMinute;
    const wait = this.lastCall + gap - this.now();
    if (wait > 0) await this.sleep(wait);
    for (let i = 0; i < 40 && this.opts.busy() && !this.stopper.signal.aborted; i++) await this.sleep(250);
    this.lastCall = this.now();
  }
}
