import type { RequestHandler } from 'express';
import type { Logger } from '../log.js';
import { routeOf } from './metrics.js';
import { contextOf, elapsedMs } from './request-context.js';

const MAX_LOGGED_PATH = 512;

/**
 * One log line per request when its response is finished (or the client went away): method,
 * path, route, status, duration, the homeserver calls made for it, and whether it was served
 * from the cache (no homeserver call was needed). Mount after `requestContext()`.
 */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    let logged = false;
    const done = (): void => {
      if (logged) return;
      logged = true;
      const context = contextOf(res);
      const upstream = context?.upstreamCalls ?? 0;
      const path = req.originalUrl.length > MAX_LOGGED_PATH ? `${req.originalUrl.slice(0, MAX_LOGGED_PATH)}…` : req.originalUrl;
      log.info(
        {
          method: req.method,
          path,
          route: routeOf(req),
          status: res.writableFinished ? res.statusCode : 499,
          durationMs: context ? Math.round(elapsedMs(context) * 10) / 10 : undefined,
          cache: upstream === 0 ? 'hit' : 'miss',
          upstreamCalls: upstream,
          ip: req.ip,
        },
        'request',
      );
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
