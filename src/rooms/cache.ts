import { LRUCache } from 'lru-cache';
import {
  BadGateway,
  HomeserverTimeout,
  HomeserverUnavailable,
  MatrixApiError,
  NotFound,
  RateLimited,
  RoomForbidden,
  ViewerError,
} from '../matrix/errors.js';
import type { MatrixEvent } from '../matrix/events.js';
import type { RoomApi } from '../matrix/rooms.js';
import { appendChunk, buildSnapshot, hasStateChange, WINDOW_EVENTS, type RoomSnapshot } from './snapshot.js';

export interface RoomCacheOptions {
  maxBytes: number;
  /** A cached room is brought up to date at most this often. */
  freshnessMs: number;
  /** A snapshot older than this is loaded afresh rather than caught up page by page. */
  reloadAfterMs: number;
  /** How long a page waits for a refresh before it is served the stale copy. */
  staleServeAfterMs?: number;
  now?: () => number;
}

export interface RoomCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  refreshes: number;
  refreshFailures: number;
}

/** Errors that say "try again later": a cached copy is better than an error page for them. */
function isTransient(error: unknown): boolean {
  return (
    error instanceof HomeserverUnavailable ||
    error instanceof HomeserverTimeout ||
    error instanceof BadGateway ||
    error instanceof RateLimited
  );
}

const FORWARD_PAGE = 100;
const MAX_FORWARD_PAGES = 3;
const NEGATIVE_TTL_MS = 30_000;

/**
 * The rooms people ask for, in an lru-cache bounded by estimated bytes. lru-cache's `fetch`
 * makes loading single-flight: N concurrent requests for a cold room make one set of upstream
 * calls, and a stale room is refreshed once however many requests arrive. A refresh catches
 * up with forward `/messages` from the stored token; if the homeserver fails meanwhile, the
 * old snapshot keeps being served, marked as possibly out of date.
 */
export class RoomCache {
  private readonly cache: LRUCache<string, RoomSnapshot>;
  /** Unknown and unreadable rooms, remembered briefly so that crawlers do not hammer upstream. */
  private readonly refused = new LRUCache<string, ViewerError>({ max: 5000, ttl: NEGATIVE_TTL_MS });
  readonly stats: RoomCacheStats = { hits: 0, misses: 0, evictions: 0, refreshes: 0, refreshFailures: 0 };
  private readonly now: () => number;
  /** Cleared when the homeserver turns out not to implement the room initialSync. */
  private initialSyncWorks = true;

  constructor(
    private readonly api: RoomApi,
    private readonly opts: RoomCacheOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.cache = new LRUCache<string, RoomSnapshot>({
      maxSize: opts.maxBytes,
      sizeCalculation: (snapshot) => Math.max(1, snapshot.size),
      // A snapshot larger than the whole cache is served but not kept.
      maxEntrySize: opts.maxBytes,
      ttl: opts.freshnessMs,
      allowStale: false,
      noDeleteOnStaleGet: true,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.stats.evictions++;
      },
      fetchMethod: (roomId, stale, { signal }) => this.load(roomId, stale, signal),
    });
  }

  get calculatedSize(): number {
    return this.cache.calculatedSize;
  }

  get count(): number {
    return this.cache.size;
  }

  get maxBytes(): number {
    return this.opts.maxBytes;
  }

  /** The snapshot if it is cached and fresh: the cache-hit path, without a promise. */
  fresh(roomId: string): RoomSnapshot | undefined {
    if (this.cache.getRemainingTTL(roomId) <= 0) return undefined;
    const snapshot = this.cache.get(roomId);
    if (snapshot) this.stats.hits++;
    return snapshot;
  }

  /** The room's snapshot, fresh within the freshness interval, or a refusal as a typed error. */
  async get(roomId: string): Promise<RoomSnapshot> {
    const refusal = this.refused.get(roomId);
    if (refusal) throw refusal;
    const cached = this.cache.peek(roomId, { allowStale: true });
    const fresh = this.cache.getRemainingTTL(roomId) > 0;
    if (cached && fresh) {
      this.stats.hits++;
      this.cache.get(roomId);
      return cached;
    }
    if (cached) this.stats.hits++;
    else this.stats.misses++;
    const pending = this.cache.fetch(roomId).then((snapshot) => {
      if (!snapshot) throw new BadGateway('room fetch returned nothing');
      return snapshot;
    });
    if (!cached) return pending;
    // A refresh that takes long must not hold the page: serve the stale copy meanwhile.
    const wait = this.opts.staleServeAfterMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    const stale = new Promise<RoomSnapshot>((resolve) => {
      timer = setTimeout(() => resolve({ ...cached, outdatedSince: cached.outdatedSince ?? this.now() }), wait);
    });
    try {
      return await Promise.race([pending, stale]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The cached snapshot, fresh or not, without loading or touching recency. */
  peek(roomId: string): RoomSnapshot | undefined {
    return this.cache.peek(roomId, { allowStale: true });
  }

  private async load(roomId: string, stale: RoomSnapshot | undefined, signal: AbortSignal): Promise<RoomSnapshot> {
    try {
      if (stale && this.now() - stale.loadedAt < this.opts.reloadAfterMs) {
        this.stats.refreshes++;
        return this.checked(await this.catchUp(stale, signal));
      }
      return this.checked(await this.loadCold(roomId, signal));
    } catch (error) {
      if (stale && isTransient(error)) {
        this.stats.refreshFailures++;
        return { ...stale, outdatedSince: stale.outdatedSince ?? this.now() };
      }
      const refusal = await this.refusalFor(roomId, error, signal);
      if (refusal) {
        this.refused.set(roomId, refusal);
        throw refusal;
      }
      throw error;
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
   * One call where the homeserver still has the room initialSync (current state and the latest
   * events together), else two: `/state`, then `/messages`. initialSync bundles no edits or
   * thread summaries, but the latest window holds the edits and replies of its own events,
   * which the pages aggregate from the events themselves.
   */
  private async loadCold(roomId: string, signal: AbortSignal): Promise<RoomSnapshot> {
    if (this.initialSyncWorks) {
      try {
        const sync = await this.api.initialSync(roomId, WINDOW_EVENTS, signal);
        checkReadable(sync.state);
        return buildSnapshot(roomId, sync.state, sync.timeline, this.now());
      } catch (error) {
        if (!(error instanceof MatrixApiError) || !unsupported(error)) throw error;
        this.initialSyncWorks = false;
      }
    }
    const state = await this.api.state(roomId, signal);
    // Check before fetching messages: a refused room costs one call, not two.
    checkReadable(state);
    const chunk = await this.api.messages(roomId, undefined, 'b', WINDOW_EVENTS, signal);
    return buildSnapshot(roomId, state, chunk, this.now());
  }

  private async catchUp(snapshot: RoomSnapshot, signal: AbortSignal): Promise<RoomSnapshot> {
    let current = snapshot;
    for (let page = 0; page < MAX_FORWARD_PAGES; page++) {
      const chunk = await this.api.messages(current.roomId, current.forwardToken, 'f', FORWARD_PAGE, signal);
      if (hasStateChange(chunk)) {
        // State changed: take the whole current state, and the new events with it.
        const state = await this.api.state(current.roomId, signal);
        const merged = appendChunk(current, chunk, this.now());
        const rebuilt = buildSnapshot(current.roomId, state, { ...chunk, events: merged.timeline, state: [...merged.members.values(), ...chunk.state] }, this.now());
        current = { ...rebuilt, version: current.version + 1, loadedAt: current.loadedAt };
      } else {
        current = appendChunk(current, chunk, this.now());
      }
      if (chunk.events.length < FORWARD_PAGE) return current;
    }
    // Too far behind to catch up cheaply: start again from the latest window.
    const reloaded = await this.loadCold(snapshot.roomId, signal);
    return { ...reloaded, version: snapshot.version + 1 };
  }

  /** Turns a refusal from the homeserver into a 403 or 404 with an explanation. */
  private async refusalFor(roomId: string, error: unknown, signal: AbortSignal): Promise<ViewerError | undefined> {
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

/** The homeserver does not implement the endpoint (as opposed to refusing this room). */
function unsupported(error: MatrixApiError): boolean {
  return error.errcode === 'M_UNRECOGNIZED' || ((error.httpStatus === 404 || error.httpStatus === 405) && error.errcode !== 'M_NOT_FOUND');
}
