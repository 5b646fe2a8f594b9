import { Router } from 'express';
import { lastChanged } from '../../rooms/snapshot.js';
import { BadRequest, NotFound } from '../../matrix/errors.js';
import type { DayArchive } from '../../rooms/days.js';
import { dayLink, dayNoon, dayPageLinks, parseDay, type DayPageView } from '../../view/day.js';
import { dayLabel } from '../../view/events/format.js';
import { describeRoom, roomMeta } from '../../view/room.js';
import { buildTimeline, isVisible } from '../../view/timeline.js';
import { dayPath } from '../../view/urls.js';
import { buildDiscussion } from '../../view/discussion.js';
import { sendPage } from '../http-cache.js';
import { pageKey } from '../page-key.js';
import { cachedPage, sendRendered } from '../page-cache.js';
import { loadRoom } from '../room-loader.js';
import type { RoomRouteDeps } from './room.js';

export interface DayRouteDeps extends RoomRouteDeps {
  days: DayArchive;
}

/** `/room/{ref}/date/{yyyy}/{mm}/{dd}`: the archive, one UTC day, in pages with stable URLs. */
export function dayRoutes(deps: DayRouteDeps): Router {
  const router = Router();

  router.get('/room/:ref/date/:yyyy/:mm/:dd', async (req, res) => {
    const day = parseDay(req.params['yyyy'], req.params['mm'], req.params['dd']);
    if (!day) throw new BadRequest('That is not a date: the archive’s addresses end in /date/YYYY/MM/DD.');
    const rawPage = req.query['page'];
    if (rawPage !== undefined && (typeof rawPage !== 'string' || !/^[1-9]\d{0,4}$/.test(rawPage))) {
      throw new BadRequest('The page number must be a whole number from 1.');
    }
    const page = rawPage === undefined ? 1 : Number(rawPage);
    const loaded = await loadRoom(req, res, deps, `/date/${day.replace(/-/g, '/')}`);
    if (!loaded) return;
    const { snapshot, room } = loaded;
    const result = await deps.days.day(snapshot, day, page, (event) => isVisible(event, 'main'));
    if (result.kind === 'outside') throw new NotFound('The room has no messages on that day: it is before the room began, or still to come.');
    if (result.kind === 'page-out-of-range') {
      // A page past the end of a day is a mistake in the URL, not a moved page.
      throw new NotFound(`That day has only ${result.pages} ${result.pages === 1 ? 'page' : 'pages'}.`);
    }
    if (result.kind === 'empty') {
      const view = {
        meta: { ...roomMeta(room, deps.site, { title: `${room.name}: no messages on ${day}`, path: dayPath(room.ref, day), description: describeRoom(room, []) }), noindex: true, canonical: undefined },
        room,
        day,
        label: dayLabel(dayNoon(day)),
        previousDay: dayLink(room.ref, result.previousDay),
        nextDay: dayLink(room.ref, result.nextDay),
      };
      sendPage(req, res, deps.renderer.page('day-empty', view), { ...deps.cache.live, noindex: true, status: 404 });
      return;
    }
    const data = result.data;
    const rendered = await cachedPage(deps.pages, pageKey(req, snapshot, room), async () => {
      const timeline = buildTimeline({
        roomId: room.roomId,
        roomRef: room.ref,
        events: data.events,
        related: [...data.dayEvents, ...snapshot.timeline],
        members: data.members,
        mode: 'main',
        dayLinks: false,
      });
      const label = dayLabel(dayNoon(day));
      const links = dayPageLinks(room.ref, day, data.page, data.pages);
      const bodies = data.events.flatMap((e) => (typeof e.content['body'] === 'string' && isVisible(e, 'main') ? [e.content['body']] : [])).slice(0, 3);
      const view: DayPageView = {
        meta: roomMeta(room, deps.site, {
          title: `${room.name}: ${label}${data.pages > 1 ? `, page ${data.page}` : ''}`,
          path: dayPath(room.ref, day, data.page),
          description: describeRoom({ ...room, topic: undefined }, bodies),
          prev: links.previousPage ?? (data.page === 1 ? dayLink(room.ref, data.previousDay)?.href : undefined),
          next: links.nextPage ?? dayLink(room.ref, data.nextDay)?.href,
        }),
        room,
        day,
        label,
        page: data.page,
        pages: data.pages,
        timeline,
        previousDay: dayLink(room.ref, data.previousDay),
        nextDay: dayLink(room.ref, data.nextDay),
        ...links,
        discussion: buildDiscussion({ timeline, publicUrl: deps.site.publicUrl, pagePath: dayPath(room.ref, day, data.page), headline: `${room.name}: ${label}` }),
      };
      return deps.renderer.page('day', view);
    });
    sendRendered(req, res, rendered, {
      // A past day's messages do not change, but a redaction may still take one back.
      ...(data.past ? deps.cache.settled : deps.cache.live),
      lastModified: lastChanged(snapshot, data.lastModified),
      noindex: !deps.site.indexing || room.unlisted,
    });
  });

  return router;
}
