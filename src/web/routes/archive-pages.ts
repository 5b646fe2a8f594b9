import { Router } from 'express';
import { NotFound } from '../../errors.js';
import type { ArchivePages } from '../../rooms/archive-pages.js';
import { buildCalendarPage, buildThreadsPage } from '../../view/calendar.js';
import { roomSubPath } from '../../view/urls.js';
import { sendPage } from '../http-cache.js';
import { pageParam } from '../query.js';
import { loadRoom } from '../room-loader.js';
import type { RoomRouteDeps } from './room.js';

export interface ArchivePageDeps extends RoomRouteDeps {
  /** Absent with ARCHIVE=off. */
  archivePages: ArchivePages | undefined;
}

/** `/room/{ref}/calendar` and `/room/{ref}/threads`, from the archive; the room is checked live first. */
export function archivePageRoutes(deps: ArchivePageDeps): Router {
  const router = Router();
  const archived = (): ArchivePages => {
    if (!deps.archivePages) throw new NotFound('The calendar and the thread index need the archive, which this viewer runs without (ARCHIVE=off).');
    return deps.archivePages;
  };

  router.get('/room/:ref/calendar', async (req, res) => {
    const pages = archived();
    const loaded = await loadRoom(req, res, deps, (ref) => roomSubPath(ref, 'calendar'));
    if (!loaded) return;
    const { room } = loaded;
    const data = await pages.calendar(room);
    const view = buildCalendarPage(room, deps.site, data.counts, data.coverage);
    sendPage(req, res, deps.renderer.render('calendar', view), { ...deps.cache.live, noindex: view.meta.noindex });
  });

  router.get('/room/:ref/threads', async (req, res) => {
    const pages = archived();
    const page = pageParam(req.query['page']);
    const loaded = await loadRoom(req, res, deps, (ref) => roomSubPath(ref, 'threads'));
    if (!loaded) return;
    const { room } = loaded;
    const data = await pages.threads(room, page);
    const view = buildThreadsPage(room, deps.site, data.list, data.page, data.perPage, data.coverage);
    sendPage(req, res, deps.renderer.render('threads', view), { ...deps.cache.live, noindex: view.meta.noindex });
  });

  return router;
}
