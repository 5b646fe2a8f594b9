/**
 * Sends a cached page (web/page-cache.ts) in the best encoding the client accepts, already
 * compressed (the compression middleware leaves an encoded response alone), with that
 * representation's ETag. It answers as sendPage (web/http-cache.ts) would, header for header,
 * but a cached page is sent thousands of times per build: its header values are made once per
 * representation, the encoding is negotiated once per distinct Accept-Encoding, and an
 * unconditional request is written without express's send. Anything unusual takes send.
 */
import type { Request, Response } from 'express';
import { cacheControl, isNotModified, type CacheOptions } from './http-cache.js';

export type SendOptions = Readonly<Omit<CacheOptions, 'etag'>>;

export type Encoding = 'br' | 'gzip';

/** What is sent of a cached page (web/page-cache.ts RenderedPage). */
export interface SendablePage {
  readonly bytes: Buffer;
  encodedAs(encoding: Encoding): Buffer;
  etagFor(encoding: Encoding | undefined): string;
  sentWith: SendOptions | undefined;
  prepared: Prepared | undefined;
}

interface Representation {
  etag: string;
  /** Vary, Content-Encoding, ETag, Last-Modified, Cache-Control, X-Robots-Tag: as sendPage sets them. */
  headers: Array<[string, string]>;
  /** Last-Modified as sendPage caps it (never in the future); undefined: none. */
  lastModified: number | undefined;
  /** Content-Type as express spelled it on the first send through `send`. */
  contentType: string | undefined;
}

/** A page's representations for one set of options. */
export interface Prepared {
  options: SendOptions;
  byEncoding: Map<Encoding | 'identity', Representation>;
}

const sameOptions = (a: SendOptions, b: SendOptions): boolean =>
  a.maxAgeSeconds === b.maxAgeSeconds && a.staleSeconds === b.staleSeconds && a.lastModified === b.lastModified && a.noindex === b.noindex && a.type === b.type && a.status === b.status;

/** sendPage's Last-Modified: a positive finite time, never later than now. */
function cappedLastModified(options: SendOptions): number | undefined {
  return options.lastModified !== undefined && Number.isFinite(options.lastModified) && options.lastModified > 0 ? Math.min(options.lastModified, Date.now()) : undefined;
}

function representation(page: SendablePage, encoding: Encoding | undefined, options: SendOptions): Representation {
  let prepared = page.prepared;
  if (!prepared || !sameOptions(prepared.options, options)) {
    prepared = { options: { ...options }, byEncoding: new Map() };
    page.prepared = prepared;
  }
  const key = encoding ?? 'identity';
  let made = prepared.byEncoding.get(key);
  if (!made) {
    const etag = page.etagFor(encoding);
    const lastModified = cappedLastModified(options);
    const headers: Array<[string, string]> = [];
    if (encoding) headers.push(['Content-Encoding', encoding]);
    headers.push(['ETag', etag]);
    if (lastModified !== undefined) headers.push(['Last-Modified', new Date(lastModified).toUTCString()]);
    headers.push(['Cache-Control', cacheControl(options)]);
    if (options.noindex) headers.push(['X-Robots-Tag', 'noindex']);
    made = { etag, headers, lastModified, contentType: undefined };
    // A Last-Modified still ahead of the clock (capped to now) is made afresh at each send.
    if (lastModified === options.lastModified || lastModified === undefined) prepared.byEncoding.set(key, made);
  }
  return made;
}

/** Accept-Encoding values seen, with what they negotiate to: few distinct ones in practice. */
const negotiated = new Map<string, Encoding | undefined>();
const MAX_NEGOTIATED = 256;

function encodingFor(req: Request): Encoding | undefined {
  const header = req.headers['accept-encoding'];
  const key = header ?? '\0';
  if (negotiated.has(key)) return negotiated.get(key);
  const accepted = req.acceptsEncodings('br', 'gzip', 'identity');
  const encoding: Encoding | undefined = accepted === 'br' || accepted === 'gzip' ? accepted : undefined;
  if (negotiated.size >= MAX_NEGOTIATED) negotiated.clear();
  negotiated.set(key, encoding);
  return encoding;
}

export function sendRendered(req: Request, res: Response, page: SendablePage, options: SendOptions): void {
  page.sentWith ??= { ...options };
  const encoding = encodingFor(req);
  const made = representation(page, encoding, options);
  if (res.getHeader('Vary') === undefined) res.setHeader('Vary', 'Accept-Encoding');
  else res.vary('Accept-Encoding');
  for (const [name, value] of made.headers) res.setHeader(name, value);
  const lastModified = made.lastModified;
  const status = options.status ?? 200;
  const conditional = status === 200 && (req.method === 'GET' || req.method === 'HEAD');
  if (conditional && isNotModified(req.headers, made.etag, lastModified)) {
    res.status(304).end();
    return;
  }
  const body = encoding ? page.encodedAs(encoding) : page.bytes;
  // express's send also answers 304 to what its `fresh` thinks current: left to it whenever
  // the request is conditional at all, and for the first send, which learns the content type.
  if (made.contentType === undefined || status !== 200 || req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined) {
    res.status(status).type(options.type ?? 'html').send(body);
    const type = res.getHeader('Content-Type');
    // (Not from a 304 of express's own, which drops the type.)
    if (res.statusCode === 200 && typeof type === 'string') made.contentType ??= type;
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', made.contentType);
  res.setHeader('Content-Length', String(body.length));
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}
