// Operations against the seeded Synapse: /metrics, security headers, `trust proxy`, the
// per-client rate limit, and one log line per request.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createServices, discoverServerName } from '../../src/services.js';
import { createApp } from '../../src/web/app.js';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const pageOf = (alias: string): string => `/room/${alias.slice(1)}`;
const lobby = pageOf(seed.rooms.lobby.alias);
const garden = pageOf(seed.rooms.garden.alias);

const viewers: RunningViewer[] = [];
async function viewer(env: Record<string, string> = {}): Promise<RunningViewer> {
  const started = await startViewer(env);
  viewers.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(viewers.splice(0).map((v) => v.close()));
});

/** The app as server.ts builds it, with its log lines captured and `req.ip` recorded. */
async function instrumented(env: Record<string, string> = {}): Promise<{
  url: string;
  lines: Array<Record<string, unknown>>;
  close(): Promise<void>;
}> {
  const config = loadConfig({ MATRIX_HOMESERVER_URL: seed.homeserverUrl, PUBLIC_URL: 'http://viewer.test', LOG_LEVEL: 'info', ...env });
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const log = pino({ level: config.logLevel, base: undefined }, sink);
  const services = createServices(config, log, false);
  services.renderer.site.serverName = await discoverServerName(services.client, 'localhost');
  const app = createApp(services);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lines,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The value of one sample line of a Prometheus text exposition, if present. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? '';
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

describe('/metrics', () => {
  it('counts requests by route pattern and status, latency, cache and upstream calls, and process metrics', async () => {
    const v = await viewer();
    expect((await v.get(lobby)).status).toBe(200);
    expect((await v.get(lobby)).status).toBe(200);
    expect((await v.get(garden)).status).toBe(200);
    expect((await v.get('/no/such/page')).status).toBe(404);
    // A request is counted when its response has finished on the server, which can be a
    // moment after the client has it: scrape until the last one shows.
    let response = await v.get('/metrics');
    let text = await response.text();
    for (let i = 0; i < 20 && sample(text, 'http_requests_total', { route: 'unmatched', status: '404' }) === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      response = await v.get('/metrics');
      text = await response.text();
    }
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');

    expect(sample(text, 'http_requests_total', { route: '/room/:ref', status: '200' })).toBe(3);
    expect(sample(text, 'http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    // Low cardinality: no raw paths in labels.
    expect(text).not.toMatch(/route="[^"]*(lobby|garden|no\/such)/);
    expect(sample(text, 'http_request_duration_seconds_count', { route: '/room/:ref' })).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_bucket', { route: '/room/:ref', le: '+Inf' })).toBe(3);

    expect(sample(text, 'room_cache_entries')).toBe(2);
    expect(sample(text, 'room_cache_size_bytes')).toBe(v.services.rooms.calculatedSize);
    expect(sample(text, 'room_cache_size_bytes')!).toBeGreaterThan(0);
    expect(sample(text, 'room_cache_max_bytes')).toBe(v.services.rooms.maxBytes);
    expect(sample(text, 'room_cache_hits_total')).toBe(1);
    expect(sample(text, 'room_cache_misses_total')).toBe(2);
    expect(sample(text, 'room_cache_evictions_total')).toBe(0);

    // Each cold room is /messages and /context, never a member list.
    expect(sample(text, 'upstream_calls_total', { endpoint: 'messages', outcome: 'ok' })).toBe(2);
    expect(sample(text, 'upstream_calls_total', { endpoint: 'context', outcome: 'ok' })).toBe(2);
    expect(sample(text, 'upstream_call_duration_seconds_count', { endpoint: 'context' })).toBe(2);
    expect(sample(text, 'upstream_calls_total', { endpoint: 'members', outcome: 'ok' })).toBeUndefined();

    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('keeps a registry per app instance', async () => {
    const a = await viewer();
    const b = await viewer();
    await a.get(lobby);
    await a.get(lobby);
    const textB = await (await b.get('/metrics')).text();
    expect(sample(textB, 'http_requests_total', { route: '/room/:ref' })).toBeUndefined();
    const textA = await (await a.get('/metrics')).text();
    expect(sample(textA, 'http_requests_total', { route: '/room/:ref', status: '200' })).toBe(2);
  });

  it('asks for the bearer token when METRICS_TOKEN is set', async () => {
    const v = await viewer({ METRICS_TOKEN: 's3cret-token' });
    const none = await v.get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await v.get('/metrics', { Authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await v.get('/metrics', { Authorization: 'Basic s3cret-token' })).status).toBe(401);
    const ok = await v.get('/metrics', { Authorization: 'Bearer s3cret-token' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('http_requests_total');
  });
});

describe('security headers', () => {
  const check = (response: Response): void => {
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-powered-by')).toBeNull();
  };

  it('are on pages, error pages and static files; no HSTS over plain http', async () => {
    const v = await viewer({ PUBLIC_URL: 'http://viewer.test' });
    for (const path of [lobby, '/', '/no/such/page', '/room/!bad', '/static/style.css', '/healthz']) {
      const response = await v.get(path);
      check(response);
      expect(response.headers.get('strict-transport-security'), path).toBeNull();
    }
  });

  it('add HSTS when PUBLIC_URL is https', async () => {
    const v = await viewer({ PUBLIC_URL: 'https://viewer.example' });
    for (const path of [lobby, '/no/such/page']) {
      const response = await v.get(path);
      check(response);
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
    }
  });
});

describe('behind Heroku’s router', () => {
  it('takes the client address from the last X-Forwarded-For hop (trust proxy 1), for the routes and the cache hits', async () => {
    const app = await instrumented();
    try {
      const ask = async (path: string, forwarded?: string): Promise<void> => {
        await (await fetch(`${app.url}${path}`, { headers: forwarded ? { 'X-Forwarded-For': forwarded } : {} })).text();
      };
      // The second and third asks of the room page are cache hits, answered in front of express.
      for (const path of ['/healthz', lobby, lobby]) {
        await ask(path, '203.0.113.7');
        // A client may send its own X-Forwarded-For; the router appends the real address.
        await ask(path, '10.9.9.9, 198.51.100.4');
        await ask(path);
      }
      await expect.poll(() => app.lines.filter((line) => line['msg'] === 'request').length).toBe(9);
      const requests = app.lines.filter((line) => line['msg'] === 'request');
      expect(requests.map((line) => line['ip'])).toEqual(Array.from({ length: 3 }, () => ['203.0.113.7', '198.51.100.4', '127.0.0.1']).flat());
      expect(requests.slice(-3).map((line) => line['cache'])).toEqual(['hit', 'hit', 'hit']);
      expect(requests.slice(-3).map((line) => line['route'])).toEqual(['/room/:ref', '/room/:ref', '/room/:ref']);
    } finally {
      await app.close();
    }
  });
});

describe('per-client rate limit', () => {
  it('answers 429 with Retry-After and our error page, per client, sparing operators and static files', async () => {
    const v = await viewer({ RATE_LIMIT_PER_MINUTE: '5' });
    const as = (ip: string): Record<string, string> => ({ 'X-Forwarded-For': ip });
    for (let i = 0; i < 5; i++) expect((await v.get('/healthz', as('198.51.100.1'))).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await v.get(lobby, as('198.51.100.1'))).status).toBe(200);
    const limited = await v.get(lobby, as('198.51.100.1'));
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await limited.text();
    expect(body).toContain('HTTP 429');
    expect(body).toContain('Too many requests');
    // Another client is not affected; the limited one still reaches the operators' paths.
    expect((await v.get(lobby, as('198.51.100.2'))).status).toBe(200);
    for (const path of ['/healthz', '/readyz', '/metrics', '/static/style.css']) {
      expect((await v.get(path, as('198.51.100.1'))).status, path).toBe(200);
    }
  });

  it('is off with RATE_LIMIT_PER_MINUTE=0', async () => {
    const v = await viewer({ RATE_LIMIT_PER_MINUTE: '0' });
    for (let i = 0; i < 30; i++) expect((await v.get('/robots.txt')).status).toBeLessThan(429);
  });
});

describe('request log', () => {
  it('writes one line per request: method, path, route, status, duration, cache, upstream calls', async () => {
    const app = await instrumented();
    try {
      await (await fetch(`${app.url}${garden}`)).text();
      await (await fetch(`${app.url}${garden}`)).text();
      await (await fetch(`${app.url}/no/such/page?x=1`)).text();
      const requests = app.lines.filter((line) => line['msg'] === 'request');
      expect(requests).toHaveLength(3);
      const [cold, warm, missing] = requests;
      expect(cold).toMatchObject({ level: 30, method: 'GET', path: garden, route: '/room/:ref', status: 200, cache: 'miss' });
      expect(cold!['upstreamCalls']).toBeGreaterThanOrEqual(2);
      // alias, /messages, /context, publication (beside them)
      expect(cold!['upstreamCalls']).toBeLessThanOrEqual(4);
      expect(typeof cold!['durationMs']).toBe('number');
      expect(warm).toMatchObject({ path: garden, status: 200, cache: 'hit', upstreamCalls: 0 });
      expect(missing).toMatchObject({ path: '/no/such/page?x=1', route: 'unmatched', status: 404 });
    } finally {
      await app.close();
    }
  });

  it('follows LOG_LEVEL', async () => {
    const app = await instrumented({ LOG_LEVEL: 'warn' });
    try {
      await (await fetch(`${app.url}/healthz`)).text();
      expect(app.lines.filter((line) => line['msg'] === 'request')).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});

afterAll(async () => {
  await Promise.all(viewers.splice(0).map((v) => v.close()));
});
