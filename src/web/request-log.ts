import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../log.js';
import { clientAddress } from './client-limit.js';
import type { Metrics } from './metrics.js';
import { routeOf } from './metrics.js';
import { contextOf, elapsedMs, type RequestContext } from './request-context.js';

const MAX_LOGGED_PATH = 512;

/** What is counted and logged of every answer, however it was answered. */
export interface RequestObserver {
  /** For express: watches each request it routes. Mount after `requestContext()`. */
  readonly middleware: RequestHandler;
  /** Watches a request answered in front of express (web/hit-path.ts), under its route. */
  watch(req: IncomingMessage, res: ServerResponse, context: RequestContext, route: string): void;
}

/**
 * One log line and one metrics observation per request when its response is finished (or the
 * client went away): method, path, route, status, duration, the homeserver calls made for it,
 * and whether it was served from the cache (no homeserver call was needed).
 */
export function requestObserver(log: Logger, metrics: Pick<Metrics, 'observeRequest'>): RequestObserver {
  const watch = (req: IncomingMessage, res: ServerResponse, context: RequestContext, route: () => string): void => {
    let seen = false;
    // On 'finish', or on 'close' alone when the client went away first. (Listening for 'close'
    // alone, which also follows 'finish', doubled the p99 of a cached page while big rooms load
    // cold, bench big rooms: 30.8-44.2 ms with both, 69.9-74.2 ms with 'close' alone.)
    const done = (): void => {
      if (seen) return;
      seen = true;
      const finished = res.writableFinished;
      const ms = elapsedMs(context);
      const name = route();
      if (finished) metrics.observeRequest(name, res.statusCode, ms);
      // express rewrites `url` under a mounted router; `originalUrl` is what was asked.
      const url = (req as Partial<Request>).originalUrl ?? req.url ?? '';
      const upstream = context.upstreamCalls;
      log.info(
        {
          method: req.method,
          path: url.length > MAX_LOGGED_PATH ? `${url.slice(0, MAX_LOGGED_PATH)}…` : url,
          route: name,
          status: finished ? res.statusCode : 499,
          durationMs: Math.round(ms * 10) / 10,
          cache: upstream === 0 ? 'hit' : 'miss',
          upstreamCalls: upstream,
          ip: clientAddress(req),
        },
        'request',
      );
    };
    res.on('finish', done);
    res.on('close', done);
  };
  return {
    middleware: (req, res, next) => {
      const context = contextOf(res);
      if (context) watch(req, res, context, () => routeOf(req as Request));
      next();
    },
    watch: (req, res, context, route) => watch(req, res, context, () => route),
  };
}
