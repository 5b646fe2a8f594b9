import { Router, type Request, type Response } from 'express';
import { BadRequest } from '../../errors.js';
import { lastChanged } from '../../rooms/snapshot.js';
import type { TimelineLoader, TimelineRequest } from '../../rooms/timeline.js';
import type { SiteContext } from '../../view/room.js';
import { buildRoomPage, isIndexable } from '../../view/room-pages.js';
import type { TakedownBudget } from '../../view/transparency.js';
import { eventPath, roomPath, threadPath } from '../../view/urls.js';
import type { CachePolicy } from '../http-cache.js';
import { pageKey } from '../page-key.js';
import { cachedPage, sendRendered, type PageCache } from '../page-cache.js';
import { queryString } from '../query.js';
import type { Renderer } from '../render.js';
import { eventIdParam, loadRoom, type RoomDeps } from '../room-loader.js';

export interface RoomRouteDeps extends RoomDeps {
  renderer: Renderer;
  pages: PageCache;
  site: SiteContext;
  cache: CachePolicy;
  /** How long what a room takes back may still be seen, for the "why shown here" notes. */
  takedown: TakedownBudget;
}

export interface TimelineRouteDeps extends RoomRouteDeps {
  timeline: TimelineLoader;
}

/** `?before=` or `?after=` (not both), each an event ID; neither is the latest page. */
function timelineQuery(req: Request): TimelineRequest {
  const before = queryString(req, 'before', 300);
  const after = queryString(req, 'after', 300);
  if (before && after) throw new BadRequest('Ask for messages before an event or after it, not both.');
  if (before) return { kind: 'before', eventId: eventIdParam(before) };
  if (after) return { kind: 'after', eventId: eventIdParam(after) };
  return { kind: 'latest' };
}

/** The timeline pages: the latest messages, pages before and after an event, an event in context, a thread. */
export function roomRoutes(deps: TimelineRouteDeps): Router {
  const router = Router();

  /** Load → build → render, only when this URL's page for this snapshot version is not cached; then send. */
  async function respond(req: Request, res: Response, request: TimelineRequest, pathOf: (ref: string) => string): Promise<void> {
    const loaded = await loadRoom(req, res, deps, pathOf);
    if (!loaded) return;
    const { snapshot, room } = loaded;
    const page = await cachedPage(
      deps.pages,
      pageKey(req, snapshot, room),
      async () => buildRoomPage(room, deps.site, await deps.timeline.load(snapshot, request), deps.takedown),
      (view) => deps.renderer.render('room', view),
    );
    sendRendered(req, res, page, {
      lastModified: lastChanged(snapshot),
      ...deps.cache.live,
      noindex: !isIndexable(request.kind) || !deps.site.indexing || room.unlisted,
    });
  }

  router.get('/room/:ref', (req, res) => respond(req, res, timelineQuery(req), roomPath));

  router.get('/room/:ref/event/:eventId', (req, res) => {
    const eventId = eventIdParam(req.params['eventId']);
    return respond(req, res, { kind: 'event', eventId }, (ref) => eventPath(ref, eventId));
  });

  router.get('/room/:ref/thread/:rootId', (req, res) => {
    const rootId = eventIdParam(req.params['rootId']);
    return respond(req, res, { kind: 'thread', rootId }, (ref) => threadPath(ref, rootId));
  });

  return router;
}
