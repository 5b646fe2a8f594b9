import { Router } from 'express';
import { lastChanged } from '../../rooms/snapshot.js';
import { BadRequest } from '../../matrix/errors.js';
import { buildPins, MAX_PINS } from '../../view/events/pins.js';
import { buildInfo } from '../../view/info.js';
import { buildTransparency } from '../../view/transparency.js';
import { buildMembers, memberNames, paginateMembers, partialNote } from '../../view/members.js';
import { serversOf } from '../../rooms/members.js';
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
    const { state } = snapshot;
    const list = await deps.reader.memberList(snapshot).catch(() => undefined);
    const people = [state.creator, ...Object.keys(state.powerLevels.users)].filter((id): id is string => id !== undefined);
    const names = memberNames(await deps.reader.profiles(snapshot, people, [...(list?.events ?? []), ...snapshot.members.values()]));
    const membership = {
      joinedCount: list?.joinedCount,
      servers: serversOf(list?.events ?? []),
      listedOf: list && !list.complete ? list.events.length : undefined,
    };
    const children = room.isSpace ? buildSpaceChildren(await deps.reader.children(snapshot).catch(() => [])) : [];
    const pinned = snapshot.state.pinned.slice(-MAX_PINS);
    const pinTargets = await deps.reader.eventsById(snapshot, pinned, snapshot.timeline, MAX_PINS);
    const view = {
      meta: roomMeta(room, deps.site, {
        title: `${room.name}: room details`,
        path: roomSubPath(room.ref, 'info'),
        // Not the topic again: that describes the room's main page.
        description: `Details of the Matrix room ${room.name}: addresses, version, join rules, encryption, members, widgets and how to join.`,
      }),
      room,
      info: buildInfo(state, names, membership),
      transparency: buildTransparency(state, { ref: room.ref, published: !room.unlisted, indexing: deps.site.indexing, budget: deps.takedown, names }),
      pins: buildPins(pinned, [...snapshot.timeline, ...pinTargets], (userId) => names.get(userId) ?? userId, room.ref),
      children,
    };
    sendPage(req, res, deps.renderer.page('info', view), live(lastChanged(snapshot), view.meta.noindex));
  });

  router.get('/room/:ref/members', async (req, res) => {
    const rawPage = req.query['page'];
    if (rawPage !== undefined && (typeof rawPage !== 'string' || !/^[1-9]\d{0,5}$/.test(rawPage))) {
      throw new BadRequest('The page number must be a whole number from 1.');
    }
    const loaded = await loadRoom(req, res, deps, '/members');
    if (!loaded) return;
    const { snapshot, room } = loaded;
    const list = await deps.reader.memberList(snapshot);
    const all = buildMembers(list.events, snapshot.state.powerLevels, !list.complete);
    const note = list.complete ? undefined : partialNote(list.joinedCount, list.events.length);
    const page = paginateMembers(all, room.ref, rawPage ? Number(rawPage) : 1, deps.membersPageSize, { note, total: list.joinedCount });
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
    sendPage(req, res, deps.renderer.page('members', view), live(lastChanged(snapshot), view.meta.noindex));
  });

  router.get('/room/:ref/widgets', async (req, res) => {
    const loaded = await loadRoom(req, res, deps, '/widgets');
    if (!loaded) return;
    const { snapshot, room } = loaded;
    const senders = room.widgets.map((widget) => widget.sender);
    const names = memberNames(await deps.reader.profiles(snapshot, senders, [...snapshot.members.values()]));
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
    sendPage(req, res, deps.renderer.page('widgets', view), live(lastChanged(loaded.snapshot), view.meta.noindex));
  });

  return router;
}
