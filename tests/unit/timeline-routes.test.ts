/**
 * The timeline pages (latest, before and after an event, an event in context, a thread) and
 * the room's feed, on the whole app over the in-memory homeserver: what each page says of
 * itself to crawlers, and every status it answers with.
 */
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeserverUnavailable, RateLimited } from '../../src/errors.js';
import { errorPage, LOBBY, MemoryHomeserver, startTestApp, type TestApp } from '../support/app-setup.js';

// Events of the recorded lobby (tests/fixtures/recorded/lobby-messages.json).
const HELLO = '$xXSaihTodgLVClY1EzKJjjcD21lzc93fcA5M70QR-2g';
const HEART = '$w-_dqbu74IYR2BKqns9PqyDUD-2pc0DwKqsq33b1ttc';
const THREAD_ROOT = '$p0D0OJgMvMfVa4c_4wp3Lzt7Oee676hDNLESWuXQdvU';
const THREAD_REPLY = '$MU99HgoO28J4iVrafTP5pZ4N5IUKGxqZqOsuLMPXqf8';
const at = (path: string, id: string): string => `${LOBBY}/${path}/${encodeURIComponent(id)}`;

describe('the timeline pages and the feed, without a homeserver', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(new MemoryHomeserver());
  });
  afterAll(() => app.close());

  async function page(path: string): Promise<{ response: Response; $: ReturnType<typeof load> }> {
    const response = await app.get(path);
    expect(response.status, path).toBe(200);
    return { response, $: load(await response.text()) };
  }
  const canonical = ($: ReturnType<typeof load>): string | undefined => $('link[rel=canonical]').attr('href');

  it('serves the latest page as indexable, with the room as its canonical page', async () => {
    const { response, $ } = await page(LOBBY);
    expect(response.headers.get('x-robots-tag')).toBeNull();
    expect($('title').text()).toContain('Lobby');
    expect($('h2, h1').text()).toContain('Latest messages');
    expect(canonical($)).toBe(`http://viewer.test${LOBBY}`);
  });

  it('serves the pages before and after an event for people: noindex, follow, the day as canonical', async () => {
    for (const [query, heading] of [[`?before=${encodeURIComponent(HELLO)}`, 'Earlier messages'], [`?after=${encodeURIComponent(HELLO)}`, 'Later messages']] as const) {
      const { response, $ } = await page(`${LOBBY}${query}`);
      expect(response.headers.get('x-robots-tag'), query).toContain('noindex');
      expect($('body').text(), query).toContain(heading);
      expect(canonical($), query).toMatch(/^http:\/\/viewer\.test\/room\/lobby:localhost(\/date\/\d{4}\/\d{2}\/\d{2})?$/);
      expect($('meta[name=robots]').attr('content'), query).toBe('noindex, follow');
    }
  });

  it('serves an event in context, highlighted, with its day page as canonical', async () => {
    const { response, $ } = await page(at('event', HELLO));
    expect(response.headers.get('x-robots-tag')).toContain('noindex');
    expect($('title').text()).toContain('message from');
    expect($('title').text()).toContain('Hello, lobby!');
    expect(canonical($)).toMatch(/\/date\/\d{4}\/\d{2}\/\d{2}#e-/);
  });

  it('shows a reaction’s permalink as the message it reacts to, saying so', async () => {
    const { $ } = await page(at('event', HEART));
    expect($('main').text()).toContain('The linked event is a ❤️ reaction by');
    expect($('title').text()).toContain('Hello, lobby!');
  });

  it('shows a thread reply’s permalink in its thread, the thread as canonical', async () => {
    const { response, $ } = await page(at('event', THREAD_REPLY));
    expect(response.headers.get('x-robots-tag')).toContain('noindex');
    expect($('title').text()).toContain('thread “Thread root');
    expect(canonical($)).toMatch(new RegExp(`/thread/${THREAD_ROOT.replace('$', '%24')}#e-`));
  });

  it('serves a thread as indexable: its root and replies', async () => {
    const { response, $ } = await page(at('thread', THREAD_ROOT));
    expect(response.headers.get('x-robots-tag')).toBeNull();
    expect($('body').text()).toContain('Thread (3 replies)');
    expect(canonical($)).toBe(`http://viewer.test${LOBBY}/thread/${THREAD_ROOT.replace('$', '%24')}`);
  });

  it('serves the room’s Atom feed', async () => {
    const response = await app.get(`${LOBBY}/feed.atom`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    expect(await response.text()).toContain('Hello, lobby!');
  });

  it('answers 400 for malformed event IDs on every page of the family', async () => {
    for (const path of [`${LOBBY}?after=not-an-event-id`, `${LOBBY}/thread/not-an-event`, `${LOBBY}?after=${encodeURIComponent('$a')}&before=${encodeURIComponent('$b')}`]) {
      const response = await app.get(path);
      expect(response.status, path).toBe(400);
      expect((await errorPage(response)).heading).toBe('That address is not valid');
    }
  });

  it('answers 404 for events and threads the room does not have', async () => {
    for (const path of [at('thread', '$nosuch'), `${LOBBY}?before=${encodeURIComponent('$nosuch')}`, `${LOBBY}?after=${encodeURIComponent('$nosuch')}`]) {
      const response = await app.get(path);
      expect(response.status, path).toBe(404);
      expect((await errorPage(response)).heading).toBe('Not found');
    }
  });

  it('answers 304 to a revalidation of a permalink, a thread and the feed', async () => {
    for (const path of [at('event', HELLO), at('thread', THREAD_ROOT), `${LOBBY}/feed.atom`, `${LOBBY}?before=${encodeURIComponent(HELLO)}`]) {
      const etag = (await app.get(path)).headers.get('etag');
      expect(etag, path).toBeTruthy();
      expect((await app.get(path, { 'If-None-Match': etag! })).status, path).toBe(304);
    }
  });
});

describe('the timeline pages when the homeserver fails', () => {
  it('answers a failure while loading a timeline page with its status: 503 and 429 with Retry-After, 500 for a throw', async () => {
    const homeserver = new MemoryHomeserver();
    const app = await startTestApp(homeserver);
    try {
      // The room's snapshot is cached and fresh; what fails is the page's own read (its context, its thread).
      expect((await app.get(LOBBY)).status).toBe(200);
      const cases: Array<[Error, string, number, string | null]> = [
        [new HomeserverUnavailable('down', 7), at('event', HELLO), 503, '7'],
        [new RateLimited(2500), at('thread', THREAD_ROOT), 429, '3'],
        [new HomeserverUnavailable('down', 7), `${LOBBY}?before=${encodeURIComponent('$notinthewindow')}`, 503, '7'],
        [new TypeError('a bug'), at('event', THREAD_REPLY), 500, null],
      ];
      for (const [failure, path, status, retryAfter] of cases) {
        homeserver.failure = failure;
        const response = await app.get(path);
        expect(response.status, path).toBe(status);
        expect(response.headers.get('retry-after'), path).toBe(retryAfter);
        expect((await errorPage(response)).text, path).not.toContain('a bug');
      }
      // Nothing failed is kept: the same pages are served once the homeserver answers again.
      homeserver.failure = undefined;
      expect((await app.get(at('event', HELLO))).status).toBe(200);
      expect((await app.get(at('thread', THREAD_ROOT))).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
