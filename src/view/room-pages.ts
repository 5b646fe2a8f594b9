/**
 * The builders of the timeline pages from their loaded data (rooms/timeline.ts): each page's
 * title, heading, notes and canonical path are decided here, then buildTimelinePage makes
 * the view the `room` template shows. Also the rules the loader is given (what it must know
 * about events to fetch the right ones) and the room's feed.
 */
import type { FeedData, LinkedEvent, TimelineData, TimelineRequest, TimelineRules, ThreadData } from '../rooms/timeline.js';
import { utcDay } from '../utc-day.js';
import { utcDateTime } from './events/format.js';
import { linkedEventNote, relationTarget, threadRootOf } from './events/linked.js';
import { MAX_PINS, pinChangeIds } from './events/pins.js';
import { buildFeed } from './feed.js';
import { memberNames } from './members.js';
import { clip } from './text.js';
import type { RoomContext, SiteContext } from './room.js';
import { buildSpaceChildren } from './space.js';
import { buildTimeline, isVisible } from './timeline.js';
import { buildTimelinePage, type TimelinePageInput, type TimelinePageView } from './timeline-page.js';
import { buildTransparency, type TakedownBudget } from './transparency.js';
import { dayPath, eventAnchor, eventPath, roomPath, threadPath } from './urls.js';

export const timelineRules: TimelineRules = {
  isVisible: (event) => isVisible(event, 'main'),
  relationTarget,
  threadRootOf,
  pinChangeIds,
  maxPins: MAX_PINS,
};

/**
 * Whether a timeline page is for search engines: the latest page and threads are; a
 * permalink and the pages before and after an event are for people (`noindex, follow`,
 * their canonical page a day or a thread), so a room's indexable pages are bounded by its
 * days, not by its messages.
 */
export function isIndexable(kind: TimelineRequest['kind']): boolean {
  return kind === 'latest' || kind === 'thread';
}

/** The day page that holds an event: where a crawler is sent instead of one page per message. */
function dayOf(ref: string, event: { origin_server_ts: number } | undefined): string {
  return event ? dayPath(ref, utcDay(event.origin_server_ts)) : roomPath(ref);
}

type Input = Omit<TimelinePageInput, 'room' | 'site' | 'page' | 'related' | 'children' | 'pinned'>;

/** `budget`: how long what a room takes back may still be seen, for the latest page's note. */
export function buildRoomPage(room: RoomContext, site: SiteContext, data: TimelineData, budget: TakedownBudget): TimelinePageView {
  const build = (input: Input): TimelinePageView =>
    buildTimelinePage({
      ...input,
      room,
      site,
      page: data.page,
      related: data.related,
      children: room.isSpace ? buildSpaceChildren(data.children) : [],
      pinned: data.pinned,
    });
  const first = data.page.events[0];
  switch (data.kind) {
    case 'latest': {
      const transparency = buildTransparency(data.snapshot.state, { ref: room.ref, published: !room.unlisted, indexing: site.indexing, budget });
      return build({ title: room.name, heading: 'Latest messages', path: roomPath(room.ref), latest: true, transparency });
    }
    case 'before':
    case 'after': {
      const before = data.kind === 'before';
      const when = first ? utcDateTime(first.origin_server_ts) : before ? 'the start' : 'now';
      return build({
        title: `${room.name}: messages ${before ? 'before' : 'from'} ${when}`,
        heading: before ? 'Earlier messages' : 'Later messages',
        path: roomPath(room.ref, { [data.kind]: data.eventId }),
        latest: false,
        canonicalPath: dayOf(room.ref, first),
      });
    }
    case 'event': {
      const { event } = data;
      const excerpt = typeof event.content['body'] === 'string' ? event.content['body'] : '';
      return build({
        highlight: data.highlight,
        note: linkedNote(data.linked),
        // Two messages of one sender in one minute: the excerpt keeps titles apart.
        title: `${room.name}: message from ${event.sender} at ${utcDateTime(event.origin_server_ts)}${excerpt ? `: “${clip(excerpt, 60)}”` : ''}`,
        heading: `Message of ${utcDateTime(event.origin_server_ts)}`,
        path: eventPath(room.ref, data.eventId),
        latest: false,
        canonicalPath: `${dayOf(room.ref, event)}#${eventAnchor(data.highlight)}`,
      });
    }
    case 'thread':
      return build(threadInput(room, data));
  }
}

/** A thread page: its root and replies, one of them highlighted; reached by a permalink, it names the thread as canonical. */
function threadInput(room: RoomContext, data: ThreadData): Input {
  const rootBody = typeof data.root.content['body'] === 'string' ? data.root.content['body'] : 'a message';
  const notes = [linkedNote(data.permalink?.linked), data.truncated ? 'This thread is long; only its first replies are shown.' : undefined].filter(Boolean);
  return {
    mode: 'thread',
    highlight: data.highlight,
    title: `${room.name}: thread “${rootBody.slice(0, 60)}”`,
    heading: `Thread (${data.replyCount} ${data.replyCount === 1 ? 'reply' : 'replies'})`,
    path: data.permalink ? eventPath(room.ref, data.permalink.eventId) : threadPath(room.ref, data.rootId),
    latest: false,
    note: notes.length > 0 ? notes.join(' ') : undefined,
    canonicalPath: data.permalink ? `${threadPath(room.ref, data.rootId)}#${eventAnchor(data.highlight)}` : undefined,
  };
}

/** The line that says a permalink's event is shown through what it is about. */
function linkedNote(linked: LinkedEvent | undefined): string | undefined {
  if (!linked) return undefined;
  const sender = linked.event.sender;
  return linkedEventNote(linked.event, memberNames(linked.members).get(sender) ?? sender, linked.found);
}

/** The room's Atom feed: its latest messages. */
export function buildRoomFeed(room: RoomContext, site: SiteContext, data: FeedData): string {
  const timeline = buildTimeline({
    roomId: room.roomId,
    roomRef: room.ref,
    events: data.page.events,
    related: data.related,
    members: data.page.members,
    mode: 'main',
  });
  return buildFeed({ room, site, timeline, lastModified: data.snapshot.lastModified }).xml;
}
