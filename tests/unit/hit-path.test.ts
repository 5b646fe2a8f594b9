/**
 * The hit path (web/hit-path.ts) answers a cached room page in front of express. Over one set
 * of caches, an app with it and an app without it must answer every request alike:
 * status, headers (security headers, validators, caching, Vary, encoding) and bytes.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOBBY_ID, startTestApp, type TestApp } from '../support/app-setup.js';
import { recordedMessages } from '../support/recorded.js';

const LOBBY = '/room/lobby:localhost';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request with the bytes as sent (fetch would decompress them). */
function raw(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers: { connection: 'close', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Everything but the clock. */
function comparable(answer: Raw): Raw {
  const { date: _date, ...headers } = answer.headers;
  return { ...answer, headers };
}

async function fastHits(app: TestApp): Promise<number> {
  const text = await (await app.get('/metrics')).text();
  return Number(/^page_fast_path_hits_total (\d+)$/m.exec(text)?.[1] ?? NaN);
}

describe('the hit path for cached room pages', () => {
  let app: TestApp;
  let router: NonNullable<TestApp['routerOnly']>;
  const events = recordedMessages('lobby-messages').events;
  const message = events.filter((e) => e.type === 'm.room.message').at(-3)!;

  beforeAll(async () => {
    app = await startTestApp(undefined, { routerOnly: true });
    router = app.routerOnly!;
  });
  afterAll(() => app.close());

  const pages = [
    // The latest page: indexable.
    LOBBY,
    // Pages for people: noindex.
    `${LOBBY}?before=${encodeURIComponent(message.event_id)}`,
    `${LOBBY}?after=${encodeURIComponent(message.event_id)}&page=2`,
    `${LOBBY}/event/${encodeURIComponent(message.event_id)}`,
  ];

  it('answers a hit exactly as the route does: 200, HEAD, 304, identity, gzip and brotli', async () => {
    for (const path of pages) {
      // Built through the route first; every later answer is a hit.
      const built = await raw(router.url, path);
      expect(built.status, path).toBe(200);
      const etag = (encoding?: string): string => {
        const tag = built.headers['etag'] as string;
        return encoding ? `${tag.slice(0, -1)}-${encoding}"` : tag;
      };
      const variants: Array<[Record<string, string>, string?]> = [
        [{}],
        [{}, 'HEAD'],
        [{ 'accept-encoding': 'gzip' }],
        [{ 'accept-encoding': 'gzip, deflate, br' }],
        [{ 'accept-encoding': 'br;q=0.5, gzip;q=1' }],
        [{ 'accept-encoding': 'br' }, 'HEAD'],
        [{ 'accept-encoding': 'identity' }],
        [{ 'accept-encoding': 'compress' }],
        [{ 'if-none-match': etag() }],
        [{ 'if-none-match': `W/${etag()}` }],
        [{ 'if-none-match': etag('br'), 'accept-encoding': 'br' }],
        [{ 'if-none-match': etag('gzip'), 'accept-encoding': 'br' }],
        [{ 'if-none-match': '"something-else"' }],
        [{ 'if-modified-since': built.headers['last-modified'] as string }],
        [{ 'if-modified-since': new Date(0).toUTCString() }],
        [{ 'if-none-match': etag() }, 'HEAD'],
      ];
      for (const [headers, method] of variants) {
        // The route first: it is what learns how an Accept-Encoding negotiates, and a
        // representation's content type (the next test has the hit path before either).
        const routed = await raw(router.url, path, headers, method);
        const before = await fastHits(app);
        const fast = await raw(app.url, path, headers, method);
        expect(await fastHits(app), `${method ?? 'GET'} ${path} ${JSON.stringify(headers)}: answered by the hit path`).toBe(before + 1);
        expect(comparable(fast), `${method ?? 'GET'} ${path} ${JSON.stringify(headers)}`).toEqual(comparable(routed));
      }
    }
    // Many requests, each with a scrape of /metrics: slow on a loaded machine, not a time assert.
  }, 120_000);

  it('leaves an Accept-Encoding not seen yet to the route, which learns it for the next hit', async () => {
    await raw(router.url, LOBBY);
    const headers = { 'accept-encoding': 'gzip;q=0.8, br;q=0.9, zstd' };
    const before = await fastHits(app);
    const first = await raw(app.url, LOBBY, headers);
    expect(await fastHits(app)).toBe(before);
    const second = await raw(app.url, LOBBY, headers);
    expect(await fastHits(app)).toBe(before + 1);
    expect(second.headers['content-encoding']).toBe('br');
    expect(comparable(second)).toEqual(comparable(first));
  });

  it('sends the security headers, the validators and noindex where the route does', async () => {
    const latest = await raw(app.url, LOBBY);
    expect(latest.headers['content-security-policy']).toContain("script-src 'none'");
    expect(latest.headers['x-content-type-options']).toBe('nosniff');
    expect(latest.headers['vary']).toBe('Accept-Encoding');
    expect(latest.headers['x-robots-tag']).toBeUndefined();
    const permalink = await raw(app.url, pages[3]!);
    expect(permalink.headers['x-robots-tag']).toBe('noindex');
  });

  it('leaves to the route what a hit cannot prove: redirects, bad queries, other pages', async () => {
    await raw(router.url, LOBBY);
    for (const path of [
      `/room/${encodeURIComponent(LOBBY_ID)}`,
      '/room/%23lobby:localhost',
      `${LOBBY}?before=$a&before=$b`,
      `${LOBBY}?before=$a&after=$b`,
      `${LOBBY}/`,
      '/ROOM/lobby:localhost',
      '/room/%E0%A4%A',
      `${LOBBY}/info`,
    ]) {
      const before = await fastHits(app);
      const fast = await raw(app.url, path);
      expect(await fastHits(app), path).toBe(before);
      const routed = await raw(router.url, path);
      expect(fast.status, path).toBe(routed.status);
      expect(fast.headers['location'], path).toBe(routed.headers['location']);
    }
    // Not GET or HEAD: the router's 404.
    const before = await fastHits(app);
    expect((await raw(app.url, LOBBY, {}, 'POST')).status).toBe(404);
    expect(await fastHits(app)).toBe(before);
  }, 60_000);

  it('counts and logs a hit under its route, not as unmatched', async () => {
    await raw(app.url, LOBBY);
    const text = await (await app.get('/metrics')).text();
    expect(text).toMatch(/http_requests_total\{route="\/room\/:ref",status="200"\} \d+/);
    expect(text).toMatch(/http_requests_total\{route="\/room\/:ref\/event\/:eventId",status="200"\} \d+/);
  });
});

describe('the hit path on a representation first answered 304', () => {
  it('writes its first 200 with the content type the route learned, not without one', async () => {
    const app = await startTestApp(undefined, { routerOnly: true });
    try {
      const built = await raw(app.routerOnly!.url, LOBBY);
      const tag = built.headers['etag'] as string;
      const gzip = { 'accept-encoding': 'gzip;q=0.7' };
      const revalidate = { ...gzip, 'if-none-match': `${tag.slice(0, -1)}-gzip"` };
      // The route learns the negotiation from a 304, which teaches no content type; a hit answers the next 304.
      expect((await raw(app.routerOnly!.url, LOBBY, revalidate)).status).toBe(304);
      const before = await fastHits(app);
      expect((await raw(app.url, LOBBY, revalidate)).status).toBe(304);
      expect(await fastHits(app)).toBe(before + 1);
      // The first 200 of it goes to the route; the hits after it carry its content type.
      await raw(app.url, LOBBY, gzip);
      const hit = await raw(app.url, LOBBY, gzip);
      expect(await fastHits(app)).toBe(before + 2);
      expect(hit.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(comparable(hit)).toEqual(comparable(await raw(app.routerOnly!.url, LOBBY, gzip)));
    } finally {
      await app.close();
    }
  });
});

describe('the hit path and the client rate limit', () => {
  it('counts hits against the client, with the same RateLimit headers, and leaves the 429 to the routes', async () => {
    const app = await startTestApp(undefined, { rateLimitPerMinute: 4 });
    try {
      const answers: Raw[] = [];
      for (let i = 0; i < 5; i++) answers.push(await raw(app.url, LOBBY, { 'x-forwarded-for': '198.51.100.9' }));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 429]);
      expect(answers.map((a) => a.headers['ratelimit-remaining'])).toEqual(['3', '2', '1', '0', '0']);
      expect(answers[1]!.headers['ratelimit-policy']).toBe('4;w=60');
      expect(Number(answers[4]!.headers['retry-after'])).toBeGreaterThan(0);
      // All but the first and the last were hits; another client is not limited by this one.
      expect(await fastHits(app)).toBe(3);
      expect((await raw(app.url, LOBBY, { 'x-forwarded-for': '198.51.100.10' })).status).toBe(200);
      expect(await fastHits(app)).toBe(4);
    } finally {
      await app.close();
    }
  });
});
