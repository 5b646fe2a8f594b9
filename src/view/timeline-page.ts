import type { MatrixEvent } from '../matrix/events.js';
import type { TransparencyView } from './transparency.js';
import type { TimelinePage } from '../rooms/reader.js';
import { buildDiscussion, type DiscussionData } from './discussion.js';
import { buildPins, type PinView } from './events/pins.js';
import { memberNames } from './members.js';
import { feedAlternate } from './feed.js';
import type { PageMeta } from './page.js';
import { stepPager, type Pager } from './pager.js';
import { describeRoom, roomMeta, type RoomContext, type SiteContext } from './room.js';
import type { SpaceChildView } from './space.js';
import { buildTimeline, isVisible, type TimelineView } from './timeline.js';
import { absoluteUrl, roomPath } from './urls.js';

export interface TimelinePageView {
  meta: PageMeta;
  room: RoomContext;
  heading: string;
  timeline: TimelineView;
  /** Above the messages: the way to earlier ones. */
  pagerTop: Pager | undefined;
  /** Below the messages: earlier and later ones. */
  pager: Pager | undefined;
  /** Shown when the page is not the latest one. */
  latestHref: string | undefined;
  note: string | undefined;
  /** Said when the page shows no message. */
  empty: boolean;
  /** A space's child rooms, shown beside its timeline. */
  children: SpaceChildView[];
  hasChildren: boolean;
  /** The room's pinned messages, newest pin first (the latest page only; else empty). */
  pins: PinView[];
  hasPins: boolean;
  /** Why the room is readable here, as one line (the latest page only). */
  transparency: TransparencyView | undefined;
  /** schema.org DiscussionForumPosting data (thread pages), printed as microdata. */
  discussion?: DiscussionData | undefined;
}

export interface TimelinePageInput {
  room: RoomContext;
  site: SiteContext;
  page: TimelinePage;
  /** Events known around the page (the snapshot's window, fetched reply targets). */
  related: MatrixEvent[];
  children: SpaceChildView[];
  title: string;
  heading: string;
  path: string;
  /** The latest page: described by the room's topic, and no link back to itself. */
  latest: boolean;
  highlight?: string | undefined;
  /**
   * For pages that are for people, not for search engines (a permalink, a page before or
   * after an event): they say `noindex, follow` and name this page (a day page or a thread,
   * with the event's anchor) as the canonical one, so a room's indexable pages are bounded by
   * its days, not by its messages.
   */
  canonicalPath?: string | undefined;
  note?: string | undefined;
  mode?: 'main' | 'thread';
  /** The room's pinned event IDs, listed under the header (the latest page gives them). */
  pinned?: readonly string[];
  /** Why the room is shown here (the latest page gives it). */
  transparency?: TransparencyView | undefined;
}

function firstBodies(events: readonly MatrixEvent[]): string[] {
  const bodies: string[] = [];
  for (const event of events) {
    const body = event.content['body'];
    if (event.type === 'm.room.message' && typeof body === 'string' && isVisible(event, 'main')) bodies.push(body);
    if (bodies.length >= 3) break;
  }
  return bodies;
}

/** The view model of a timeline page: the latest messages, a page before or after an event, a permalink, a thread. */
export function buildTimelinePage(input: TimelinePageInput): TimelinePageView {
  const { room, site, page } = input;
  const mode = input.mode ?? 'main';
  const timeline = buildTimeline({
    roomId: room.roomId,
    roomRef: room.ref,
    events: page.events,
    related: input.related,
    members: page.members,
    highlight: input.highlight,
    mode,
  });
  const names = memberNames(page.members);
  const pins = buildPins(input.pinned ?? [], [...page.events, ...input.related], (userId) => names.get(userId) ?? userId, room.ref);
  const first = page.events[0];
  const last = page.events[page.events.length - 1];
  const earlierHref = page.hasEarlier && first ? roomPath(room.ref, { before: first.event_id }) : undefined;
  const laterHref = page.hasLater && last ? roomPath(room.ref, { after: last.event_id }) : undefined;
  return {
    meta: {
      ...roomMeta(room, site, {
        title: input.title,
        path: input.path,
        // The topic describes the room's main page; other pages are described by their messages.
        description: describeRoom(input.latest ? room : { ...room, topic: undefined }, firstBodies(page.events)),
        prev: earlierHref,
        next: laterHref,
        noindex: input.canonicalPath !== undefined,
      }),
      ...(input.canonicalPath !== undefined ? { canonical: absoluteUrl(site.publicUrl, input.canonicalPath), follow: true } : {}),
      alternates: [feedAlternate(room)],
    },
    discussion: mode === 'thread' ? buildDiscussion({ timeline, publicUrl: site.publicUrl, pagePath: input.path }) : undefined,
    room,
    heading: input.heading,
    timeline,
    pagerTop: stepPager({ label: 'Earlier messages', prev: 'Earlier messages' }, earlierHref, undefined),
    pager: stepPager({ label: 'More messages', prev: 'Earlier messages', next: 'Later messages' }, earlierHref, laterHref),
    latestHref: input.latest ? undefined : room.links.latest,
    note: input.note,
    transparency: input.transparency,
    empty: timeline.count === 0,
    children: input.children,
    hasChildren: input.children.length > 0,
    pins,
    hasPins: pins.length > 0,
  };
}
