import { BadGateway, NotFound, RoomForbidden, type ViewerError } from '../errors.js';
import { MatrixApiError } from '../matrix/errors.js';
import type { MatrixEvent } from '../matrix/events.js';
import { stampEpoch } from './changes.js';
import { RoomEpochs } from './epochs.js';
import type { SnapshotSource } from './homeserver.js';
import { isTransient, ReadThroughCache, type CacheStats } from './read-through.js';
import { appendChunk, buildSnapshot, hasStateChange, WINDOW_EVENTS, type RoomSnapshot } from './snapshot.js';

export interface RoomCacheOptions {
  maxBytes: number;
  /** A cached room is brought up to date at most this often. */
  freshnessMs: number;
  /** A snapshot older than this is loaded afresh rather than caught up page by page. */
  reloadAfterMs: number;
  /**
   * How long a page waits for a refresh before it is served the stale copy (only a copy that
   * expired within the cache's stale limit, a second: an older one is never served that way).
   */
  staleServeAfterMs?: number;
  /** The room epochs this cache moves as it sees what rooms take back (its own if not given). */
  epochs?: RoomEpochs;
  /** Whether the room is known to be out of the public directory without asking (ListedRooms.unlisted). */
  knownUnlisted?: (roomId: string) => boolean;
  now?: () => number;
}

/** A load's result, with what it saw on the way. */
interface Loaded {
  snapshot: RoomSnapshot;
  /** The events a catch-up fetched; empty for a cold load. */
  incoming: MatrixEvent[];
  /** Whether every event since the old snapshot was seen (false when it had to reload). */
  followed: boolean;
}

/** Loads run to the end even if their entry is evicted meanwhile; each call has its own timeout. */
type Signal = AbortSignal | undefined;

const FORWARD_PAGE = 100;
const MAX_FORWARD_PAGES = 3;
/** Unknown and unreadable rooms are remembered this long, so that crawlers do not hammer upstream. */
const NEGATIVE_TTL_MS = 30_000;

/**
 * The rooms people ask for, in a read-through cache bounded by estimated bytes: N concurrent
 * requests for a cold room make one set of upstream calls, and a stale room is refreshed once
 * however many requests arrive. A refresh catches up with forward `/messages` from the
 * stored token; if the homeserver fails meanwhile, or the refresh is slow, the old snapshot
 * is served, marked as possibly out of date.
 */
export class RoomCache {
  /** Public for /metrics. */
  readonly cache: ReadThroughCache<RoomSnapshot>;
  private readonly now: () => number;
  readonly epochs: RoomEpochs;

  constructor(
    private readonly api: SnapshotSource,
    private readonly opts: RoomCacheOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.epochs = opts.epochs ?? new RoomEpochs();
    this.cache = new ReadThroughCache<RoomSnapshot>({
      name: 'rooms',
      maxBytes: opts.maxBytes,
      negativeTtlMs: NEGATIVE_TTL_MS,
      serveStaleAfterMs: opts.staleServeAfterMs ?? 2000,
      markStale: (snapshot) => ({ ...snapshot, outdatedSince: snapshot.outdatedSince ?? this.now() }),
      sizeOf: (snapshot) => snapshot.size,
    });
    // A room withdrawn elsewhere (the directory says it is no longer world-readable) is loaded
    // again from cold, which asks its current visibility; a load in flight is not kept.
    this.epochs.onChange((change) => {
      if (change.withdrawn && this.cache.lastKnown(change.roomId) !== undefined) this.cache.delete(change.roomId);
    });
  }

  get stats(): CacheStats {
    return this.cache.stats;
  }

  get calculatedSize(): number {
    return this.cache.calculatedSize;
  }

  get maxBytes(): number {
    return this.opts.maxBytes;
  }

  get count(): number {
    return this.cache.count;
  }

  /** The snapshot if it is cached and fresh: the cache-hit path, without a promise. */
  peek(roomId: string, count = true): RoomSnapshot | undefined {
    return this.cache.peek(roomId, count);
  }

  /** The room's snapshot, fresh within the freshness interval, or a refusal as a typed error. */
  get(roomId: string): Promise<RoomSnapshot> {
    return this.cache.get(roomId, this.opts.freshnessMs, (stale) => this.load(roomId, stale, undefined));
  }

  /** The cached snapshot, fresh or not, without loading. */
  lastKnown(roomId: string): RoomSnapshot | undefined {
    return this.cache.lastKnown(roomId);
  }

  /**
   * Every refresh also asks whether the room is in the public directory (one small call beside
   * the others), so a room taken out of it is `noindex` and out of the listings from this
   * refresh on; a failed answer keeps what was known. A cold load skips the call for a room
   * the last whole walk of the directory did not list (so a cold page by alias costs three
   * calls, not four): its publication is unknown until its first refresh asks, and unknown is
   * noindex, the safe side, without taking the room out of the listings (it may have been
   * published since the walk). A failed refresh for a transient reason is answered with the
   * stale copy by the cache.
   */
  private async load(roomId: string, stale: RoomSnapshot | undefined, signal: Signal): Promise<RoomSnapshot> {
    try {
      const follow = stale !== undefined && this.now() - stale.loadedAt < this.opts.reloadAfterMs && this.epochs.withdrawal(roomId) !== 'unreadable';
      const [loaded, published] = await Promise.all([
        follow ? this.catchUp(stale, signal) : this.loadCold(roomId, signal).then((snapshot): Loaded => ({ snapshot, incoming: [], followed: false })),
        stale === undefined && this.opts.knownUnlisted?.(roomId) ? undefined : this.api.isPublished(roomId, signal).catch(() => stale?.published),
      ]);
      const snapshot = this.checked(loaded.snapshot);
      return stampEpoch(this.epochs, loaded.followed ? stale : undefined, snapshot, loaded.incoming, published);
    } catch (error) {
      if (stale && isTransient(error)) throw error;
      const refusal = await this.refusalFor(roomId, error, signal);
      // Not readable (or gone): everything derived from the room is dropped, not only hidden.
      if (refusal) this.epochs.withdraw(roomId, 'unreadable');
      throw refusal ?? error;
    }
  }

  /** Only rooms whose current history visibility is world_readable are ever served. */
  private checked(snapshot: RoomSnapshot): RoomSnapshot {
    if (snapshot.state.historyVisibility !== 'world_readable') {
      throw new RoomForbidden(notReadable(snapshot.state.historyVisibility));
    }
    return snapshot;
  }

  /**
   * Two calls, and never the member list: the latest window by `/messages` (with the member
   * events of its senders, lazily loaded), then the current non-member state by `/context`
   * on its newest event. A room of 100,000 members costs what a room of ten does.
   *
   * The visibility they give is the current one. Synapse answers a guest's `/messages` only
   * while the room's current history visibility is world_readable (403 "room previews are
   * disabled" from then on), so a room that stopped being world-readable is refused by the
   * first call. (`/context` alone would not do: it shows a guest an older world-readable
   * event, with the state around it.) A joined account reads the room up to its newest event,
   * whose state is the current state. tests/e2e/takedown.test.ts has both against Synapse.
   */
  private async loadCold(roomId: string, signal: Signal): Promise<RoomSnapshot> {
    const chunk = await this.api.messages(roomId, undefined, 'b', WINDOW_EVENTS, signal);
    const newest = chunk.events[chunk.events.length - 1];
    if (!newest) throw new BadGateway('the homeserver sent no events for the room, not even its creation');
    const state = await this.api.stateAt(roomId, newest.event_id, signal);
    checkReadable(state);
    return buildSnapshot(roomId, state, chunk, this.now());
  }

  private async catchUp(snapshot: RoomSnapshot, signal: Signal): Promise<Loaded> {
    let current = snapshot;
    const incoming: MatrixEvent[] = [];
    for (let page = 0; page < MAX_FORWARD_PAGES; page++) {
      const chunk = await this.api.messages(current.roomId, current.forwardToken, 'f', FORWARD_PAGE, signal);
      incoming.push(...chunk.events);
      if (hasStateChange(chunk)) {
        // State changed: take the current state (no members) as of the chunk's newest event.
        const state = await this.api.stateAt(current.roomId, chunk.events[chunk.events.length - 1]!.event_id, signal);
        const merged = appendChunk(current, chunk, this.now());
        const rebuilt = buildSnapshot(current.roomId, state, { ...chunk, events: merged.timeline, state: [...merged.members.values(), ...chunk.state] }, this.now());
        current = { ...rebuilt, version: current.version + 1, loadedAt: current.loadedAt };
      } else {
        current = appendChunk(current, chunk, this.now());
      }
      if (chunk.events.length < FORWARD_PAGE) return { snapshot: current, incoming, followed: true };
    }
    // Too far behind to catch up cheaply: start again from the latest window.
    const reloaded = await this.loadCold(snapshot.roomId, signal);
    return { snapshot: { ...reloaded, version: snapshot.version + 1 }, incoming, followed: false };
  }

  /** Turns a refusal from the homeserver into a 403 or 404 with an explanation. */
  private async refusalFor(roomId: string, error: unknown, signal: Signal): Promise<ViewerError | undefined> {
    if (error instanceof RoomForbidden || error instanceof NotFound) return error;
    if (!(error instanceof MatrixApiError)) return undefined;
    if (error.httpStatus === 404 || error.errcode === 'M_NOT_FOUND') return new NotFound('This homeserver knows no room with that ID.');
    if (error.httpStatus !== 403) return undefined;
    // Synapse answers 403 both for rooms it does not know and for rooms we may not read.
    const exists = await this.api.roomExists(roomId, signal).catch(() => undefined);
    if (exists === false) return new NotFound('This homeserver knows no room with that ID.');
    return new RoomForbidden(notReadable(undefined));
  }
}

export function notReadable(visibility: string | undefined): string {
  const why =
    visibility === 'shared' || visibility === 'invited' || visibility === 'joined'
      ? `Its history is visible to members only (history visibility “${visibility}”).`
      : 'Its history is not public.';
  return `${why} This viewer only shows rooms whose history is world-readable, so that nothing said to members only is published.`;
}

function checkReadable(state: readonly MatrixEvent[]): void {
  const visibility = state.find((e) => e.type === 'm.room.history_visibility' && e.state_key === '')?.content['history_visibility'];
  if (visibility !== 'world_readable') throw new RoomForbidden(notReadable(typeof visibility === 'string' ? visibility : undefined));
}
