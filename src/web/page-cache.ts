import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { sendPage, strongEtag, type CacheOptions } from './http-cache.js';

type Encoding = 'br' | 'gzip';

/** A rendered page and, made on first demand, its compressed forms. */
export class RenderedPage {
  readonly etag: string;
  /** The body as bytes, encoded once rather than on every send. */
  readonly bytes: Buffer;
  private readonly encoded = new Map<Encoding, Buffer>();

  constructor(readonly body: string) {
    this.etag = strongEtag(body);
    this.bytes = Buffer.from(body, 'utf8');
  }

  /** The body in `encoding`, compressed once and kept. */
  encodedAs(encoding: Encoding): Buffer {
    let bytes = this.encoded.get(encoding);
    if (!bytes) {
      bytes =
        encoding === 'br'
          ? brotliCompressSync(this.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 6 } })
          : gzipSync(this.body, { level: 6 });
      this.encoded.set(encoding, bytes);
    }
    return bytes;
  }

  /** Each representation has its own strong validator, as RFC 9110 asks. */
  etagFor(encoding: Encoding | undefined): string {
    return encoding ? `${this.etag.slice(0, -1)}-${encoding}"` : this.etag;
  }
}

/**
 * Rendered pages by URL and the snapshot version they were built from. Building a page
 * (timeline, sanitising, template) costs milliseconds; a cached room is asked for far more
 * often than it changes, so a page is built once per version, kept with its ETag and its
 * compressed forms, and a revalidation is answered without rendering at all. Bounded by
 * bytes (the compressed forms are counted in advance), single-flight.
 */
export class PageCache {
  private readonly cache: LRUCache<string, RenderedPage, { build: () => Promise<string> }>;

  constructor(maxBytes: number) {
    this.cache = new LRUCache<string, RenderedPage, { build: () => Promise<string> }>({
      maxSize: Math.max(1, maxBytes),
      maxEntrySize: Math.max(1, maxBytes),
      // The string (UTF-16) and its UTF-8 bytes, plus room for two compressed forms.
      sizeCalculation: (page) => page.body.length * 4 + 200,
      fetchMethod: async (_key, _stale, { context }) => new RenderedPage(await context.build()),
    });
  }

  get calculatedSize(): number {
    return this.cache.calculatedSize;
  }

  /** The page if it is cached, without building it. */
  peek(key: string): RenderedPage | undefined {
    return this.cache.get(key);
  }

  async get(key: string, build: () => Promise<string>): Promise<RenderedPage> {
    const page = await this.cache.fetch(key, { context: { build } });
    if (!page) throw new Error('page build returned nothing');
    return page;
  }
}

/**
 * Sends a cached page in the best encoding the client accepts, already compressed (the
 * compression middleware leaves an encoded response alone), with that representation's ETag.
 */
export function sendRendered(req: Request, res: Response, page: RenderedPage, options: Omit<CacheOptions, 'etag'>): void {
  const accepted = req.acceptsEncodings('br', 'gzip', 'identity');
  const encoding: Encoding | undefined = accepted === 'br' || accepted === 'gzip' ? accepted : undefined;
  res.vary('Accept-Encoding');
  if (encoding) res.set('Content-Encoding', encoding);
  sendPage(req, res, encoding ? page.encodedAs(encoding) : page.bytes, { ...options, etag: page.etagFor(encoding) });
}
