import { roomSubPath } from '../../view/urls.js';
import { Router } from 'express';
import type { Archive } from '../../archive/archive.js';
import { NotFound } from '../../errors.js';
import { loadCoverage } from '../../rooms/search.js';
import { buildCalendarPage, buildThreadsPage } from '../../view/calendar.js';
import { sendPage } from '../http-cache.js';
import { pageParam } from '../query.js';
import { loadRoom } from '../room-loader.js';
import type { RoomRouteDeps } from './room.js';

export interface ArchivePageDeps extends RoomRouteDeps {
  archive: Archive | undefined;
  freshnessMs: number;
}

const THREADS_PER_PAGE = 50;

/** `/room/{ref}/calendar` and `/room/{ref}/threads`, from the archive; the room is checked live first. */
export function archivePageRoutes(deps: ArchivePageDeps): Router {
  const router = Router();
  const archiveOf = (): Archive => {
    if (!deps.archive) throw new NotFound('The calendar and the thread index need the archive, which this viewer runs without (ARCHIVE=off).');
    return deps.archive;
  };

  router.get('/room/:ref/calendar', async (req, res) => {
    const archive = archiveOf();
    const loaded = await loadRoom(req, res, deps, (ref) => roomSubPath(ref, 'calendar'));
    if (!loaded) return;
    const { room } = loaded;
    const rooms = new Map([[room.roomId, room.ref]]);
    const [counts, coverage] = await Promise.all([archive.store.calendar(room.roomId), loadCoverage(archive, rooms, { freshnessMs: deps.freshnessMs })]);
    const view = buildCalendarPage(room, deps.site, counts, coverage);
    sendPage(req, res, deps.renderer.render('calendar', view), { ...deps.cache.live, noindex: view.meta.noindex });
  });

  router.get('/room/:ref/threads', async (req, res) => {
    const archive = archiveOf();
    const page = pageParam(req.query['page']);
    const loaded = await loadRoom(req, res, deps, (ref) => roomSubPath(ref, 'threads'));
    if (!loaded) return;
    const { room } = loaded;
    const rooms = new Map([[room.roomId, room.ref]]);
    const [list, coverage] = await Promise.all([archive.store.threads(room.roomId, THREADS_PER_PAGE, (page - 1) * THREADS_PER_PAGE), loadCoverage(archive, rooms, { freshnessMs: deps.freshnessMs })]);
    if (page > 1 && list.threads.length === 0) throw new NotFound('There are not that many pages of threads.');
    const view = buildThreadsPage(room, deps.site, list, page, THREADS_PER_PAGE, coverage);
    sendPage(req, res, deps.renderer.render('threads', view), { ...deps.cache.live, noindex: view.meta.noindex });
  });

  return router;
}
