import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const { pagination } = seed.rooms;
const dayOf = (ts: number): string => new Date(ts).toISOString().slice(0, 10);
const dayUrl = (day: string, page = 1): string => `/room/pagination:localhost/date/${day.replace(/-/g, '/')}${page > 1 ? `?page=${page}` : ''}`;

describe('the archive by day, against #pagination', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer();
  });
  afterAll(async () => viewer.close());

  it('shows each day’s messages across its pages, in order, and nothing else', async () => {
    for (const day of pagination.days) {
      const expected = pagination.messages.filter((m) => dayOf(m.ts) === day).map((m) => m.body);
      const shown: string[] = [];
      let path: string | undefined = dayUrl(day);
      let pages = 0;
      while (path && pages < 10) {
        const { status, $ } = await viewer.html(path);
        expect(status, path).toBe(200);
        shown.push(...$('li.ev-message .ev-body').toArray().map((el) => $(el).text().trim()).filter((b) => b.startsWith('Message ')));
        path = $('nav.pager a[rel=next]').attr('href');
        pages++;
      }
      expect(shown, day).toEqual(expected);
    }
  });

  it('links each day to the previous and next day with messages, skipping empty days', async () => {
    const days = pagination.days;
    for (let i = 0; i < days.length; i++) {
      const { $ } = await viewer.html(dayUrl(days[i]!));
      const prev = $('nav.day-nav a[rel=prev]').attr('href');
      const next = $('nav.day-nav a[rel=next]').attr('href');
      expect(prev, `prev of ${days[i]}`).toBe(i > 0 ? dayUrl(days[i - 1]!) : undefined);
      if (i < days.length - 1) expect(next, `next of ${days[i]}`).toBe(dayUrl(days[i + 1]!));
    }
  });

  it('answers an empty day with 404 and links to its neighbours', async () => {
    const empty = pagination.emptyDays[0]!;
    const { status, $ } = await viewer.html(dayUrl(empty));
    expect(status).toBe(404);
    expect($('meta[name=robots]').attr('content')).toContain('noindex');
    const links = $('main a').toArray().map((a) => $(a).attr('href'));
    expect(links).toContain(dayUrl(pagination.days.filter((d) => d < empty).at(-1)!));
  });

  it('answers dates outside the room’s life with 404 and malformed dates with 400', async () => {
    expect((await viewer.get('/room/pagination:localhost/date/2001/01/01')).status).toBe(404);
    expect((await viewer.get('/room/pagination:localhost/date/2999/01/01')).status).toBe(404);
    expect((await viewer.get('/room/pagination:localhost/date/2026/13/01')).status).toBe(400);
    expect((await viewer.get(`${dayUrl(pagination.days[0]!)}?page=99`)).status).toBe(404);
    expect((await viewer.get(`${dayUrl(pagination.days[0]!)}?page=zero`)).status).toBe(400);
  });

  it('gives past days a longer cache lifetime, bounded by CDN_MAX_AGE_SECONDS, and stable page URLs', async () => {
    const day = pagination.days[1]!;
    const first = await viewer.get(dayUrl(day));
    // A redaction may still take a message of a past day back: an hour in all, by default.
    expect(first.headers.get('cache-control')).toBe('public, max-age=1800, stale-while-revalidate=1800');
    const again = await viewer.html(dayUrl(day));
    const fresh = await startViewer();
    try {
      const other = await fresh.html(dayUrl(day));
      expect(other.$('li.event').toArray().map((e) => other.$(e).attr('id'))).toEqual(again.$('li.event').toArray().map((e) => again.$(e).attr('id')));
    } finally {
      await fresh.close();
    }
  });

  it('locates days with timestamp_to_event when the session may use it (a bot), with the same pages', async () => {
    const bot = await startViewer({ MATRIX_ACCESS_TOKEN: seed.users.viewerbot.accessToken });
    const endpoints: string[] = [];
    bot.services.upstreamListeners.push((endpoint) => endpoints.push(endpoint));
    try {
      for (const day of pagination.days) {
        const guestPage = await viewer.html(dayUrl(day));
        const botPage = await bot.html(dayUrl(day));
        expect(botPage.status).toBe(200);
        const ids = (page: typeof botPage): Array<string | undefined> => page.$('li.ev-message').toArray().map((e) => page.$(e).attr('id'));
        expect(ids(botPage), day).toEqual(ids(guestPage));
        expect(botPage.$('nav.day-nav a[rel=prev]').attr('href')).toBe(guestPage.$('nav.day-nav a[rel=prev]').attr('href'));
        expect(botPage.$('nav.day-nav a[rel=next]').attr('href')).toBe(guestPage.$('nav.day-nav a[rel=next]').attr('href'));
      }
      expect(endpoints).toContain('timestampToEvent');
      expect((await bot.get(dayUrl(pagination.emptyDays[0]!))).status).toBe(404);
      expect((await bot.get('/room/pagination:localhost/date/2001/01/01')).status).toBe(404);
    } finally {
      await bot.close();
    }
  });

  it('links every message of the latest page to its day page', async () => {
    const { $ } = await viewer.html('/room/pagination:localhost');
    const messages = $('li.ev-message');
    expect(messages.length).toBeGreaterThan(10);
    messages.each((_, li) => {
      const ts = Date.parse($(li).find('time').attr('datetime') ?? '');
      expect($(li).find('a.day-link').attr('href')).toBe(dayUrl(dayOf(ts)));
    });
  });
});
