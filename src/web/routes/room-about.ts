import { Router } from 'express';
import { BadRequest } from '../../matrix/errors.js';
import { buildInfo } from '../../view/info.js';
import { buildMembers, memberNames, paginateMembers } from '../../view/members.js';
import { roomMeta, widgetDetails } from '../../view/room.js';
import { roomPath, roomSubPath } from '../../view/urls.js';
import { buildSpaceChildren } from '../../view/space.js';
import { sendPage } from '../http-cache.js';
import { loadRoom } from '../room-loader.js';
import type { RoomRouteDeps } from './room.js';

export interface AboutRouteDeps extends RoomRouteDeps {
  membersPageSize: number;
}

/** The pages about a room rather than its messages: details, members, widgets. */
export function roomAboutRoutes(deps: AboutRouteDeps): Router {
  const router = Router();
  const live = (lastModified: number, noindex: boolean) => ({ lastModified, ...deps.cache.live, noindex });

  router.get('/room/:ref/info', async (req, res) => {
    const loaded = await loadRoom(req, res, deps, '/info');
    if (!loaded) return;
    const { snapshot, room } = loaded;
    const members = await deps.reader.members(room.roomId).catch(() => [...snapshot.members.values()]);
    const names = memberNames(members);
    const children = room.isSpace ? buildSpaceChildren(await deps.reader.children(room.roomId).catch(() => [])) : [];
    const view = {
      meta: roomMeta(room, deps.site, {
        title: `${room.name}: room details`,
        path: roomSubPath(room.ref, 'info'),
        // Not the topic again: that describes the room's main page.
        description: `Details of the Matrix room ${room.name}: addresses, version, join rules, encryption, members, widgets and how to join.`,
      }),
      room,
      info: buildInfo(snapshot.state, names),
      children,
    };
    sendPage(req, res, deps.renderer.page('info', view), live(snapshot.lastModified, view.meta.noindex));
  });

  router.get('/room/:ref/members', async (req, res) => {
    const rawPage = req.query['page'];
    if (rawPage !== undefined && (typeof rawPage !== 'string' || !/^[1-9]\d{0,5}$/.test(rawPage))) {
      throw new BadRequest('The page number must be a whole number from 1.');
    }
    const loaded = await loadRoom(req, res, deps, '/members');
    if (!loaded) return;
    const { snapshot, room } = loaded;
    const all = buildMembers(await deps.reader.members(room.roomId), snapshot.state.powerLevels);
    const page = paginateMembers(all, room.ref, rawPage ? Number(rawPage) : 1, deps.membersPageSize);
    const view = {
      meta: roomMeta(room, deps.site, {
        title: `${room.name}: members${page.page > 1 ? `, page ${page.page}` : ''}`,
        path: page.page > 1 ? `${roomSubPath(room.ref, 'members')}?page=${page.page}` : roomSubPath(room.ref, 'members'),
        description: `The ${page.total} members of the Matrix room ${room.name}.`,
        prev: page.prevHref,
        next: page.nextHref,
        // Member lists are about people, not content: never indexed.
        noindex: true,
      }),
      room,
      page,
    };
    sendPage(req, res, deps.renderer.page('members', view), live(snapshot.lastModified, view.meta.noindex));
  });

  router.get('/room/:ref/widgets', async (req, res) => {
    const loaded = await loadRoom(req, res, deps, '/widgets');
    if (!loaded) return;
    const { snapshot, room } = loaded;
    const members = await deps.reader.members(room.roomId).catch(() => [...snapshot.members.values()]);
    const names = memberNames(members);
    const view = {
      meta: roomMeta(room, deps.site, {
        title: `${room.name}: widgets`,
        path: roomSubPath(room.ref, 'widgets'),
        description: `The ${room.widgets.length} widgets of the Matrix room ${room.name}, as links that open without JavaScript.`,
      }),
      room,
      widgets: widgetDetails(room.widgets, names),
      latestHref: roomPath(room.ref),
    };
    sendPage(req, res, deps.renderer.page('widgets', view), live(loaded.snapshot.lastModified, view.meta.noindex));
  });

  return router;
}
