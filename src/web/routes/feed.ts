import { Router } from 'express';
import { lastChanged } from '../../rooms/snapshot.js';
import { FEED_TYPE } from '../../view/feed.js';
import { buildRoomFeed } from '../../view/room-pages.js';
import { roomSubPath } from '../../view/urls.js';
import { pageKey } from '../page-key.js';
import { cachedPage, sendRendered } from '../page-cache.js';
import { loadRoom } from '../room-loader.js';
import type { TimelineRouteDeps } from './room.js';

/**
 * `/room/{ref}/feed.atom`: the latest messages as Atom. The same room loading as the pages,
 * so a denied, unknown or unreadable room gets the same 403/404 page, and a non-canonical
 * reference the same permanent redirect.
 */
export function feedRoutes(deps: TimelineRouteDeps): Router {
  const router = Router();
  router.get('/room/:ref/feed.atom', async (req, res) => {
    const loaded = await loadRoom(req, res, deps, (ref) => roomSubPath(ref, 'feed.atom'));
    if (!loaded) return;
    const { snapshot, room } = loaded;
    // Built once per snapshot version, like the pages: feed readers poll.
    // The feed's builder writes its XML itself: nothing is left to render.
    const feed = await cachedPage(deps.pages, pageKey(req, snapshot, room), async () => buildRoomFeed(room, deps.site, deps.timeline.feed(snapshot)), (xml) => xml);
    sendRendered(req, res, feed, {
      type: `${FEED_TYPE}; charset=utf-8`,
      lastModified: lastChanged(snapshot),
      ...deps.cache.live,
      noindex: !deps.site.indexing || room.unlisted,
    });
  });
  return router;
}
