import { roomSubPath } from '../../view/urls.js';
import { Router } from 'express';
import { lastChanged } from '../../rooms/snapshot.js';
import type { AboutLoader } from '../../rooms/about.js';
import { buildInfoPage, buildMembersPage, buildWidgetsPage } from '../../view/about.js';
import { pageParam } from '../query.js';
import { sendPage } from '../http-cache.js';
import { loadRoom } from '../room-loader.js';
import type { RoomRouteDeps } from './room.js';

export interface AboutRouteDeps extends RoomRouteDeps {
  about: AboutLoader;
  membersPageSize: number;
}

/** The pages about a room rather than its messages: details, members, widgets. */
export function roomAboutRoutes(deps: AboutRouteDeps): Router {
  const router = Router();
  const live = (lastModified: number, noindex: boolean) => ({ lastModified, ...deps.cache.live, noindex });

  router.get('/room/:ref/info', async (req, res) => {
    const loaded = await loadRoom(req, res, deps, (ref) => roomSubPath(ref, 'info'));
    if (!loaded) return;
    const view = buildInfoPage(loaded.room, deps.site, await deps.about.info(loaded.snapshot), deps.takedown);
    sendPage(req, res, deps.renderer.render('info', view), live(lastChanged(loaded.snapshot), view.meta.noindex));
  });

  router.get('/room/:ref/members', async (req, res) => {
    const page = pageParam(req.query['page']);
    const loaded = await loadRoom(req, res, deps, (ref) => roomSubPath(ref, 'members'));
    if (!loaded) return;
    const view = buildMembersPage(loaded.room, deps.site, await deps.about.members(loaded.snapshot), page, deps.membersPageSize);
    sendPage(req, res, deps.renderer.render('members', view), live(lastChanged(loaded.snapshot), view.meta.noindex));
  });

  router.get('/room/:ref/widgets', async (req, res) => {
    const loaded = await loadRoom(req, res, deps, (ref) => roomSubPath(ref, 'widgets'));
    if (!loaded) return;
    const view = buildWidgetsPage(loaded.room, deps.site, await deps.about.widgets(loaded.snapshot));
    sendPage(req, res, deps.renderer.render('widgets', view), live(lastChanged(loaded.snapshot), view.meta.noindex));
  });

  return router;
}
