import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';

/** What one request did, gathered while it runs and read when its response is finished. */
export interface RequestContext {
  readonly startedAt: bigint;
  /** Calls made to the homeserver on this request's behalf (single-flight loads count once, for the request that started them). */
  upstreamCalls: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Counts one homeserver call against the request it runs for. Wired to HomeserverClient's
 * `onCall` hook; calls made outside any request (start-up, background work) are not counted.
 */
export function countUpstreamCall(): void {
  const context = storage.getStore();
  if (context) context.upstreamCalls++;
}

/** Runs the rest of the request inside a fresh context; mount it first. */
export function requestContext(): RequestHandler {
  return (_req, res, next) => {
    const context: RequestContext = { startedAt: process.hrtime.bigint(), upstreamCalls: 0 };
    res.locals['requestContext'] = context;
    storage.run(context, next);
  };
}

/** The context of a request whose handler chain has ended (e.g. in a `finish` listener). */
export function contextOf(res: { locals: Record<string, unknown> }): RequestContext | undefined {
  return res.locals['requestContext'] as RequestContext | undefined;
}

/** Milliseconds since the request's context started, with sub-millisecond precision. */
export function elapsedMs(context: RequestContext): number {
  return Number(process.hrtime.bigint() - context.startedAt) / 1e6;
}
