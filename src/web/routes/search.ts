import { Router, type Request } from 'express';
import { BadRequest, NotFound } from '../../errors.js';
import type { ArchivePages } from '../../rooms/archive-pages.js';
import { buildSearchPage, type SearchForm } from '../../view/search.js';
import { buildSearchFeed } from '../../view/search-feed.js';
import { roomSubPath, searchFeedPath } from '../../view/urls.js';
import { sendPage } from '../http-cache.js';
import { pageParam, queryString } from '../query.js';
import { loadRoom } from '../room-loader.js';
import type { RoomRouteDeps } from './room.js';

export interface SearchRouteDeps extends RoomRouteDeps {
  /** Absent with ARCHIVE=off. */
  archivePages: ArchivePages | undefined;
}

function formOf(req: Request): { form: SearchForm; page: number } {
  const q = queryString(req, 'q', 20_000) ?? '';
  const from = queryString(req, 'from', 10) ?? '';
  const to = queryString(req, 'to', 10) ?? '';
  const sort = queryString(req, 'sort', 20) ?? 'relevance';
  if (sort !== 'relevance' && sort !== 'new') throw new BadRequest('The order (“sort”) is either relevance or new.');
  return { form: { q, from, to, sort }, page: pageParam(req.query['page']) };
}

/**
 * `/search`, `/search.atom` and `/room/{ref}/search`: full-text search over the archive, GET
 * forms only. The directory search covers the public directory's readable rooms; a room's
 * own search covers that room, unlisted or not, once its live check has passed.
 */
export function searchRoutes(deps: SearchRouteDeps): Router {
  const router = Router();
  const archived = (): ArchivePages => {
    if (!deps.archivePages) throw new NotFound('Search needs the archive, which this viewer runs without (ARCHIVE=off).');
    return deps.archivePages;
  };

  router.get('/search', async (req, res) => {
    const pages = archived();
    const { form, page } = formOf(req);
    const view = buildSearchPage({ site: deps.site, room: undefined, ...(await pages.search(form, page)) });
    sendPage(req, res, deps.renderer.render('search', view), { ...deps.cache.live, noindex: true });
  });

  router.get('/search.atom', async (req, res) => {
    const pages = archived();
    const { form, page } = formOf(req);
    const view = buildSearchPage({ site: deps.site, room: undefined, ...(await pages.search(form, page)) });
    if (!view.countText) throw new BadRequest('A search feed needs words to search for: /search.atom?q=…');
    const xml = buildSearchFeed(view, deps.site.publicUrl, searchFeedPath(view.form));
    sendPage(req, res, xml, { ...deps.cache.live, noindex: true, type: 'application/atom+xml; charset=utf-8' });
  });

  router.get('/room/:ref/search', async (req, res) => {
    const pages = archived();
    const { form, page } = formOf(req);
    const loaded = await loadRoom(req, res, deps, (ref) => roomSubPath(ref, 'search'));
    if (!loaded) return;
    const { room } = loaded;
    const view = buildSearchPage({ site: deps.site, room: { ref: room.ref, name: room.name }, ...(await pages.search(form, page, room)) });
    sendPage(req, res, deps.renderer.render('search', view), { ...deps.cache.live, noindex: true });
  });

  return router;
}
