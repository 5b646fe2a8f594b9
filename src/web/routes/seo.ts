/**
 * For crawlers: `/robots.txt`, the sitemap index `/sitemap.xml`, the room sitemaps
 * `/sitemaps/rooms-{n}.xml` (every world-readable room of the public directory, following
 * every `since` page, denylist applied) and one sitemap per room, `/sitemaps/room/{ref}.xml`,
 * listing its day pages.
 */
import { Router } from 'express';
import { NotFound } from '../../errors.js';
import { parseRoomRef } from '../../matrix/ids.js';
import type { SitemapLoader } from '../../rooms/sitemaps.js';
import { buildRobots, buildRoomSitemap, buildRoomsSitemap, buildSitemapIndex } from '../../view/sitemap.js';
import { cacheControl, sendPage, type Freshness } from '../http-cache.js';

export interface SeoRouteDeps {
  publicUrl: string;
  indexing: boolean;
  sitemaps: SitemapLoader;
  /** Cache-Control of the sitemaps and robots.txt. */
  freshness: Freshness;
}

export function seoRoutes(deps: SeoRouteDeps): Router {
  const router = Router();
  const xml = 'application/xml; charset=utf-8';

  router.get('/robots.txt', (_req, res) => {
    res.set('Cache-Control', cacheControl(deps.freshness)).type('text/plain; charset=utf-8');
    res.send(buildRobots(deps.publicUrl, deps.indexing));
  });

  // With indexing switched off there are no sitemaps at all.
  router.use(['/sitemap.xml', '/sitemaps'], (_req, _res, next) => {
    next(deps.indexing ? undefined : new NotFound('Search engine indexing is switched off on this viewer.'));
  });

  router.get('/sitemap.xml', async (req, res) => {
    sendPage(req, res, buildSitemapIndex(deps.publicUrl, await deps.sitemaps.rooms()), { type: xml, ...deps.freshness });
  });

  router.get('/sitemaps/:file', async (req, res, next) => {
    const match = /^rooms-([1-9]\d{0,5})\.xml$/.exec(req.params['file'] ?? '');
    if (!match) return next();
    const part = buildRoomsSitemap(deps.publicUrl, await deps.sitemaps.rooms(), Number(match[1]));
    if (!part) throw new NotFound('There is no such sitemap.');
    sendPage(req, res, part, { type: xml, ...deps.freshness });
  });

  router.get('/sitemaps/room/:file', async (req, res) => {
    const file = req.params['file'] ?? '';
    const ref = file.endsWith('.xml') ? parseRoomRef(file.slice(0, -4)) : null;
    if (!ref) throw new NotFound('There is no such sitemap.');
    const sitemap = buildRoomSitemap(deps.publicUrl, await deps.sitemaps.roomDays(ref));
    sendPage(req, res, sitemap.xml, { type: xml, ...deps.freshness, lastModified: sitemap.lastModified });
  });

  return router;
}
