/**
 * Sends a cached page (web/page-cache.ts) in the best encoding the client accepts, already
 * compressed (the compression middleware leaves an encoded response alone), with that
 * representation's ETag. It answers as sendPage (web/http-cache.ts) would, header for header,
 * but a cached page is sent thousands of times per build: its header values are made once per
 * representation, the encoding is negotiated once per distinct Accept-Encoding, and only the
 * first send of a representation (which learns its content type) takes express's send.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { cacheControl, isNotModified, type CacheOptions } from './http-cache.js';
import type { HeaderList } from './security.js';

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
  encoding: Encoding | undefined;
  etag: string;
  /** Vary, Content-Encoding, ETag, Last-Modified, Cache-Control, X-Robots-Tag: as sendPage sets them. */
  headers: Array<[string, string]>;
  /** Last-Modified as sendPage caps it (never in the future); undefined: none. */
  lastModified: number | undefined;
  /** Content-Type as express spelled it on the first send through `send`. */
  contentType: string | undefined;
  /** Every header of a 304 and (once the content type is known) of a 200, flat, as made with these security headers. */
  whole?: { security: HeaderList; contentType: string | undefined; ok: string[]; notModified: string[] };
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
    made = { encoding, etag, headers, lastModified, contentType: undefined };
    // A Last-Modified still ahead of the clock (capped to now) is made afresh at each send.
    if (lastModified === options.lastModified || lastModified === undefined) prepared.byEncoding.set(key, made);
  }
  return made;
}

/**
 * Accept-Encoding values seen, with what express's negotiation made of them: few distinct
 * ones in practice. Only express negotiates (the routes); a hit in front of express
 * (web/hit-path.ts) uses what it learned, and leaves a value not seen yet to the routes.
 */
const negotiated = new Map<string, Encoding | undefined>();
const MAX_NEGOTIATED = 256;
const NO_HEADER = '\0';

function encodingFor(req: Request): Encoding | undefined {
  const key = req.headers['accept-encoding'] ?? NO_HEADER;
  if (negotiated.has(key)) return negotiated.get(key);
  const accepted = req.acceptsEncodings('br', 'gzip', 'identity');
  const encoding: Encoding | undefined = accepted === 'br' || accepted === 'gzip' ? accepted : undefined;
  if (negotiated.size >= MAX_NEGOTIATED) negotiated.clear();
  negotiated.set(key, encoding);
  return encoding;
}

/** How a page is answered: its representation, and whether it is a 304. */
interface Answer {
  encoding: Encoding | undefined;
  made: Representation;
  status: number;
  notModified: boolean;
}

function answerFor(req: IncomingMessage, page: SendablePage, options: SendOptions, encoding: Encoding | undefined): Answer {
  const made = representation(page, encoding, options);
  const status = options.status ?? 200;
  const conditional = status === 200 && (req.method === 'GET' || req.method === 'HEAD');
  return { encoding, made, status, notModified: conditional && isNotModified(req.headers, made.etag, made.lastModified) };
}

function setRepresentationHeaders(res: ServerResponse, made: Representation): void {
  const vary = res.getHeader('Vary');
  if (vary === undefined) res.setHeader('Vary', 'Accept-Encoding');
  else if (!/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(String(vary))) res.setHeader('Vary', `${String(vary)}, Accept-Encoding`);
  for (const [name, value] of made.headers) res.setHeader(name, value);
}

/**
 * A 304, or a 200 whose every header is known: written without express. `headers` is the
 * whole header block when the caller made it (the hit path); else the representation's
 * headers are on `res` already and the content headers are set here.
 */
function writeAnswer(req: IncomingMessage, res: ServerResponse, page: SendablePage, answer: Answer, headers?: readonly string[]): void {
  const body = answer.notModified ? undefined : answer.encoding ? page.encodedAs(answer.encoding) : page.bytes;
  if (headers) res.writeHead(body ? 200 : 304, headers as string[]);
  else {
    res.statusCode = body ? 200 : 304;
    if (body) {
      res.setHeader('Content-Type', answer.made.contentType!);
      res.setHeader('Content-Length', String(body.length));
    }
  }
  if (!body || req.method === 'HEAD') res.end();
  else res.end(body);
}

export function sendRendered(req: Request, res: Response, page: SendablePage, options: SendOptions): void {
  page.sentWith ??= { ...options };
  const answer = answerFor(req, page, options, encodingFor(req));
  setRepresentationHeaders(res, answer.made);
  if (answer.notModified || writable(answer)) return writeAnswer(req, res, page, answer);
  // The first send of a representation goes through express's, which learns its content type
  // (and any status but 200 always does).
  const body = answer.encoding ? page.encodedAs(answer.encoding) : page.bytes;
  res.status(answer.status).type(options.type ?? 'html').send(body);
  const type = res.getHeader('Content-Type');
  if (res.statusCode === 200 && typeof type === 'string') answer.made.contentType ??= type;
}

/** Whether every header of the answer is known: a 200 whose content type a send has learned. */
function writable(answer: Answer): boolean {
  return answer.status === 200 && answer.made.contentType !== undefined;
}

/** The representation's whole header block, made once: the hit path writes it in one call. */
function wholeHeaders(page: SendablePage, made: Representation, security: HeaderList): NonNullable<Representation['whole']> {
  if (made.whole?.security === security && made.whole.contentType === made.contentType) return made.whole;
  const notModified: string[] = [];
  for (const [name, value] of security) notModified.push(name, value);
  notModified.push('Vary', 'Accept-Encoding');
  for (const [name, value] of made.headers) notModified.push(name, value);
  // Without a content type (a 304 before any 200 of it) there is no 200 to write yet.
  const ok = made.contentType === undefined ? [] : [...notModified, 'Content-Type', made.contentType, 'Content-Length', String((made.encoding ? page.encodedAs(made.encoding) : page.bytes).length)];
  made.whole = { security, contentType: made.contentType, notModified, ok };
  return made.whole;
}

/**
 * A cached page's answer in front of express, when everything it needs is known already: the
 * encoding this Accept-Encoding negotiates to, the content type, a status of 200. Returns
 * false, having written nothing, when the routes must answer. The answer carries the security
 * headers and `extra` (the rate limit's) besides the representation's, and goes out through
 * one `writeHead` of a header list made once per representation: setting twenty headers one
 * by one cost as much as the rest of the hit.
 */
export function sendKnown(req: IncomingMessage, res: ServerResponse, page: SendablePage, options: SendOptions, security: HeaderList, extra: readonly string[] | undefined, onAnswer: () => void): boolean {
  const key = req.headers['accept-encoding'] ?? NO_HEADER;
  if (!negotiated.has(key)) return false;
  const encoding = negotiated.get(key);
  const answer = answerFor(req, page, options, encoding);
  if (!answer.notModified && !writable(answer)) return false;
  onAnswer();
  const whole = wholeHeaders(page, answer.made, security);
  const headers = answer.notModified ? whole.notModified : whole.ok;
  writeAnswer(req, res, page, answer, extra ? [...headers, ...extra] : headers);
  return true;
}
