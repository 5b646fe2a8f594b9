import { timingSafeEqual } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CallOutcome } from '../matrix/client.js';
import type { CacheStats } from '../rooms/read-through.js';

/** What /metrics reads from a cache (ReadThroughCache has all of it). */
export interface CacheSource {
  readonly name: string;
  readonly calculatedSize: number;
  readonly count: number;
  readonly maxBytes: number;
  readonly stats: CacheStats;
}

export interface Metrics {
  readonly registry: Registry;
  /** Counts a finished request by route and status, and times it (web/request-log.ts). */
  observeRequest(route: string, status: number, ms: number): void;
  /** The `/metrics` endpoint, behind a bearer token when one is configured. */
  readonly endpoint: RequestHandler;
  /** Feed HomeserverClient's `onCall` hook here. */
  observeUpstream(endpoint: string, outcome: CallOutcome, durationMs: number): void;
  /** A counter read from a running total at scrape time (nothing to do per request). */
  counter(name: string, help: string, read: () => number): void;
}

/**
 * The route a request matched, as its pattern (`/room/:ref`), never the raw path: labels
 * must stay few. Requests that matched no route are grouped as static files or "unmatched".
 */
export function routeOf(req: Request): string {
  const pattern: unknown = req.route?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  if (req.originalUrl.startsWith('/static/')) return '/static';
  return 'unmatched';
}

/**
 * Prometheus metrics in a registry of their own (one per app, so tests can build several):
 * requests by route and status, latency, the room cache, calls to the homeserver, and the
 * process's default metrics.
 */
export function createMetrics(caches: readonly CacheSource[], token: string | undefined, upstreamBytes: () => number = () => 0): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route pattern and status',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to finished response, by route pattern',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const upstream = new Counter({
    name: 'upstream_calls_total',
    help: 'Calls to the homeserver, by endpoint and outcome',
    labelNames: ['endpoint', 'outcome'] as const,
    registers: [registry],
  });
  const upstreamLatency = new Histogram({
    name: 'upstream_call_duration_seconds',
    help: 'Duration of calls to the homeserver (queueing included), by endpoint',
    labelNames: ['endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  // Read at scrape time: lru-cache and our stats keep running totals.
  const perCache = (name: string, help: string, kind: 'gauge' | 'counter', read: (cache: CacheSource) => number): void => {
    const Metric = kind === 'gauge' ? Gauge : Counter;
    new Metric({
      name,
      help,
      labelNames: ['cache'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const cache of caches) {
          const value = read(cache);
          if (this instanceof Gauge) this.set({ cache: cache.name }, value);
          else this.inc({ cache: cache.name }, value);
        }
      },
    });
  };
  perCache('cache_size_bytes', 'Estimated bytes held, by cache', 'gauge', (c) => c.calculatedSize);
  perCache('cache_max_bytes', 'Bound of each cache in estimated bytes', 'gauge', (c) => c.maxBytes);
  perCache('cache_entries', 'Entries held, by cache', 'gauge', (c) => c.count);
  perCache('cache_hits_total', 'Reads answered with a fresh copy', 'counter', (c) => c.stats.hits);
  perCache('cache_stale_hits_total', 'Reads that found only a stale copy and refreshed it', 'counter', (c) => c.stats.staleHits);
  perCache('cache_misses_total', 'Reads that found nothing and loaded', 'counter', (c) => c.stats.misses);
  perCache('cache_negative_hits_total', 'Refusals (404, 403) answered from memory', 'counter', (c) => c.stats.negativeHits);
  perCache('cache_load_failures_total', 'Loads that failed', 'counter', (c) => c.stats.loadFailures);
  perCache('cache_stale_on_error_total', 'Failed refreshes answered with the stale copy', 'counter', (c) => c.stats.staleOnError);
  perCache('cache_evictions_total', 'Entries evicted to stay within the byte bound', 'counter', (c) => c.stats.evictions);
  // The room cache under its own names too, as dashboards and the benchmark know them.
  const rooms = caches.find((c) => c.name === 'rooms');
  if (rooms) {
    const room = (name: string, help: string, kind: 'gauge' | 'counter', read: () => number): void => {
      const Metric = kind === 'gauge' ? Gauge : Counter;
      new Metric({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          if (this instanceof Gauge) this.set(read());
          else this.inc(read());
        },
      });
    };
    room('room_cache_size_bytes', 'Estimated bytes of the room snapshots held', 'gauge', () => rooms.calculatedSize);
    room('room_cache_max_bytes', 'Bound of the room cache in estimated bytes', 'gauge', () => rooms.maxBytes);
    room('room_cache_entries', 'Room snapshots held', 'gauge', () => rooms.count);
    room('room_cache_hits_total', 'Room lookups answered from the cache (fresh or stale)', 'counter', () => rooms.stats.hits + rooms.stats.staleHits);
    room('room_cache_misses_total', 'Room lookups that had to load the room', 'counter', () => rooms.stats.misses);
    room('room_cache_evictions_total', 'Room snapshots evicted to stay within the byte bound', 'counter', () => rooms.stats.evictions);
  }
  // The longest the event loop was held since start, never reset by a scrape (prom-client's
  // own nodejs_eventloop_lag_* are reset at every scrape): no task should pass about 50 ms.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const reading = (name: string, help: string, read: () => number): void => {
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  };
  reading('event_loop_delay_max_seconds', 'Longest event-loop delay since start', () => loop.max / 1e9);
  reading('event_loop_delay_p99_seconds', '99th percentile of event-loop delay since start', () => loop.percentile(99) / 1e9);
  reading('upstream_bytes_in_flight', 'Bytes of homeserver answers being read now', upstreamBytes);

  // Each request's labelled series, found by a map lookup rather than by prom-client hashing
  // its label object at every request; routes and statuses are few, so these stay small.
  const counted = new Map<string, Counter.Internal>();
  const timed = new Map<string, Histogram.Internal<'route'>>();
  const observeRequest = (route: string, status: number, ms: number): void => {
    const key = `${status} ${route}`;
    let counter = counted.get(key);
    if (!counter) counted.set(key, (counter = requests.labels({ route, status: String(status) })));
    counter.inc();
    let histogram = timed.get(route);
    if (!histogram) timed.set(route, (histogram = latency.labels({ route })));
    histogram.observe(ms / 1000);
  };

  const endpoint: RequestHandler = async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    if (token && !bearerMatches(req.get('authorization'), token)) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').type('text/plain').send('unauthorized\n');
      return;
    }
    const body = await registry.metrics();
    res.type(registry.contentType).send(body);
  };

  return {
    registry,
    observeRequest,
    endpoint,
    counter(name, help, read) {
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    },
    observeUpstream(endpointName, outcome, durationMs) {
      upstream.inc({ endpoint: endpointName, outcome });
      upstreamLatency.observe({ endpoint: endpointName }, durationMs / 1000);
    },
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
