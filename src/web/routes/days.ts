import { dayPath } from '../../view/urls.js';
import { Router } from 'express';
import { lastChanged } from '../../rooms/snapshot.js';
import { BadRequest, NotFound } from '../../errors.js';
import type { DayArchive } from '../../rooms/days.js';
import { buildDayPage, buildEmptyDayPage, parseDay } from '../../view/day.js';
import { sendPage } from '../http-cache.js';
import { pageParam } from '../query.js';
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
    const page = pageParam(req.query['page']);
    const loaded = await loadRoom(req, res, deps, (ref) => dayPath(ref, day));
    if (!loaded) return;
    const { snapshot, room } = loaded;
    const result = await deps.days.day(snapshot, day, page);
    if (result.kind === 'outside') throw new NotFound('The room has no messages on that day: it is before the room began, or still to come.');
    if (result.kind === 'page-out-of-range') {
      // A page past the end of a day is a mistake in the URL, not a moved page.
      throw new NotFound(`That day has only ${result.pages} ${result.pages === 1 ? 'page' : 'pages'}.`);
    }
    if (result.kind === 'empty') {
      const view = buildEmptyDayPage(room, deps.site, day, result);
      sendPage(req, res, deps.renderer.render('day-empty', view), { ...deps.cache.live, noindex: true, status: 404 });
      return;
    }
    const data = result.data;
    const rendered = await cachedPage(deps.pages, pageKey(req, snapshot, room), async () => buildDayPage(room, deps.site, data, snapshot.timeline), (view) => deps.renderer.render('day', view));
    sendRendered(req, res, rendered, {
      // A past day's messages do not change, but a redaction may still take one back.
      ...(data.past ? deps.cache.settled : deps.cache.live),
      lastModified: lastChanged(snapshot, data.lastModified),
      noindex: !deps.site.indexing || room.unlisted,
    });
  });

  return router;
}
