import { roomSubPath, searchFeedPath } from '../../view/urls.js';
import { Router, type Request } from 'express';
import type { Archive } from '../../archive/archive.js';
import type { BackfillProgress } from '../../archive/backfill.js';
import { BadRequest, NotFound } from '../../errors.js';
import type { ListedRoom } from '../../rooms/directory.js';
import { loadCoverage, loadSearch, RESULTS_PER_PAGE, type SearchLoad } from '../../rooms/search.js';
import { buildSearchPage, type SearchForm, type SearchPageView } from '../../view/search.js';
import { buildSearchFeed } from '../../view/search-feed.js';
import { isVisible } from '../../view/timeline.js';
import { sendPage } from '../http-cache.js';
import { pageParam, queryString } from '../query.js';
import { loadRoom } from '../room-loader.js';
import type { RoomRouteDeps } from './room.js';

export interface SearchRouteDeps extends RoomRouteDeps {
  archive: Archive | undefined;
  listedRooms: { get(): Promise<ListedRoom[]> };
  backfill: { progress: BackfillProgress } | undefined;
  dayPageSize: number;
  freshnessMs: number;
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
  const archiveOf = (): Archive => {
    if (!deps.archive) throw new NotFound('Search needs the archive, which this viewer runs without (ARCHIVE=off).');
    return deps.archive;
  };
  const backfilled = (): { done: number; known: number } | undefined =>
    deps.backfill ? { done: deps.backfill.progress.roomsDone, known: deps.backfill.progress.roomsKnown } : undefined;

  async function run(archive: Archive, rooms: ReadonlyMap<string, string>, form: SearchForm, page: number): Promise<SearchLoad | undefined> {
    if (!form.q) return undefined;
    return loadSearch(archive, { ...form, page, rooms }, { dayPageSize: deps.dayPageSize, isVisible: (e) => isVisible(e, 'main'), freshnessMs: deps.freshnessMs, backfilled: backfilled() });
  }

  async function directoryView(req: Request): Promise<SearchPageView> {
    const archive = archiveOf();
    const { form, page } = formOf(req);
    const rooms = new Map((await deps.listedRooms.get()).map((r) => [r.roomId, r.ref]));
    const load = await run(archive, rooms, form, page);
    const coverage = load?.coverage ?? (await loadCoverage(archive, rooms, { freshnessMs: deps.freshnessMs, backfilled: backfilled() }));
    return buildSearchPage({ site: deps.site, room: undefined, form, hits: load?.hits ?? [], total: load?.total ?? 0, capped: load?.capped ?? false, page, pageSize: RESULTS_PER_PAGE, coverage, asked: load !== undefined });
  }

  router.get('/search', async (req, res) => {
    const view = await directoryView(req);
    sendPage(req, res, deps.renderer.render('search', view), { ...deps.cache.live, noindex: true });
  });

  router.get('/search.atom', async (req, res) => {
    const view = await directoryView(req);
    if (!view.countText) throw new BadRequest('A search feed needs words to search for: /search.atom?q=…');
    const xml = buildSearchFeed(view, deps.site.publicUrl, searchFeedPath(view.form));
    sendPage(req, res, xml, { ...deps.cache.live, noindex: true, type: 'application/atom+xml; charset=utf-8' });
  });

  router.get('/room/:ref/search', async (req, res) => {
    const archive = archiveOf();
    const { form, page } = formOf(req);
    const loaded = await loadRoom(req, res, deps, (ref) => roomSubPath(ref, 'search'));
    if (!loaded) return;
    const { room } = loaded;
    const rooms = new Map([[room.roomId, room.ref]]);
    const load = await run(archive, rooms, form, page);
    const coverage = load?.coverage ?? (await loadCoverage(archive, rooms, { freshnessMs: deps.freshnessMs }));
    const view = buildSearchPage({ site: deps.site, room: { ref: room.ref, name: room.name }, form, hits: load?.hits ?? [], total: load?.total ?? 0, capped: load?.capped ?? false, page, pageSize: RESULTS_PER_PAGE, coverage, asked: load !== undefined });
    sendPage(req, res, deps.renderer.render('search', view), { ...deps.cache.live, noindex: true });
  });

  return router;
}
