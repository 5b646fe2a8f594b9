/**
 * robots.txt, sitemaps and the schema.org discussion data: pure builders, checked with a
 * strict XML parser and against the sitemap protocol's limits.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildDiscussion } from '../../src/view/discussion.js';
import { robotsTxt, sitemapIndexXml, splitForSitemaps, urlsetXml, xmlEscape, SITEMAP_NS } from '../../src/view/sitemap.js';
import { trustHtml } from '../../src/view/safe-html.js';
import type { EventView, TimelineView } from '../../src/view/timeline.js';

function wellFormed(xml: string): void {
  expect(XMLValidator.validate(xml)).toBe(true);
}

describe('robots.txt', () => {
  it('allows rooms, keeps crawlers out of downloads and member lists, and names the sitemap', () => {
    const text = robotsTxt({ indexing: true, sitemap: 'https://viewer.example/sitemap.xml' });
    expect(text).toContain('User-agent: *');
    expect(text).toContain('Allow: /room/');
    expect(text).toContain('Disallow: /media/download/');
    expect(text).toContain('Disallow: /room/*/members');
    expect(text).toContain('Disallow: /search');
    expect(text).toContain('Sitemap: https://viewer.example/sitemap.xml');
    expect(text).not.toMatch(/^Disallow: \/$/m);
  });

  it('disallows everything when indexing is switched off', () => {
    expect(robotsTxt({ indexing: false, sitemap: 'https://viewer.example/sitemap.xml' })).toBe('User-agent: *\nDisallow: /\n');
  });
});

describe('sitemaps', () => {
  it('escapes URLs and writes W3C dates in the sitemaps.org namespace', () => {
    const xml = urlsetXml([{ loc: 'https://v.example/room/a?x=1&y=<2>', lastmod: Date.UTC(2026, 0, 2, 3, 4, 5, 678) }]);
    wellFormed(xml);
    expect(xml).toContain(`xmlns="${SITEMAP_NS}"`);
    expect(xml).toContain('<loc>https://v.example/room/a?x=1&amp;y=&lt;2&gt;</loc>');
    expect(xml).toContain('<lastmod>2026-01-02T03:04:05Z</lastmod>');
    const parsed = new XMLParser().parse(xml) as { urlset: { url: { loc: string } } };
    expect(parsed.urlset.url.loc).toBe('https://v.example/room/a?x=1&y=<2>');
  });

  it('drops characters XML cannot carry', () => {
    expect(xmlEscape('a\u0000b\u0008c\uFFFEd')).toBe('abcd');
    wellFormed(urlsetXml([{ loc: 'https://v.example/\u0001' }]));
  });

  it('writes a sitemap index', () => {
    const xml = sitemapIndexXml([{ loc: 'https://v.example/sitemaps/rooms-1.xml' }]);
    wellFormed(xml);
    expect(xml).toMatch(/<sitemapindex xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9">/);
    expect(xml).toContain('<sitemap><loc>https://v.example/sitemaps/rooms-1.xml</loc></sitemap>');
  });

  it('splits at 50,000 URLs', () => {
    const urls = Array.from({ length: 120_001 }, (_, i) => ({ loc: `https://v.example/room/r${i}` }));
    const parts = splitForSitemaps(urls);
    expect(parts.map((p) => p.length)).toEqual([50_000, 50_000, 20_001]);
    // The same objects in the same order; a deep comparison of 120,001 of them took seconds.
    const flat = parts.flat();
    expect(flat.length === urls.length && flat.every((url, i) => url === urls[i])).toBe(true);
  });

  it('splits before a part passes the byte limit', () => {
    const long = 'x'.repeat(1000);
    const urls = Array.from({ length: 30 }, (_, i) => ({ loc: `https://v.example/${long}/${i}` }));
    const parts = splitForSitemaps(urls, 50_000, 10_000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Buffer.byteLength(urlsetXml(part))).toBeLessThanOrEqual(10_000);
    expect(parts.flat()).toEqual(urls);
  });

  it('gives one empty part for no URLs, which is still a valid sitemap', () => {
    const parts = splitForSitemaps([]);
    expect(parts).toEqual([[]]);
    wellFormed(urlsetXml(parts[0]!));
  });
});

function message(id: string, name: string, ts: number, html: string): EventView {
  return {
    id,
    anchor: `e-${id}`,
    permalink: `/room/r:x/event/${id}#e-${id}`,
    dayHref: null,
    type: 'm.room.message',
    sender: { userId: `@${name.toLowerCase()}:x`, name, avatar: null, letter: name[0]! },
    ts,
    isoTime: new Date(ts).toISOString(),
    time: '',
    highlighted: false,
    reactions: [],
    thread: null,
    classes: 'event ev-message msg-text',
    footer: null,
    kind: 'message',
    body: { type: 'text', html: trustHtml(html) },
    edited: false,
    reply: null,
  };
}

describe('the schema.org discussion', () => {
  const timeline: TimelineView = {
    items: [
      { kind: 'day', day: '2026-01-02', label: '', href: '' },
      { kind: 'event', event: message('$root', 'Alice', Date.UTC(2026, 0, 2), 'Shall we meet <b>at noon</b>? &lt;3') },
      { kind: 'event', event: message('$r1', 'Bob', Date.UTC(2026, 0, 2, 1), 'Yes &lt;/script&gt;&lt;script&gt;alert(1) &amp; \u2028') },
    ],
    count: 2,
  };

  it('makes the first message the posting and the rest its comments', () => {
    const data = buildDiscussion({ timeline, publicUrl: 'https://v.example', pagePath: '/room/r:x/thread/$root' })!;
    expect(data.headline).toBe('Shall we meet at noon? <3');
    expect(data.text).toBe('Shall we meet at noon? <3');
    expect(data.author.name).toBe('Alice');
    expect(data.author.url).toBe('https://matrix.to/#/%40alice%3Ax');
    expect(data.url).toBe('https://v.example/room/r:x/event/$root#e-$root');
    expect(data.datePublished).toBe('2026-01-02T00:00:00.000Z');
    expect(data.pageUrl).toBe('https://v.example/room/r:x/thread/$root');
    expect(data.commentCount).toBe(1);
    expect(data.comments[0]!.author.name).toBe('Bob');
  });

  it('has nothing to say about a page without messages', () => {
    expect(buildDiscussion({ timeline: { items: [], count: 0 }, publicUrl: 'https://v.example', pagePath: '/' })).toBeUndefined();
  });
});
