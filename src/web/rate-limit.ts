import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { RateLimited } from '../errors.js';

/** A client asked for pages faster than RATE_LIMIT_PER_MINUTE allows. */
export class ClientRateLimited extends RateLimited {
  override name = 'ClientRateLimited';
  override readonly explanation: string = 'You have asked for pages faster than this viewer allows. Please wait a moment and try again.';
}

const WINDOW_MS = 60_000;
/** Operators' and static paths are never limited (matched as loosely as express routes them). */
const UNLIMITED = /^\/(healthz|readyz|metrics)\/?$|^\/static\//i;

/**
 * Per-client rate limiting, keyed by the client's address as Heroku's router reports it
 * (`trust proxy` is 1). Past the limit the request goes to the one error handler as a
 * 429 with `Retry-After`, so the reader gets our HTML error page. 0 turns it off.
 */
export function clientRateLimit(perMinute: number): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    skip: (req) => UNLIMITED.test(req.path),
    handler: (req, _res, next) => {
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const waitMs = reset ? Math.max(1000, reset.getTime() - Date.now()) : WINDOW_MS;
      next(new ClientRateLimited(waitMs));
    },
  });
}
