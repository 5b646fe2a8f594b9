import { LRUCache } from 'lru-cache';
import { estimateSize } from './snapshot.js';

interface Entry {
  value: unknown;
  size: number;
}

type Loader = (signal: AbortSignal) => Promise<unknown>;

/**
 * A byte-bounded, single-flight cache for the smaller things pages need besides snapshots
 * (timeline pages, member lists, space hierarchies, reply targets). Each `get` names its
 * key, loader and TTL; concurrent gets of one key share one load.
 */
export class SizedCache {
  private readonly cache: LRUCache<string, Entry, { load: Loader }>;

  constructor(maxBytes: number) {
    this.cache = new LRUCache<string, Entry, { load: Loader }>({
      maxSize: maxBytes,
      maxEntrySize: maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.size),
      ttl: 60_000,
      fetchMethod: async (_key, _stale, { context, signal }) => {
        const value = await context.load(signal);
        return { value, size: estimateSize([value]) };
      },
    });
  }

  get calculatedSize(): number {
    return this.cache.calculatedSize;
  }

  /** The value if it is cached and fresh, without loading. */
  peek<T>(key: string): T | undefined {
    return this.cache.get(key)?.value as T | undefined;
  }

  async get<T>(key: string, ttlMs: number, load: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const entry = await this.cache.fetch(key, { context: { load }, ttl: ttlMs });
    if (!entry) throw new Error(`cache load for ${key} returned nothing`);
    return entry.value as T;
  }
}
