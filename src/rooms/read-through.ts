import { LRUCache } from 'lru-cache';
import { BadGateway, HomeserverTimeout, HomeserverUnavailable, NotFound, RateLimited, RoomForbidden } from '../errors.js';
import { roomOfKey } from './epochs.js';
import { estimateSize } from './snapshot.js';

/** Loads a value; `stale` is the expired copy, if one is still held (to catch up from). */
export type Load<T> = (stale: T | undefined) => Promise<T>;

export interface ReadThroughOptions<V> {
  /** The cache's label in /metrics. */
  name: string;
  maxBytes: number;
  /** How long a refusal (404, 403) is remembered, so crawlers do not hammer upstream. */
  negativeTtlMs?: number;
  /**
   * How long a request waits for the refresh of a stale copy before it is served that copy.
   * Undefined: it waits for the refresh. 0: stale while revalidating.
   */
  serveStaleAfterMs?: number;
  /**
   * How long past its TTL a copy may still be served while its refresh runs (default 1000):
   * the "+ 1 s" of the takedown budget. A copy that expired longer ago is never served that
   * way, however slow its refresh: the request waits for it, so what the homeserver says was
   * taken back is not shown by the very request that brings it in. (A refresh that fails for a
   * transient reason still answers with the old copy, marked: the homeserver said nothing.)
   */
  staleLimitMs?: number;
  /** Marks a copy that is served because its refresh failed or is slow. */
  markStale?: (value: V) => V;
  sizeOf?: (value: V) => number;
}

export interface CacheStats {
  /** Fresh copies served (the synchronous path included). */
  hits: number;
  /** Requests that found only a stale copy, and so started or joined a refresh. */
  staleHits: number;
  misses: number;
  /** Refusals answered from memory. */
  negativeHits: number;
  loads: number;
  loadFailures: number;
  /** Failed refreshes answered with the stale copy. */
  staleOnError: number;
  evictions: number;
}

interface Entry<V> {
  value?: V;
  error?: unknown;
  size: number;
}

interface Context<V> {
  load: Load<V>;
  ttlMs: number;
  sizeOf?: ((value: V) => number) | undefined;
}

/** Errors that say "try again later": a stale copy beats an error page for them. */
export function isTransient(error: unknown): boolean {
  return error instanceof HomeserverUnavailable || error instanceof HomeserverTimeout || error instanceof BadGateway || error instanceof RateLimited;
}

/** Answers that stay the same for a while: "no such thing" and "not readable". */
function isRefusal(error: unknown): boolean {
  return error instanceof NotFound || error instanceof RoomForbidden;
}

/**
 * Every cached read goes through this: an lru-cache bounded by estimated bytes whose
 * `fetchMethod` makes loading single-flight (N concurrent requests for a key make one load),
 * with a TTL per kind (each `get` names its kind's), refusals remembered briefly, and a
 * stale copy served while its refresh is slow or has failed for a transient reason.
 *
 * An entry evicted while its load is in flight is not an error: `ignoreFetchAbort` lets the
 * load finish and every waiter gets its value, which is just not kept. So loads never see
 * lru-cache's abort signal; each upstream call has its own timeout.
 */
export class ReadThroughCache<V> {
  private readonly cache: LRUCache<string, Entry<V>, Context<V>>;
  readonly stats: CacheStats = { hits: 0, staleHits: 0, misses: 0, negativeHits: 0, loads: 0, loadFailures: 0, staleOnError: 0, evictions: 0 };
  private readonly negativeTtlMs: number;

  constructor(private readonly opts: ReadThroughOptions<V>) {
    this.negativeTtlMs = opts.negativeTtlMs ?? 30_000;
    const maxBytes = Math.max(1, opts.maxBytes);
    this.cache = new LRUCache<string, Entry<V>, Context<V>>({
      maxSize: maxBytes,
      // A value larger than the whole cache is served but not kept.
      maxEntrySize: maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.size),
      allowStale: false,
      noDeleteOnStaleGet: true,
      ignoreFetchAbort: true,
      dispose: (_entry, _key, reason) => {
        if (reason === 'evict') this.stats.evictions++;
      },
      fetchMethod: (_key, stale, { context, options }) => this.load(stale, context, options),
    });
  }

  get name(): string {
    return this.opts.name;
  }

  get maxBytes(): number {
    return this.opts.maxBytes;
  }

  /** Estimated bytes held. */
  get calculatedSize(): number {
    return this.cache.calculatedSize;
  }

  get count(): number {
    return this.cache.size;
  }

  /**
   * The value if it is cached and fresh: the cache-hit path, synchronous, never loading.
   * `count: false` looks without counting a hit, for a caller that may still give up and let
   * the ordinary path read the same entry (web/hit-path.ts).
   */
  peek<T extends V = V>(key: string, count = true): T | undefined {
    const entry = this.cache.get(key);
    if (!entry || entry.error !== undefined) return undefined;
    if (count) this.stats.hits++;
    return entry.value as T;
  }

  /** Counts a hit of a `peek(key, false)` that was used after all (web/hit-path.ts). */
  countHit(): void {
    this.stats.hits++;
  }

  /** The value held, fresh or stale, without loading or touching recency. */
  lastKnown<T extends V = V>(key: string): T | undefined {
    return this.cache.peek(key, { allowStale: true })?.value as T | undefined;
  }

  /**
   * The value for `key`: the fresh copy, else one shared load. `ttlMs` is the TTL of the
   * key's kind (0 keeps it until evicted). `sizeOf` estimates a large value's bytes more
   * cheaply than serialising it.
   */
  async get<T extends V>(key: string, ttlMs: number, load: Load<T>, sizeOf?: (value: T) => number): Promise<T> {
    const fresh = this.cache.get(key);
    if (fresh?.error !== undefined) {
      this.stats.negativeHits++;
      throw fresh.error;
    }
    if (fresh) {
      this.stats.hits++;
      return fresh.value as T;
    }
    const stale = this.lastKnown<T>(key);
    // How long ago the held copy expired (read before the refresh replaces the entry).
    const expiredForMs = stale === undefined ? 0 : -this.cache.getRemainingTTL(key);
    if (stale === undefined) this.stats.misses++;
    else this.stats.staleHits++;
    const pending = this.cache.fetch(key, { context: { load: load as unknown as Load<V>, ttlMs, sizeOf: sizeOf as ((value: V) => number) | undefined }, ttl: ttlMs }).then((entry) => {
      if (!entry) throw new BadGateway(`the ${this.opts.name} load returned nothing`);
      if (entry.error !== undefined) throw entry.error;
      return entry.value as T;
    });
    const wait = this.opts.serveStaleAfterMs;
    if (stale === undefined || wait === undefined || expiredForMs > (this.opts.staleLimitMs ?? 1000)) return pending;
    // The refresh goes on for the next request; this one may not wait for it.
    pending.catch(() => undefined);
    const served = (): T => (this.opts.markStale ? this.opts.markStale(stale) : stale) as T;
    if (wait === 0) return served();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(served()), wait);
    });
    try {
      return await Promise.race([pending, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Keeps a value learnt from another answer, as its own load would have, for `ttlMs`. (A load
   * in flight for the key still answers its waiters: `ignoreFetchAbort`.)
   */
  set(key: string, value: V, ttlMs: number): void {
    this.cache.set(key, { value, size: this.sizeOf(value) }, { ttl: ttlMs });
  }

  /** Counts again the size of a value that grew in place (its TTL runs on). */
  remeasure(key: string): void {
    const entry = this.cache.peek(key, { allowStale: true });
    if (entry?.value !== undefined) this.cache.set(key, { value: entry.value, size: this.sizeOf(entry.value) }, { noUpdateTTL: true });
  }

  delete(key: string): void {
    this.cache.delete(key);
  }

  /**
   * Drops every entry of the room (keys made by `roomKey`), so that what the room took back is
   * not kept, only unreachable. A load in flight for a dropped key finishes but is not kept.
   */
  forgetRoom(roomId: string): number {
    let dropped = 0;
    for (const key of [...this.cache.keys()]) {
      if (roomOfKey(key) === roomId && this.cache.delete(key)) dropped++;
    }
    return dropped;
  }

  private async load(staleEntry: Entry<V> | undefined, context: Context<V>, options: { ttl?: number }): Promise<Entry<V>> {
    this.stats.loads++;
    const stale = staleEntry?.value;
    try {
      const value = await context.load(stale);
      return { value, size: context.sizeOf ? context.sizeOf(value) : this.sizeOf(value) };
    } catch (error) {
      this.stats.loadFailures++;
      if (stale !== undefined && isTransient(error)) {
        this.stats.staleOnError++;
        // Try again soon, not a whole TTL later.
        options.ttl = context.ttlMs > 0 ? Math.min(context.ttlMs, this.negativeTtlMs) : this.negativeTtlMs;
        return { value: this.opts.markStale ? this.opts.markStale(stale) : stale, size: staleEntry!.size };
      }
      if (isRefusal(error) && this.negativeTtlMs > 0) {
        options.ttl = this.negativeTtlMs;
        return { error, size: 256 };
      }
      throw error;
    }
  }

  private sizeOf(value: V): number {
    return this.opts.sizeOf ? this.opts.sizeOf(value) : estimateSize([value]);
  }
}
