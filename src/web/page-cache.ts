import { LRUCache } from 'lru-cache';
import { strongEtag } from './http-cache.js';

export interface RenderedPage {
  body: string;
  etag: string;
}

/**
 * Rendered pages by URL and the snapshot version they were built from. Building a page
 * (timeline, sanitising, template) costs milliseconds; a cached room is asked for far more
 * often than it changes, so a page is built once per version and its ETag kept with it: a
 * revalidation is then answered without rendering at all. Bounded by bytes, single-flight.
 */
export class PageCache {
  private readonly cache: LRUCache<string, RenderedPage, { build: () => Promise<string> }>;
  hits = 0;
  misses = 0;

  constructor(maxBytes: number) {
    this.cache = new LRUCache<string, RenderedPage, { build: () => Promise<string> }>({
      maxSize: Math.max(1, maxBytes),
      maxEntrySize: Math.max(1, maxBytes),
      // Strings are UTF-16 in memory.
      sizeCalculation: (page) => page.body.length * 2 + 200,
      fetchMethod: async (_key, _stale, { context }) => {
        const body = await context.build();
        return { body, etag: strongEtag(body) };
      },
    });
  }

  get calculatedSize(): number {
    return this.cache.calculatedSize;
  }

  async get(key: string, build: () => Promise<string>): Promise<RenderedPage> {
    if (this.cache.has(key)) this.hits++;
    else this.misses++;
    const page = await this.cache.fetch(key, { context: { build } });
    if (!page) throw new Error('page build returned nothing');
    return page;
  }
}
