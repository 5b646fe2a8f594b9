import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { ReadThroughCache } from '../rooms/read-through.js';
import { yieldToLoop } from '../slices.js';
import { strongEtag } from './http-cache.js';
import type { Encoding, Prepared, SendablePage, SendOptions } from './send-rendered.js';


/** A rendered page and, made on first demand, its compressed forms. */
export class RenderedPage implements SendablePage {
  readonly etag: string;
  /** The body as bytes, encoded once rather than on every send. */
  readonly bytes: Buffer;
  private readonly encoded = new Map<Encoding, Buffer>();
  /**
   * The caching options the page was first sent with. Where they follow from the page's key
   * alone (the timeline pages), web/hit-path.ts answers a later hit with them, as the route would.
   */
  sentWith: SendOptions | undefined;
  /** The headers of each representation, made once for the options they were made with (web/send-rendered.ts). */
  prepared: Prepared | undefined;

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
 * compressed forms, and a revalidation is answered without rendering at all. Keys carry the
 * version, so entries need no TTL.
 */
export type PageCache = ReadThroughCache<RenderedPage>;

export function createPageCache(maxBytes: number): PageCache {
  // The string (UTF-16) and its UTF-8 bytes, plus room for two compressed forms.
  return new ReadThroughCache<RenderedPage>({ name: 'pages', maxBytes, sizeOf: (page) => page.body.length * 4 + 200 });
}

/**
 * The page for `key`: synchronously when it is cached, else built once however many ask. The
 * view is built and rendered in two turns of the loop: the two together held it for up to
 * ~60 ms a page when many cold rooms came at once (bench big rooms).
 */
export function cachedPage<V>(pages: PageCache, key: string, build: () => Promise<V>, render: (view: V) => string): RenderedPage | Promise<RenderedPage> {
  return (
    pages.peek(key) ??
    pages.get(key, 0, async () => {
      const view = await build();
      await yieldToLoop();
      return new RenderedPage(render(view));
    })
  );
}

export { sendRendered, type SendOptions } from './send-rendered.js';
