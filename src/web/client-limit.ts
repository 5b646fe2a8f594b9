import type { IncomingMessage, ServerResponse } from 'node:http';
import { ipKeyGenerator } from 'express-rate-limit';
import { RateLimited } from '../errors.js';

/** A client asked for pages faster than RATE_LIMIT_PER_MINUTE allows. */
export class ClientRateLimited extends RateLimited {
  override name = 'ClientRateLimited';
  override readonly explanation: string = 'You have asked for pages faster than this viewer allows. Please wait a moment and try again.';
}

const WINDOW_MS = 60_000;
/** Clients counted in one window at most (about 100 bytes each); past it the counts start again. */
const MAX_CLIENTS = 200_000;
/** Operators' and static paths are never limited (matched as loosely as express routes them). */
const UNLIMITED = /^\/(healthz|readyz|metrics)\/?(?:\?|$)|^\/static\//i;

interface Client {
  hits: number;
  resetAt: number;
}

/** What a request was given: its verdict and what the RateLimit-* headers say. */
export interface Taken {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetMs: number;
}

/**
 * The client's address as express's `req.ip` gives it with `trust proxy` 1 (Heroku's router is
 * the one proxy): the last address the proxy appended to X-Forwarded-For, else the peer's.
 */
export function clientAddress(req: IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (typeof forwarded === 'string' && forwarded !== '') {
    const comma = forwarded.lastIndexOf(',');
    const last = (comma < 0 ? forwarded : forwarded.slice(comma + 1)).trim();
    if (last !== '') return last;
  }
  return req.socket.remoteAddress ?? '';
}

/**
 * Per-client rate limiting: a fixed window of a minute from each client's first request, as
 * express-rate-limit's memory store counts (IPv6 clients by their /56, through its
 * `ipKeyGenerator`). It is taken synchronously, so the cache-hit path in front of express
 * (web/hit-path.ts) limits a hit with the same counts as the routes limit everything else.
 * Clients idle for a whole window are dropped in bulk, as that store does: two generations.
 */
export class ClientLimiter {
  private current = new Map<string, Client>();
  private previous = new Map<string, Client>();
  private rotatedAt: number;
  /** Requests `take` has counted, so a request is never counted twice on its way through. */
  private readonly counted = new WeakMap<IncomingMessage, Taken>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.rotatedAt = now();
  }

  /** Counts the request against its client (once, however often asked); undefined: not limited. */
  take(req: IncomingMessage): Taken | undefined {
    if (this.perMinute <= 0 || UNLIMITED.test(req.url ?? '')) return undefined;
    const known = this.counted.get(req);
    if (known) return known;
    const now = this.now();
    if (now - this.rotatedAt >= WINDOW_MS || this.current.size >= MAX_CLIENTS) {
      this.previous = this.current.size >= MAX_CLIENTS ? new Map() : this.current;
      this.current = new Map();
      this.rotatedAt = now;
    }
    const key = ipKeyGenerator(clientAddress(req));
    let client = this.current.get(key);
    if (!client) {
      client = this.previous.get(key) ?? { hits: 0, resetAt: now + WINDOW_MS };
      this.previous.delete(key);
      this.current.set(key, client);
    }
    if (client.resetAt <= now) {
      client.hits = 0;
      client.resetAt = now + WINDOW_MS;
    }
    client.hits++;
    const taken: Taken = { allowed: client.hits <= this.perMinute, limit: this.perMinute, remaining: Math.max(0, this.perMinute - client.hits), resetMs: client.resetAt - now };
    this.counted.set(req, taken);
    return taken;
  }
}

/** The draft-6 RateLimit-* headers, flat, as express-rate-limit's `standardHeaders: 'draft-6'` sent them. */
export function limitHeaders(taken: Taken): string[] {
  return [
    'RateLimit-Policy', `${taken.limit};w=${WINDOW_MS / 1000}`,
    'RateLimit-Limit', String(taken.limit),
    'RateLimit-Remaining', String(taken.remaining),
    'RateLimit-Reset', String(Math.max(0, Math.ceil(taken.resetMs / 1000))),
  ];
}

/** The limiter as express middleware: past the limit, a 429 through the one error handler. */
export function clientRateLimit(limiter: ClientLimiter): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  return (req, res, next) => {
    const taken = limiter.take(req);
    if (!taken) return next();
    const headers = limitHeaders(taken);
    for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
    if (taken.allowed) return next();
    next(new ClientRateLimited(Math.max(1000, taken.resetMs)));
  };
}
