import { Router, type Request, type Response } from 'express';
import { lastChanged } from '../../rooms/snapshot.js';
import { BadRequest } from '../../errors.js';
import type { TimelinePage } from '../../rooms/reader.js';
import type { RoomSnapshot } from '../../rooms/snapshot.js';
import { utcDateTime } from '../../view/events/format.js';
import { utcDay } from '../../utc-day.js';
import type { RoomContext, SiteContext } from '../../view/room.js';
import { isVisible } from '../../view/timeline.js';
import { buildTimelinePage, type TimelinePageInput } from '../../view/timeline-page.js';
import { buildSpaceChildren } from '../../view/space.js';
import { MAX_PINS, pinChangeIds } from '../../view/events/pins.js';
import { linkedEventNote, relationTarget, threadRootOf } from '../../view/events/linked.js';
import { memberNames } from '../../view/members.js';
import { dayPath, eventAnchor, eventPath, roomPath, threadPath } from '../../view/urls.js';
import { queryString } from '../query.js';
import type { Renderer } from '../render.js';
import { pageKey } from '../page-key.js';
import { cachedPage, sendRendered, type PageCache } from '../page-cache.js';
import type { CachePolicy } from '../http-cache.js';
import { buildTransparency, type TakedownBudget } from '../../view/transparency.js';
import { clip } from '../../view/text.js';
import { eventIdParam, loadRoom, type RoomDeps } from '../room-loader.js';

/** Pinned messages fetched for one page at most: the rest are listed without an excerpt. */
const MAX_PIN_FETCHES = 5;

export interface RoomRouteDeps extends RoomDeps {
  renderer: Renderer;
  pages: PageCache;
  site: SiteContext;
  cache: CachePolicy;
  /** How long what a room takes back may still be seen, for the "why shown here" notes. */
  takedown: TakedownBudget;
}

/** The timeline pages: the latest messages, pages before and after an event, an event in context, a thread. */
export function roomRoutes(deps: RoomRouteDeps): Router {
  const router = Router();
  /** Sends the page for this URL and snapshot version, built only if it is not cached. */
  async function respond(req: Request, res: Response, snapshot: RoomSnapshot, room: RoomContext, build: () => Promise<string>, forPeople = false): Promise<void> {
    const key = pageKey(req, snapshot, room);
    const page = await cachedPage(deps.pages, key, build);
    sendRendered(req, res, page, {
      lastModified: lastChanged(snapshot),
      ...deps.cache.live,
      noindex: forPeople || !deps.site.indexing || room.unlisted,
    });
  }

  /** The day page that holds an event: where a crawler is sent instead of one page per message. */
  const dayOf = (ref: string, event: { origin_server_ts: number } | undefined): string => (event ? dayPath(ref, utcDay(event.origin_server_ts)) : roomPath(ref));

  /** Gathers what the page needs from the homeserver, then builds it with the pure view builder. */
  async function render(
    snapshot: RoomSnapshot,
    room: RoomContext,
    page: TimelinePage,
    options: Omit<TimelinePageInput, 'room' | 'site' | 'page' | 'related' | 'children' | 'pinned'>,
  ): Promise<string> {
    // The latest page lists the room's pins; any page names what its pin changes pinned.
    const pinned = options.latest ? snapshot.state.pinned.slice(-MAX_PINS) : [];
    const [replyTargets, pinTargets] = await Promise.all([
      deps.reader.replyTargets(snapshot, page.events, snapshot.timeline),
      deps.reader.eventsById(snapshot, [...pinned, ...page.events.flatMap(pinChangeIds)], [...page.events, ...snapshot.timeline], MAX_PIN_FETCHES),
    ]);
    const children = room.isSpace && options.latest ? buildSpaceChildren(await deps.reader.children(snapshot).catch(() => [])) : [];
    const related = [...snapshot.timeline, ...replyTargets, ...pinTargets];
    const view = buildTimelinePage({ ...options, room, site: deps.site, page, related, children, pinned });
    return deps.renderer.render('room', view);
  }

  router.get('/room/:ref', async (req, res) => {
    const loaded = await loadRoom(req, res, deps, roomPath);
    if (!loaded) return;
    const { snapshot, room } = loaded;
    const before = queryString(req, 'before', 300);
    const after = queryString(req, 'after', 300);
    if (before && after) throw new BadRequest('Ask for messages before an event or after it, not both.');
    await respond(req, res, snapshot, room, async () => {
      if (before) {
        const page = await deps.reader.before(snapshot, eventIdParam(before));
        const first = page.events[0];
        const title = `${room.name}: messages before ${first ? utcDateTime(first.origin_server_ts) : 'the start'}`;
        return render(snapshot, room, page, { title, heading: 'Earlier messages', path: roomPath(room.ref, { before }), latest: false, canonicalPath: dayOf(room.ref, first) });
      }
      if (after) {
        const page = await deps.reader.after(snapshot, eventIdParam(after));
        const first = page.events[0];
        const title = `${room.name}: messages from ${first ? utcDateTime(first.origin_server_ts) : 'now'}`;
        return render(snapshot, room, page, { title, heading: 'Later messages', path: roomPath(room.ref, { after }), latest: false, canonicalPath: dayOf(room.ref, first) });
      }
      const page = deps.reader.latest(snapshot, (event) => isVisible(event, 'main'));
      const transparency = buildTransparency(snapshot.state, { ref: room.ref, published: !room.unlisted, indexing: deps.site.indexing, budget: deps.takedown });
      return render(snapshot, room, page, { title: room.name, heading: 'Latest messages', path: roomPath(room.ref), latest: true, transparency });
    }, Boolean(before || after));
  });

  /** A thread page: its root and replies, one of them highlighted. */
  async function renderThread(snapshot: RoomSnapshot, room: RoomContext, rootId: string, highlight: string, path: string, note?: string, canonicalPath?: string): Promise<string> {
    const thread = await deps.reader.thread(snapshot, rootId);
    const senders = [thread.root, ...thread.replies].map((event) => event.sender);
    const members = await deps.reader.profiles(snapshot, senders, [...snapshot.members.values()]);
    const page: TimelinePage = { events: [thread.root, ...thread.replies], members, hasEarlier: false, hasLater: false };
    const rootBody = typeof thread.root.content['body'] === 'string' ? thread.root.content['body'] : 'a message';
    const notes = [note, thread.truncated ? 'This thread is long; only its first replies are shown.' : undefined].filter(Boolean);
    return render(snapshot, room, page, {
      mode: 'thread',
      highlight,
      title: `${room.name}: thread “${rootBody.slice(0, 60)}”`,
      heading: `Thread (${thread.replies.length} ${thread.replies.length === 1 ? 'reply' : 'replies'})`,
      path,
      latest: false,
      note: notes.length > 0 ? notes.join(' ') : undefined,
      canonicalPath,
    });
  }

  router.get('/room/:ref/event/:eventId', async (req, res) => {
    const eventId = eventIdParam(req.params['eventId']);
    const loaded = await loadRoom(req, res, deps, (ref) => eventPath(ref, eventId));
    if (!loaded) return;
    const { snapshot, room } = loaded;
    await respond(req, res, snapshot, room, async () => {
      let page = await deps.reader.around(snapshot, eventId);
      const path = eventPath(room.ref, eventId);
      // A reaction, edit, redaction or vote has no block: the page shows what it is about.
      const targetId = relationTarget(page.event);
      let highlight = eventId;
      let note: string | undefined;
      if (targetId) {
        const target = await deps.reader.around(snapshot, targetId).catch(() => null);
        const names = memberNames(page.members);
        note = linkedEventNote(page.event, names.get(page.event.sender) ?? page.event.sender, target !== null);
        if (target) {
          page = target;
          highlight = targetId;
        }
      }
      // A thread reply is shown in its thread.
      const root = threadRootOf(page.event);
      const anchor = `#${eventAnchor(highlight)}`;
      if (root) return renderThread(snapshot, room, root, highlight, path, note, `${threadPath(room.ref, root)}${anchor}`);
      const sender = page.event.sender;
      const excerpt = typeof page.event.content['body'] === 'string' ? page.event.content['body'] : '';
      return render(snapshot, room, page, {
        highlight,
        note,
        // Two messages of one sender in one minute: the excerpt keeps titles apart.
        title: `${room.name}: message from ${sender} at ${utcDateTime(page.event.origin_server_ts)}${excerpt ? `: “${clip(excerpt, 60)}”` : ''}`,
        heading: `Message of ${utcDateTime(page.event.origin_server_ts)}`,
        path,
        latest: false,
        canonicalPath: `${dayOf(room.ref, page.event)}${anchor}`,
      });
    }, true);
  });

  router.get('/room/:ref/thread/:rootId', async (req, res) => {
    const rootId = eventIdParam(req.params['rootId']);
    const loaded = await loadRoom(req, res, deps, (ref) => threadPath(ref, rootId));
    if (!loaded) return;
    const { snapshot, room } = loaded;
    await respond(req, res, snapshot, room, () => renderThread(snapshot, room, rootId, rootId, threadPath(room.ref, rootId)));
  });

  return router;
}
