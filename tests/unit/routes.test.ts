/**
 * Every status the routes answer with, on the whole app built over an in-memory homeserver
 * (tests/support/app-setup.ts): no Synapse, so they run with the unit tests.
 */
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeserverUnavailable, RateLimited } from '../../src/errors.js';
import { errorPage, LOBBY, LOBBY_ID, MemoryHomeserver, startTestApp, type TestApp } from '../support/app-setup.js';
import { recordedState } from '../support/recorded.js';

describe('routes, without a homeserver', () => {
  let app: TestApp;
  beforeAll(async () => {
    const homeserver = new MemoryHomeserver();
    // A room the viewer may not show: its history is for members only.
    const closed = recordedState('lobby-state').map((e) => (e.type === 'm.room.history_visibility' ? { ...e, content: { history_visibility: 'shared' } } : e));
    homeserver.rooms.set('!closed:localhost', { state: closed, timeline: homeserver.rooms.get(LOBBY_ID)!.timeline });
    app = await startTestApp(homeserver);
  });
  afterAll(() => app.close());

  it('serves the latest page of a room by its canonical address', async () => {
    const response = await app.get(LOBBY);
    expect(response.status).toBe(200);
    const $ = load(await response.text());
    expect($('.room-name').text()).toContain('Lobby');
  });

  it('redirects every other form of a room reference, and keeps the rest of the path and the query', async () => {
    const cases: Array<[string, string]> = [
      [`/room/${encodeURIComponent(LOBBY_ID)}`, LOBBY],
      ['/room/%23lobby:localhost', LOBBY],
      [`/room/${encodeURIComponent(LOBBY_ID)}/info`, `${LOBBY}/info`],
      [`/room/${encodeURIComponent(LOBBY_ID)}/members?page=2`, `${LOBBY}/members?page=2`],
      [`/room/${encodeURIComponent(LOBBY_ID)}/widgets`, `${LOBBY}/widgets`],
      [`/room/${encodeURIComponent(LOBBY_ID)}/feed.atom`, `${LOBBY}/feed.atom`],
      [`/room/${encodeURIComponent(LOBBY_ID)}/date/2026/11/20?page=3`, `${LOBBY}/date/2026/11/20?page=3`],
      [`/room/${encodeURIComponent(LOBBY_ID)}?before=${encodeURIComponent('$e1')}`, `${LOBBY}?before=${encodeURIComponent('$e1')}`],
      [`/room/${encodeURIComponent(LOBBY_ID)}/event/${encodeURIComponent('$e1')}`, `${LOBBY}/event/%24e1`],
      [`/room/${encodeURIComponent(LOBBY_ID)}/thread/${encodeURIComponent('$e1')}`, `${LOBBY}/thread/%24e1`],
    ];
    for (const [from, to] of cases) {
      const response = await app.get(from);
      expect(response.status, from).toBe(301);
      expect(response.headers.get('location'), from).toBe(to);
    }
  });

  it('answers 400 with a clear page for malformed input', async () => {
    for (const path of [
      '/room/not-a-room',
      `${LOBBY}?before=$a&after=$b`,
      `${LOBBY}?before=not-an-event-id`,
      `${LOBBY}/event/not-an-event`,
      `${LOBBY}/date/2026/13/01`,
      `${LOBBY}/date/2026/11/20?page=0`,
      `${LOBBY}/members?page=-1`,
      '/?server=bad..name',
      '/room/%E0%A4%A',
    ]) {
      const response = await app.get(path);
      expect(response.status, path).toBe(400);
      expect((await errorPage(response)).heading).toBe('That address is not valid');
    }
  });

  it('answers 403 for a room whose history is not world-readable, saying why', async () => {
    const response = await app.get(`/room/${encodeURIComponent('!closed:localhost')}`);
    expect(response.status).toBe(403);
    const page = await errorPage(response);
    expect(page.heading).toBe('This room cannot be shown');
    expect(page.text).toContain('history visibility “shared”');
    for (const suffix of ['/feed.atom', `/event/${encodeURIComponent('$e1')}`, `/thread/${encodeURIComponent('$e1')}`, `?before=${encodeURIComponent('$e1')}`]) {
      expect((await app.get(`/room/${encodeURIComponent('!closed:localhost')}${suffix}`)).status, suffix).toBe(403);
    }
  });

  it('answers 404 for unknown rooms, addresses, events, days and paths', async () => {
    for (const path of [
      '/room/nowhere:localhost',
      `/room/${encodeURIComponent('!nowhere:localhost')}`,
      `${LOBBY}/event/${encodeURIComponent('$nosuch')}`,
      `${LOBBY}/date/1999/01/01`,
      '/no/such/page',
      // This app runs without the archive (ARCHIVE=off): no search, calendar or thread index.
      '/search?q=hello',
      '/search.atom?q=hello',
      `${LOBBY}/search?q=hello`,
      `${LOBBY}/calendar`,
      `${LOBBY}/threads`,
      // Sitemaps exist for listed rooms only, in as many parts as the list needs.
      '/sitemaps/rooms-2.xml',
      '/sitemaps/room/lobby:localhost.xml',
      '/sitemaps/room/not-a-room.xml',
    ]) {
      const response = await app.get(path);
      expect(response.status, path).toBe(404);
      expect((await errorPage(response)).heading).toBe('Not found');
    }
  });

  it('serves the directory, robots.txt and the sitemaps', async () => {
    for (const [path, type] of [['/', /^text\/html/], ['/robots.txt', /^text\/plain/], ['/sitemap.xml', /^application\/xml/], ['/sitemaps/rooms-1.xml', /^application\/xml/]] as const) {
      const response = await app.get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(type);
    }
    expect(await (await app.get('/robots.txt')).text()).toContain('Sitemap: http://viewer.test/sitemap.xml');
  });

  it('answers 304 to a revalidation with the page’s ETag, and 200 to another', async () => {
    const first = await app.get(LOBBY);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await app.get(LOBBY, { 'If-None-Match': etag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await app.get(LOBBY, { 'If-None-Match': '"other"' })).status).toBe(200);
  });
});

describe('routes when the homeserver fails', () => {
  it('answers 503 with Retry-After while the homeserver is unavailable', async () => {
    const homeserver = new MemoryHomeserver();
    homeserver.failure = new HomeserverUnavailable('down', 7);
    const app = await startTestApp(homeserver);
    try {
      const response = await app.get(LOBBY);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('7');
      expect((await errorPage(response)).heading).toBe('The homeserver is unavailable');
    } finally {
      await app.close();
    }
  });

  it('answers 503 with Retry-After on the directory and the sitemaps too', async () => {
    const homeserver = new MemoryHomeserver();
    homeserver.failure = new HomeserverUnavailable('down', 7);
    const app = await startTestApp(homeserver);
    try {
      for (const path of ['/', '/sitemap.xml']) {
        const response = await app.get(path);
        expect(response.status, path).toBe(503);
        expect(response.headers.get('retry-after'), path).toBe('7');
      }
    } finally {
      await app.close();
    }
  });

  it('answers 429 with Retry-After when the homeserver asks us to slow down', async () => {
    const homeserver = new MemoryHomeserver();
    homeserver.failure = new RateLimited(2500);
    const app = await startTestApp(homeserver);
    try {
      const response = await app.get(LOBBY);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('3');
    } finally {
      await app.close();
    }
  });

  it('answers 429 with Retry-After to a client past its rate limit', async () => {
    const app = await startTestApp(new MemoryHomeserver(), { rateLimitPerMinute: 2 });
    try {
      expect((await app.get(LOBBY)).status).toBe(200);
      expect((await app.get(LOBBY)).status).toBe(200);
      const limited = await app.get(LOBBY);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await errorPage(limited)).heading).toBe('Too many requests');
      // Operators' endpoints are never limited.
      expect((await app.get('/healthz')).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('answers an unexpected throw with the 500 error page, and keeps serving', async () => {
    const homeserver = new MemoryHomeserver();
    homeserver.failure = new TypeError('a bug, not a homeserver answer');
    const app = await startTestApp(homeserver);
    try {
      const response = await app.get(LOBBY);
      expect(response.status).toBe(500);
      const page = await errorPage(response);
      expect(page.heading).toBe('Something went wrong');
      expect(page.text).not.toContain('a bug');
      homeserver.failure = undefined;
      expect((await app.get(LOBBY)).status).toBe(200);
      expect((await app.get('/healthz')).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
