/**
 * What crawlers see, against the seeded Synapse: robots.txt, the sitemaps (every listed,
 * world-readable room, denylist applied, day pages with lastmod), the head of every page type
 * (unique titles, descriptions, canonical, OpenGraph, prev/next, noindex, microdata), and the
 * indexing switch.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed, type SeedRoom } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const lobby = seed.rooms.lobby;
const listed = (Object.values(seed.rooms) as SeedRoom[]).filter((r) => r.inDirectory && r.worldReadable);
const seg = (alias: string): string => alias.slice(1);
const PUBLIC = 'http://viewer.test';

async function xml(viewer: RunningViewer, path: string): Promise<{ status: number; text: string; doc: Record<string, unknown>; type: string | null }> {
  const res = await viewer.get(path);
  const text = await res.text();
  if (res.status === 200) expect(XMLValidator.validate(text), path).toBe(true);
  const doc = res.status === 200 ? (new XMLParser({ ignoreAttributes: false, isArray: (name) => ['url', 'sitemap'].includes(name) }).parse(text) as Record<string, unknown>) : {};
  return { status: res.status, text, doc, type: res.headers.get('content-type') };
}

const locs = (doc: Record<string, unknown>, root: string, tag: string): string[] =>
  (((doc[root] as Record<string, unknown> | undefined)?.[tag] as Array<{ loc: string }> | undefined) ?? []).map((e) => e.loc);

describe('crawler files, against the seeded Synapse', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer();
  });
  afterAll(async () => viewer.close());

  it('robots.txt allows rooms, disallows downloads and members, and names the absolute sitemap', async () => {
    const res = await viewer.get('/robots.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^Allow: \/room\/$/m);
    expect(text).toMatch(/^Disallow: \/media\/download\/$/m);
    expect(text).toMatch(/^Disallow: \/room\/\*\/members$/m);
    expect(text).toMatch(/^Sitemap: http:\/\/viewer\.test\/sitemap\.xml$/m);
    expect(text).not.toMatch(/^Disallow: \/$/m);
  });

  it('the sitemap index points at the rooms sitemap and one sitemap per listed room', async () => {
    const { status, doc, text, type } = await xml(viewer, '/sitemap.xml');
    expect(status).toBe(200);
    expect(type).toMatch(/xml/);
    expect(text).toContain('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"');
    const entries = locs(doc, 'sitemapindex', 'sitemap');
    expect(entries).toContain(`${PUBLIC}/sitemaps/rooms-1.xml`);
    for (const room of listed) expect(entries).toContain(`${PUBLIC}/sitemaps/room/${seg(room.alias)}.xml`);
    expect(entries).not.toContain(`${PUBLIC}/sitemaps/room/${seg(seed.rooms.unlisted.alias)}.xml`);
    expect(entries).not.toContain(`${PUBLIC}/sitemaps/room/${seg(seed.rooms.membersOnly.alias)}.xml`);
  });

  it('the rooms sitemap lists exactly the world-readable rooms of the directory', async () => {
    const { status, doc } = await xml(viewer, '/sitemaps/rooms-1.xml');
    expect(status).toBe(200);
    expect(locs(doc, 'urlset', 'url').sort()).toEqual(listed.map((r) => `${PUBLIC}/room/${seg(r.alias)}`).sort());
    expect((await viewer.get('/sitemaps/rooms-2.xml')).status).toBe(404);
  });

  it("a room's sitemap lists its day pages with lastmod", async () => {
    const room = seed.rooms.pagination;
    const { status, doc } = await xml(viewer, `/sitemaps/room/${seg(room.alias)}.xml`);
    expect(status).toBe(200);
    const urls = (doc['urlset'] as { url: Array<{ loc: string; lastmod: string }> }).url;
    for (const day of room.days) {
      const entry = urls.find((u) => u.loc === `${PUBLIC}/room/${seg(room.alias)}/date/${day.replace(/-/g, '/')}`);
      expect(entry, day).toBeDefined();
      expect(entry!.lastmod.startsWith(day)).toBe(true);
    }
    for (const day of room.emptyDays) expect(urls.map((u) => u.loc)).not.toContain(`${PUBLIC}/room/${seg(room.alias)}/date/${day.replace(/-/g, '/')}`);
  });

  it('rooms outside the directory have no sitemap', async () => {
    expect((await viewer.get(`/sitemaps/room/${seg(seed.rooms.unlisted.alias)}.xml`)).status).toBe(404);
    expect((await viewer.get(`/sitemaps/room/${seg(seed.rooms.membersOnly.alias)}.xml`)).status).toBe(404);
    expect((await viewer.get('/sitemaps/room/nonsense')).status).toBe(404);
  });
});

describe('the head of every page type', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer();
  });
  afterAll(async () => viewer.close());

  const pages = (): string[] => [
    '/',
    `/room/${seg(lobby.alias)}`,
    `/room/${seg(lobby.alias)}/info`,
    `/room/${seg(lobby.alias)}/members`,
    `/room/${seg(seed.rooms.widgets.alias)}/widgets`,
    `/room/${seg(lobby.alias)}/event/${encodeURIComponent(lobby.events['text']!)}`,
    `/room/${seg(lobby.alias)}/event/${encodeURIComponent(lobby.events['notice']!)}`,
    `/room/${seg(lobby.alias)}/thread/${encodeURIComponent(lobby.events['threadRoot']!)}`,
    `/room/${seg(seed.rooms.pagination.alias)}`,
    `/room/${seg(seed.rooms.pagination.alias)}/date/${seed.rooms.pagination.days[0]!.replace(/-/g, '/')}`,
  ];

  it('has a unique title and a description, lang, viewport, canonical and OpenGraph', async () => {
    const titles = new Map<string, string>();
    for (const path of pages()) {
      const { status, $ } = await viewer.html(path);
      expect(status, path).toBe(200);
      const title = $('title').text();
      expect(title, path).not.toBe('');
      expect(titles.get(title), `${path} and ${titles.get(title)} share a title`).toBeUndefined();
      titles.set(title, path);
      expect($('html').attr('lang')).toBe('en');
      expect($('meta[name=viewport]').attr('content')).toContain('width=device-width');
      expect($('meta[name=description]').attr('content')?.length, path).toBeGreaterThan(10);
      const canonical = $('link[rel=canonical]').attr('href');
      expect(canonical, path).toMatch(/^http:\/\/viewer\.test\//);
      expect($('meta[property="og:url"]').attr('content')).toBe(canonical);
      expect($('meta[property="og:title"]').attr('content')).toBe(title);
      expect($('meta[property="og:description"]').attr('content')).toBe($('meta[name=description]').attr('content'));
    }
  });

  it('describes the main page by its topic and the other pages of a room by what they show', async () => {
    const descriptions = new Map<string, string>();
    for (const path of pages().slice(1, 5)) {
      const description = (await viewer.html(path)).$('meta[name=description]').attr('content')!;
      expect(descriptions.get(description), `${path} and ${descriptions.get(description)} share a description`).toBeUndefined();
      descriptions.set(description, path);
    }
    expect((await viewer.html(`/room/${seg(lobby.alias)}`)).$('meta[name=description]').attr('content')).toBe(lobby.topic);
  });

  it('has the room avatar, absolute and through the media proxy, as og:image', async () => {
    const { $ } = await viewer.html(`/room/${seg(lobby.alias)}`);
    expect($('meta[property="og:image"]').attr('content')).toMatch(/^http:\/\/viewer\.test\/media\/thumbnail\//);
  });

  it('links paginated pages with rel=prev and rel=next', async () => {
    const { $ } = await viewer.html(`/room/${seg(seed.rooms.pagination.alias)}`);
    const prev = $('link[rel=prev]').attr('href');
    expect(prev).toMatch(/\?before=/);
    const earlier = await viewer.html(prev!);
    expect(earlier.$('link[rel=next]').attr('href')).toMatch(/\?after=/);
  });

  it('offers the Atom feed from the room page', async () => {
    const { $ } = await viewer.html(`/room/${seg(lobby.alias)}`);
    const alt = $('link[rel=alternate][type="application/atom+xml"]');
    expect(alt.attr('href')).toBe(`/room/${seg(lobby.alias)}/feed.atom`);
    expect(alt.attr('title')).toContain('Lobby');
  });

  it('marks noindex where it applies, in the page and in X-Robots-Tag', async () => {
    const cases: Array<[string, boolean]> = [
      [`/room/${seg(lobby.alias)}`, false],
      [`/room/${seg(lobby.alias)}/members`, true],
      [`/room/${seg(seed.rooms.unlisted.alias)}`, true],
      [`/room/${seg(lobby.alias)}/event/${encodeURIComponent(lobby.events['text']!)}`, true],
      [`/room/${seg(seed.rooms.pagination.alias)}?before=${encodeURIComponent(seed.rooms.pagination.messages[100]!.eventId)}`, true],
      ['/?q=lobby', true],
      ['/', false],
    ];
    for (const [path, noindex] of cases) {
      const { $, response } = await viewer.html(path);
      expect(($('meta[name=robots]').attr('content') ?? '').includes('noindex'), path).toBe(noindex);
      expect(response.headers.get('x-robots-tag') === 'noindex', path).toBe(noindex);
    }
    const missing = await viewer.html('/room/nothing-here:localhost');
    expect(missing.status).toBe(404);
    expect(missing.$('meta[name=robots]').attr('content')).toContain('noindex');
  });

  it('describes a thread as a schema.org DiscussionForumPosting in microdata, without any script', async () => {
    const { $, body } = await viewer.html(`/room/${seg(lobby.alias)}/thread/${encodeURIComponent(lobby.events['threadRoot']!)}`);
    expect(body).not.toMatch(/<script/i);
    const posting = $('[itemscope][itemtype="https://schema.org/DiscussionForumPosting"]');
    expect(posting.length).toBe(1);
    const own = (name: string) => posting.find(`[itemprop=${name}]`).filter((_, el) => $(el).parents('[itemscope]').first().is(posting));
    expect(own('headline').attr('content')?.length).toBeGreaterThan(0);
    expect(own('text').attr('content')?.length).toBeGreaterThan(0);
    expect(own('datePublished').attr('content')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(own('url').attr('href')).toContain(encodeURIComponent(lobby.events['threadRoot']!).replace(/%3A/g, ':').replace(/%24/g, '%24'));
    expect(own('author').find('[itemprop=name]').attr('content')?.length).toBeGreaterThan(0);
    const comments = posting.find('[itemprop=comment][itemtype="https://schema.org/Comment"]');
    expect(comments.length).toBe(3);
    comments.each((_, c) => {
      expect($(c).find('[itemprop=text]').attr('content')?.length).toBeGreaterThan(0);
      expect($(c).find('[itemprop=author] [itemprop=name]').attr('content')?.length).toBeGreaterThan(0);
    });
  });
});

describe('with SEARCH_ENGINE_INDEXING=false and a denylist', () => {
  let off: RunningViewer;
  let denied: RunningViewer;
  beforeAll(async () => {
    off = await startViewer({ SEARCH_ENGINE_INDEXING: 'false' });
    denied = await startViewer({ ROOM_DENYLIST: seed.rooms.garden.alias });
  });
  afterAll(async () => {
    await off.close();
    await denied.close();
  });

  it('robots.txt disallows everything and there are no sitemaps', async () => {
    expect(await (await off.get('/robots.txt')).text()).toBe('User-agent: *\nDisallow: /\n');
    expect((await off.get('/sitemap.xml')).status).toBe(404);
    expect((await off.get('/sitemaps/rooms-1.xml')).status).toBe(404);
  });

  it('every page says noindex', async () => {
    for (const path of ['/', `/room/${seg(lobby.alias)}`, `/room/${seg(lobby.alias)}/info`, `/room/${seg(seed.rooms.widgets.alias)}/widgets`]) {
      const { $, response } = await off.html(path);
      expect($('meta[name=robots]').attr('content'), path).toContain('noindex');
      expect(response.headers.get('x-robots-tag'), path).toBe('noindex');
    }
  });

  it('denied rooms are left out of the sitemaps', async () => {
    const index = await xml(denied, '/sitemap.xml');
    expect(index.text).not.toContain(seg(seed.rooms.garden.alias));
    const rooms = await xml(denied, '/sitemaps/rooms-1.xml');
    expect(rooms.text).not.toContain(seg(seed.rooms.garden.alias));
    expect(rooms.text).toContain(seg(lobby.alias));
    expect((await denied.get(`/sitemaps/room/${seg(seed.rooms.garden.alias)}.xml`)).status).toBe(404);
  });
});
