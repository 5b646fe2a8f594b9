/**
 * The pages read from the archive (the searches, a room's calendar and thread index) on the
 * whole app over the in-memory homeserver, with an in-memory SQLite archive: their
 * redirects, 400s, 403s and 404s, and that they are served.
 */
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorPage, LOBBY, LOBBY_ID, MemoryHomeserver, startTestApp, type TestApp } from '../support/app-setup.js';
import { recordedState } from '../support/recorded.js';

const BY_ID = `/room/${encodeURIComponent(LOBBY_ID)}`;
const CLOSED = `/room/${encodeURIComponent('!closed:localhost')}`;

describe('the archive’s pages, without a homeserver', () => {
  let app: TestApp;
  beforeAll(async () => {
    const homeserver = new MemoryHomeserver();
    const closed = recordedState('lobby-state').map((e) => (e.type === 'm.room.history_visibility' ? { ...e, content: { history_visibility: 'shared' } } : e));
    homeserver.rooms.set('!closed:localhost', { state: closed, timeline: homeserver.rooms.get(LOBBY_ID)!.timeline });
    app = await startTestApp(homeserver, { archive: true });
    // Reading the room writes what it holds to the archive.
    expect((await app.get(LOBBY)).status).toBe(200);
  });
  afterAll(() => app.close());

  it('serves the searches, the calendar and the thread index, never indexed', async () => {
    for (const path of ['/search', '/search?q=lobby', `${LOBBY}/search`, `${LOBBY}/search?q=hello&sort=new`, `${LOBBY}/calendar`, `${LOBBY}/threads`]) {
      const response = await app.get(path);
      expect(response.status, path).toBe(200);
      expect(load(await response.text())('h1').text(), path).not.toBe('');
    }
    for (const path of ['/search?q=lobby', `${LOBBY}/search?q=hello`]) {
      expect((await app.get(path)).headers.get('x-robots-tag'), path).toContain('noindex');
    }
    // The room's own search finds what reading the room archived.
    const $ = load(await (await app.get(`${LOBBY}/search?q=hello`)).text());
    expect($('main').text()).toMatch(/[1-9]\d* messages? match/);
    const feed = await app.get('/search.atom?q=lobby');
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
  });

  it('redirects a room’s archive pages to the room’s canonical address, keeping the query', async () => {
    const cases: Array<[string, string]> = [
      [`${BY_ID}/search?q=hello`, `${LOBBY}/search?q=hello`],
      [`${BY_ID}/calendar`, `${LOBBY}/calendar`],
      [`${BY_ID}/threads?page=2`, `${LOBBY}/threads?page=2`],
    ];
    for (const [from, to] of cases) {
      const response = await app.get(from);
      expect(response.status, from).toBe(301);
      expect(response.headers.get('location'), from).toBe(to);
    }
  });

  it('answers 400 for a malformed search or page number', async () => {
    for (const path of ['/search?q=x&sort=sideways', '/search?q=x&page=0', '/search.atom', `${LOBBY}/search?q=x&from=2026-13-01`, `${LOBBY}/threads?page=x`]) {
      const response = await app.get(path);
      expect(response.status, path).toBe(400);
      expect((await errorPage(response)).heading, path).toBe('That address is not valid');
    }
  });

  it('answers 403 for a room that is not world-readable, whatever the archive holds', async () => {
    for (const suffix of ['/search?q=hello', '/calendar', '/threads']) {
      expect((await app.get(`${CLOSED}${suffix}`)).status, suffix).toBe(403);
    }
  });

  it('answers 404 for a page of threads past the last', async () => {
    const response = await app.get(`${LOBBY}/threads?page=2`);
    expect(response.status).toBe(404);
    expect((await errorPage(response)).text).toContain('not that many pages of threads');
  });
});
