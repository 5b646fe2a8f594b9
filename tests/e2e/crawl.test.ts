import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from 'cheerio';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const MAX_PAGES = 1500;

interface Crawled {
  status: number;
  canonical: string | undefined;
  contentHash: string | undefined;
  messages: string[];
  /** Served 200 without noindex: a page a search engine may list. */
  indexable: boolean;
}

/** Paths robots.txt tells crawlers to leave alone, as simple prefixes and `*` patterns. */
function disallowRules(robots: string): RegExp[] {
  return robots
    .split('\n')
    .filter((line) => line.startsWith('Disallow:'))
    .map((line) => line.slice('Disallow:'.length).trim())
    .filter(Boolean)
    .map((rule) => new RegExp(`^${rule.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}`));
}

/** As a polite crawler does: a 503 with Retry-After is asked again after the wait, a few
 * times. A day of thousands of events (the #crowd room's joins) is still being read when it is
 * first asked for, and says so. */
async function politeGet(viewer: RunningViewer, path: string): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const response = await viewer.get(path);
    const wait = Number(response.headers.get('retry-after'));
    if (response.status !== 503 || !(wait > 0) || attempt >= 4) return response;
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 10) * 1000));
  }
}

describe('a crawler that follows only links, from /', () => {
  let viewer: RunningViewer;
  const pages = new Map<string, Crawled>();
  const linkedFrom = new Map<string, string>();

  beforeAll(async () => {
    viewer = await startViewer();
    const robots = await (await viewer.get('/robots.txt')).text();
    const disallowed = disallowRules(robots);
    const queue = ['/'];
    const seen = new Set(queue);
    while (queue.length > 0 && pages.size < MAX_PAGES) {
      const path = queue.shift()!;
      const response = await politeGet(viewer, path);
      const type = response.headers.get('content-type') ?? '';
      if (!type.startsWith('text/html')) {
        await response.body?.cancel();
        pages.set(path, { status: response.status, canonical: undefined, contentHash: undefined, messages: [], indexable: false });
        continue;
      }
      const $ = load(await response.text());
      // A permalink page's content is its window of messages and which one it is about.
      const main = `${$('main').text().replace(/\s+/g, ' ').trim()}|${$('.highlighted').attr('id') ?? ''}`;
      pages.set(path, {
        status: response.status,
        canonical: $('link[rel=canonical]').attr('href'),
        contentHash: createHash('sha256').update(main).digest('hex'),
        messages: path.includes('/date/') ? $('li.ev-message .ev-body').toArray().map((el) => $(el).text().trim()) : [],
        indexable: response.status === 200 && !($('meta[name=robots]').attr('content') ?? '').includes('noindex') && !response.headers.get('x-robots-tag'),
      });
      // Permalinks and pages before/after an event are checked, not walked: there is one per
      // message, and the day pages are the crawl's way through history.
      if (path.includes('/event/') || /[?&](before|after)=/.test(path)) continue;
      for (const a of $('a[href]').toArray()) {
        const href = $(a).attr('href')!;
        if (!href.startsWith('/') || href.startsWith('//')) continue;
        const target = href.split('#')[0]!;
        if (seen.has(target) || disallowed.some((rule) => rule.test(target))) continue;
        seen.add(target);
        linkedFrom.set(target, path);
        queue.push(target);
      }
    }
  }, 300_000);
  afterAll(async () => viewer.close());

  it('stays within its budget', () => {
    // Every room, its days and its about pages; not one URL per message (robots.txt).
    expect(pages.size).toBeGreaterThan(20);
    expect(pages.size).toBeLessThan(MAX_PAGES);
  });

  it('finds no broken link', () => {
    const broken = [...pages.entries()].filter(([, page]) => page.status >= 400).map(([path, page]) => `${page.status} ${path} (linked from ${linkedFrom.get(path)})`);
    expect(broken).toEqual([]);
  });

  it('reaches every message of #pagination through day pages', () => {
    const reached = new Set([...pages.entries()].filter(([path]) => path.startsWith('/room/pagination:localhost/date/')).flatMap(([, page]) => page.messages));
    const missing = seed.rooms.pagination.messages.filter((m) => !reached.has(m.body)).map((m) => m.body);
    expect(missing).toEqual([]);
  });

  it('finds a bounded site: the indexable pages of #pagination are bounded by its days, not its messages', () => {
    const room = seed.rooms.pagination;
    const indexable = [...pages.entries()].filter(([path, page]) => path.startsWith('/room/pagination:localhost') && page.indexable).map(([path]) => path);
    // The latest page, info and widgets, and the day pages with their ?page=: about 0.1 per message or less.
    console.info(`crawl: ${pages.size} URLs; #pagination: ${indexable.length} indexable for ${room.messages.length} messages (${(indexable.length / room.messages.length).toFixed(3)} per message)`);
    expect(indexable.length / room.messages.length).toBeLessThanOrEqual(0.1);
    expect(indexable.filter((path) => /\/event\/|[?&](before|after)=/.test(path))).toEqual([]);
    expect(indexable.filter((path) => path.includes('/date/')).length).toBeGreaterThanOrEqual(room.days.length);
  });

  it('finds no two URLs with the same content that lack a canonical link', () => {
    const byContent = new Map<string, string[]>();
    for (const [path, page] of pages) {
      if (!page.contentHash || page.status !== 200) continue;
      byContent.set(page.contentHash, [...(byContent.get(page.contentHash) ?? []), path]);
    }
    const offenders = [...byContent.values()].filter((paths) => paths.length > 1).flat().filter((path) => !pages.get(path)!.canonical);
    expect(offenders).toEqual([]);
    // And duplicates agree on their canonical URL.
    for (const paths of byContent.values()) {
      if (paths.length < 2) continue;
      expect(new Set(paths.map((p) => pages.get(p)!.canonical)).size, paths.join(', ')).toBe(1);
    }
  });
});
