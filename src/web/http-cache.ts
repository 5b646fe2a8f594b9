/**
 * HTTP caching for everything the routes render: a strong ETag from the body, Last-Modified,
 * 304 answers to conditional requests, Cache-Control with stale-while-revalidate so a CDN
 * absorbs crawlers, and response compression (gzip or brotli) for clients that accept it.
 */
import { createHash } from 'node:crypto';
import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';

/** The caching headers' two numbers, in seconds. */
export interface Freshness {
  maxAgeSeconds: number;
  staleSeconds: number;
}

/**
 * How long caches in front of the viewer may keep its answers. Live pages change with the
 * room, so their max-age is the freshness interval. Nothing is kept longer than `boundSeconds`
 * (max-age plus stale-while-revalidate), past days and sitemaps included: a page may always
 * change, because a room can take back what it said, so no cache may keep an old copy for
 * long. Past days and sitemaps take the bound whole, half fresh and half stale.
 */
export interface CachePolicy {
  live: Freshness;
  settled: Freshness;
}

export function cachePolicy(freshnessSeconds: number, boundSeconds: number): CachePolicy {
  const bound = Math.max(0, Math.floor(boundSeconds));
  const maxAge = Math.min(Math.max(1, Math.round(freshnessSeconds)), bound);
  return {
    live: { maxAgeSeconds: maxAge, staleSeconds: Math.min(maxAge * 6, bound - maxAge) },
    settled: { maxAgeSeconds: Math.ceil(bound / 2), staleSeconds: Math.floor(bound / 2) },
  };
}

export interface CacheOptions extends Freshness {
  /** When the content last changed (ms since the epoch): the snapshot's, or the newest event's. */
  lastModified?: number | undefined;
  /** Sets `X-Robots-Tag: noindex` too, for pages whose meta says noindex (and for non-HTML). */
  noindex?: boolean;
  /** Content type; HTML unless told. */
  type?: string;
  status?: number;
  /** The body's ETag when the caller has it already (a cached page); else it is computed. */
  etag?: string;
}

/** `public, max-age=…, stale-while-revalidate=…` */
export function cacheControl({ maxAgeSeconds, staleSeconds }: Freshness): string {
  return `public, max-age=${Math.max(0, Math.floor(maxAgeSeconds))}, stale-while-revalidate=${Math.max(0, Math.floor(staleSeconds))}`;
}

/** A strong validator: the body's hash. Pages hold no clock, so the same content gives the same tag. */
export function strongEtag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

function opaqueTag(tag: string): string {
  const trimmed = tag.trim();
  return trimmed.startsWith('W/') ? trimmed.slice(2) : trimmed;
}

/**
 * Whether a conditional GET may be answered 304 (RFC 9110 §13.1.2, §13.1.3): If-None-Match
 * (weak comparison) wins over If-Modified-Since, which compares whole seconds.
 */
export function isNotModified(
  headers: { 'if-none-match'?: string | undefined; 'if-modified-since'?: string | undefined },
  etag: string,
  lastModified: number | undefined,
): boolean {
  const ifNoneMatch = headers['if-none-match'];
  // An empty If-None-Match lists no tag: If-Modified-Since decides, as express's `fresh` has it.
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '') {
    if (ifNoneMatch.trim() === '*') return true;
    return ifNoneMatch.split(',').some((tag) => opaqueTag(tag) === opaqueTag(etag));
  }
  const ifModifiedSince = headers['if-modified-since'];
  if (ifModifiedSince !== undefined && lastModified !== undefined) {
    const since = Date.parse(ifModifiedSince);
    if (Number.isNaN(since)) return false;
    return Math.floor(lastModified / 1000) <= Math.floor(since / 1000);
  }
  return false;
}

/**
 * Sends a rendered page with its validators and caching headers, or a 304 when the client's
 * copy is current. Only GET and HEAD answers of status 200 are ever 304.
 */
export function sendPage(req: Request, res: Response, body: string | Buffer, options: CacheOptions): void {
  const status = options.status ?? 200;
  const etag = options.etag ?? strongEtag(body);
  const lastModified =
    options.lastModified !== undefined && Number.isFinite(options.lastModified) && options.lastModified > 0
      ? Math.min(options.lastModified, Date.now())
      : undefined;
  res.set('ETag', etag);
  if (lastModified !== undefined) res.set('Last-Modified', new Date(lastModified).toUTCString());
  res.set('Cache-Control', cacheControl(options));
  if (options.noindex) res.set('X-Robots-Tag', 'noindex');
  const conditional = status === 200 && (req.method === 'GET' || req.method === 'HEAD');
  if (conditional && isNotModified(req.headers, etag, lastModified)) {
    res.status(304).end();
    return;
  }
  res.status(status).type(options.type ?? 'html').send(body);
}

/**
 * Paths whose bodies are already compressed: media (images, downloads), and the timeline and
 * day pages, which the page cache keeps in gzip and brotli (web/page-cache.ts).
 */
const PRECOMPRESSED = /^\/media\/|^\/room\/[^/]+(?:\/(?:date|event|thread)\/.*)?$/;

/**
 * gzip or brotli (compression ≥ 1.8 negotiates br) for text answers. Precompressed paths skip
 * the middleware altogether: it wraps every response it sees, which costs even when it ends
 * up not compressing.
 */
export function compressResponses(): RequestHandler {
  const compress = compression({ threshold: 1024, filter: (req, res) => compression.filter(req, res) });
  return (req, res, next) => (PRECOMPRESSED.test(req.path) ? next() : compress(req, res, next));
}
