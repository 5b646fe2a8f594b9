/**
 * For crawlers: `/robots.txt`, the sitemap index `/sitemap.xml`, the room sitemaps
 * `/sitemaps/rooms-{n}.xml` (every world-readable room of the public directory, following
 * every `since` page, denylist applied) and one sitemap per room, `/sitemaps/room/{ref}.xml`,
 * listing its day pages.
 */
import { Router } from 'express';
import { NotFound } from '../../errors.js';
import { parseRoomRef } from '../../matrix/ids.js';
import type { ListedRoom, ListedRooms } from '../../rooms/directory.js';
import { MAX_URLS, robotsTxt, sitemapIndexXml, splitForSitemaps, urlsetXml, type SitemapUrl } from '../../view/sitemap.js';
import { absoluteUrl, dayPath, roomPath, roomSitemapPath, roomsSitemapPath, SITEMAP_INDEX_PATH } from '../../view/urls.js';
import { cacheControl, sendPage, type Freshness } from '../http-cache.js';

/** The day archive's answer to "which days of this room have messages". */
export interface DayLister {
  listDays(roomId: string): Promise<Array<{ day: string /* YYYY-MM-DD */; lastModified: number }>>;
}

export interface SeoRouteDeps {
  publicUrl: string;
  indexing: boolean;
  rooms: ListedRooms;
  days: DayLister;
  /** Cache-Control of the sitemaps and robots.txt. */
  freshness: Freshness;
}

export function seoRoutes(deps: SeoRouteDeps): Router {
  const router = Router();
  const abs = (path: string): string => absoluteUrl(deps.publicUrl, path);
  const xml = 'application/xml; charset=utf-8';

  router.get('/robots.txt', (_req, res) => {
    res.set('Cache-Control', cacheControl(deps.freshness)).type('text/plain; charset=utf-8');
    res.send(robotsTxt({ indexing: deps.indexing, sitemap: abs(SITEMAP_INDEX_PATH) }));
  });

  // With indexing switched off there are no sitemaps at all.
  router.use(['/sitemap.xml', '/sitemaps'], (_req, _res, next) => {
    next(deps.indexing ? undefined : new NotFound('Search engine indexing is switched off on this viewer.'));
  });

  const roomParts = async (): Promise<{ rooms: ListedRoom[]; parts: SitemapUrl[][] }> => {
    const rooms = await deps.rooms.get();
    return { rooms, parts: splitForSitemaps(rooms.map((room) => ({ loc: abs(roomPath(room.ref)) }))) };
  };

  router.get('/sitemap.xml', async (req, res) => {
    const { rooms, parts } = await roomParts();
    const entries = [
      ...parts.map((_, i) => ({ loc: abs(roomsSitemapPath(i + 1)) })),
      ...rooms.map((room) => ({ loc: abs(roomSitemapPath(room.ref)) })),
    ];
    // A sitemap index has the same 50,000-entry limit; past it, rooms' day sitemaps are left out.
    sendPage(req, res, sitemapIndexXml(entries.slice(0, MAX_URLS)), { type: xml, ...deps.freshness });
  });

  router.get('/sitemaps/:file', async (req, res, next) => {
    const match = /^rooms-([1-9]\d{0,5})\.xml$/.exec(req.params['file'] ?? '');
    if (!match) return next();
    const { parts } = await roomParts();
    const part = parts[Number(match[1]) - 1];
    if (!part) throw new NotFound('There is no such sitemap.');
    sendPage(req, res, urlsetXml(part), { type: xml, ...deps.freshness });
  });

  router.get('/sitemaps/room/:file', async (req, res) => {
    const file = req.params['file'] ?? '';
    const ref = file.endsWith('.xml') ? parseRoomRef(file.slice(0, -4)) : null;
    if (!ref) throw new NotFound('There is no such sitemap.');
    const given = ref.kind === 'id' ? ref.roomId : ref.alias;
    // Only rooms of the public directory have a sitemap: that also applies the denylist.
    const room = (await deps.rooms.get()).find((r) => r.ref === given || r.roomId === given);
    if (!room) throw new NotFound('This room is not in the public directory, so it has no sitemap.');
    const days = await deps.days.listDays(room.roomId);
    const urls = days.map((d) => ({ loc: abs(dayPath(room.ref, d.day)), lastmod: d.lastModified }));
    // One room has far fewer than 50,000 days (137 years); the first part is the whole list.
    const lastModified = days.reduce((max, d) => Math.max(max, d.lastModified), 0) || undefined;
    sendPage(req, res, urlsetXml(splitForSitemaps(urls)[0] ?? []), { type: xml, ...deps.freshness, lastModified });
  });

  return router;
}
