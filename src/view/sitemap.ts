/**
 * robots.txt and sitemaps (sitemaps.org protocol 0.9), as pure functions. Each sitemap stays
 * within the protocol's limits: 50,000 URLs and 50 MB (52,428,800 bytes) uncompressed; lists
 * that could grow past them are split into numbered parts.
 */
import type { RoomDays } from '../rooms/sitemaps.js';
import { absoluteUrl, dayPath, roomPath, roomSitemapPath, roomsSitemapPath, SITEMAP_INDEX_PATH } from './urls.js';

export const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
export const MAX_URLS = 50_000;
export const MAX_BYTES = 52_428_800;

export interface SitemapUrl {
  /** Absolute URL. */
  loc: string;
  /** ms since the epoch. */
  lastmod?: number | undefined;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML content and attributes, and drops characters XML 1.0 cannot carry. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/** W3C datetime, to the second, UTC. */
export function w3cDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';

function entry(tag: 'url' | 'sitemap', item: SitemapUrl): string {
  const lastmod = item.lastmod !== undefined && Number.isFinite(item.lastmod) ? `<lastmod>${w3cDate(item.lastmod)}</lastmod>` : '';
  return `<${tag}><loc>${xmlEscape(item.loc)}</loc>${lastmod}</${tag}>\n`;
}

function document(root: 'urlset' | 'sitemapindex', tag: 'url' | 'sitemap', items: readonly SitemapUrl[]): string {
  return `${HEAD}<${root} xmlns="${SITEMAP_NS}">\n${items.map((item) => entry(tag, item)).join('')}</${root}>\n`;
}

export function urlsetXml(urls: readonly SitemapUrl[]): string {
  return document('urlset', 'url', urls);
}

export function sitemapIndexXml(sitemaps: readonly SitemapUrl[]): string {
  return document('sitemapindex', 'sitemap', sitemaps);
}

/**
 * Splits a list into parts that each fit one sitemap: at most `maxUrls` entries and
 * `maxBytes` bytes once written. Always at least one part (an empty sitemap is valid).
 */
export function splitForSitemaps(urls: readonly SitemapUrl[], maxUrls = MAX_URLS, maxBytes = MAX_BYTES): SitemapUrl[][] {
  const overhead = Buffer.byteLength(urlsetXml([]));
  const parts: SitemapUrl[][] = [];
  let current: SitemapUrl[] = [];
  let bytes = overhead;
  for (const url of urls) {
    const size = Buffer.byteLength(entry('url', url));
    if (current.length > 0 && (current.length >= maxUrls || bytes + size > maxBytes)) {
      parts.push(current);
      current = [];
      bytes = overhead;
    }
    current.push(url);
    bytes += size;
  }
  parts.push(current);
  return parts;
}

export interface RobotsOptions {
  indexing: boolean;
  /** Absolute URL of the sitemap index. */
  sitemap: string;
}

/**
 * Rooms and their day pages may be crawled; downloads and member lists (people, not
 * content) may not, nor searches (endless pages of what the room pages already show; they
 * say `noindex` too). Nor may permalinks and pages before or after an event: there is one of
 * each per message, they are `noindex, follow` for whoever reaches them anyway, and the day
 * pages hold the same messages. So a room's crawlable, indexable pages are bounded by its
 * days, not by its messages. With indexing switched off, nothing may be crawled.
 */
export function robotsTxt(options: RobotsOptions): string {
  if (!options.indexing) return 'User-agent: *\nDisallow: /\n';
  return [
    'User-agent: *',
    'Allow: /room/',
    'Disallow: /media/download/',
    'Disallow: /room/*/members',
    'Disallow: /search',
    'Disallow: /room/*/search',
    'Disallow: /room/*/event/',
    'Disallow: /room/*?before=',
    'Disallow: /room/*?after=',
    '',
    `Sitemap: ${options.sitemap}`,
    '',
  ].join('\n');
}

/** robots.txt of this viewer: its sitemap index, absolute. */
export function buildRobots(publicUrl: string, indexing: boolean): string {
  return robotsTxt({ indexing, sitemap: absoluteUrl(publicUrl, SITEMAP_INDEX_PATH) });
}

/** The listed rooms' pages, in the parts of `/sitemaps/rooms-{n}.xml`. */
function roomParts(publicUrl: string, rooms: ReadonlyArray<{ ref: string }>): SitemapUrl[][] {
  return splitForSitemaps(rooms.map((room) => ({ loc: absoluteUrl(publicUrl, roomPath(room.ref)) })));
}

/** `/sitemap.xml`: every part of the rooms' list, then every room's day sitemap. */
export function buildSitemapIndex(publicUrl: string, rooms: ReadonlyArray<{ ref: string }>): string {
  const entries = [
    ...roomParts(publicUrl, rooms).map((_, i) => ({ loc: absoluteUrl(publicUrl, roomsSitemapPath(i + 1)) })),
    ...rooms.map((room) => ({ loc: absoluteUrl(publicUrl, roomSitemapPath(room.ref)) })),
  ];
  // A sitemap index has the same 50,000-entry limit; past it, rooms' day sitemaps are left out.
  return sitemapIndexXml(entries.slice(0, MAX_URLS));
}

/** Part `part` (from 1) of the rooms' list, or undefined past the last part. */
export function buildRoomsSitemap(publicUrl: string, rooms: ReadonlyArray<{ ref: string }>, part: number): string | undefined {
  const urls = roomParts(publicUrl, rooms)[part - 1];
  return urls ? urlsetXml(urls) : undefined;
}

/** A room's day pages, and when the newest of them last changed. */
export function buildRoomSitemap(publicUrl: string, data: RoomDays): { xml: string; lastModified: number | undefined } {
  const urls = data.days.map((d) => ({ loc: absoluteUrl(publicUrl, dayPath(data.room.ref, d.day)), lastmod: d.lastModified }));
  // One room has far fewer than 50,000 days (137 years); the first part is the whole list.
  const lastModified = data.days.reduce((max, d) => Math.max(max, d.lastModified), 0) || undefined;
  return { xml: urlsetXml(splitForSitemaps(urls)[0] ?? []), lastModified };
}
