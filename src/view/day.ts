import type { MatrixEvent } from '../matrix/events.js';
import type { DayPageData } from '../rooms/days.js';
import { buildDiscussion, type DiscussionData } from './discussion.js';
import { dayLabel } from './events/format.js';
import type { PageMeta } from './page.js';
import { buildDayNav, neighbours, numberPager, stepPager, type DayNav, type Pager } from './pager.js';
import { describeRoom, roomMeta, type RoomContext, type SiteContext } from './room.js';
import { buildTimeline, isVisible, type TimelineView } from './timeline.js';
import { dayPath } from './urls.js';
import { dayNoon, isCalendarDay } from '../utc-day.js';

export interface DayPageView {
  meta: PageMeta;
  room: RoomContext;
  day: string;
  label: string;
  /** ", page 2 of 3" after the heading's day, when the day has several pages; else empty. */
  pageOf: string;
  timeline: TimelineView;
  /** Said when the page has no messages, only changes to the room. */
  empty: boolean;
  /** The days before and after with messages, above and below the messages. */
  days: DayNav;
  /** The numbers of the day's pages, when it has several. */
  pageNumbers: Pager | undefined;
  /** Earlier and later on the same day. */
  pager: Pager | undefined;
  /** schema.org data: the day's first message as the posting, the rest as comments. */
  discussion: DiscussionData | undefined;
}

/** A day the room has no messages on, between two that have: a 404 with the way on. */
export interface DayEmptyView {
  meta: PageMeta;
  room: RoomContext;
  day: string;
  label: string;
  days: DayNav;
}

export function buildEmptyDayPage(room: RoomContext, site: SiteContext, day: string, around: { previousDay: string | undefined; nextDay: string | undefined }): DayEmptyView {
  const meta = roomMeta(room, site, { title: `${room.name}: no messages on ${day}`, path: dayPath(room.ref, day), description: describeRoom(room, []) });
  return {
    meta: { ...meta, noindex: true, canonical: undefined },
    room,
    day,
    label: dayLabel(dayNoon(day)),
    days: buildDayNav(room.ref, room.links.latest, around.previousDay, around.nextDay),
  };
}

/** One page of a day. `related` are events known around it (the snapshot's window), for replies. */
export function buildDayPage(room: RoomContext, site: SiteContext, data: DayPageData, related: readonly MatrixEvent[]): DayPageView {
  const { day } = data;
  const timeline = buildTimeline({
    roomId: room.roomId,
    roomRef: room.ref,
    events: data.events,
    related: [...data.dayEvents, ...related],
    members: data.members,
    mode: 'main',
    dayLinks: false,
  });
  const label = dayLabel(dayNoon(day));
  const pageOfDay = (n: number): string => dayPath(room.ref, day, n);
  const { prevHref, nextHref } = neighbours(data.page, data.pages, pageOfDay);
  const days = buildDayNav(room.ref, room.links.latest, data.previousDay, data.nextDay);
  const bodies = data.events.flatMap((e) => (typeof e.content['body'] === 'string' && isVisible(e, 'main') ? [e.content['body']] : [])).slice(0, 3);
  return {
    meta: roomMeta(room, site, {
      title: `${room.name}: ${label}${data.pages > 1 ? `, page ${data.page}` : ''}`,
      path: dayPath(room.ref, day, data.page),
      description: describeRoom({ ...room, topic: undefined }, bodies),
      prev: prevHref ?? (data.page === 1 ? days.previous?.href : undefined),
      next: nextHref ?? days.next?.href,
    }),
    room,
    day,
    label,
    pageOf: data.pages > 1 ? `, page ${data.page} of ${data.pages}` : '',
    timeline,
    empty: timeline.count === 0,
    days,
    pageNumbers: numberPager('Pages of this day', data.page, data.pages, pageOfDay),
    pager: stepPager({ label: 'More of this day', prev: 'Earlier on this day', next: 'Later on this day' }, prevHref, nextHref),
    discussion: buildDiscussion({ timeline, publicUrl: site.publicUrl, pagePath: dayPath(room.ref, day, data.page), headline: `${room.name}: ${label}` }),
  };
}

/** Parses `/date/{yyyy}/{mm}/{dd}` into a real calendar day, or null. */
export function parseDay(yyyy: unknown, mm: unknown, dd: unknown): string | null {
  if (typeof yyyy !== 'string' || typeof mm !== 'string' || typeof dd !== 'string') return null;
  if (!/^\d{4}$/.test(yyyy) || !/^\d{2}$/.test(mm) || !/^\d{2}$/.test(dd)) return null;
  const day = `${yyyy}-${mm}-${dd}`;
  return isCalendarDay(day) ? day : null;
}
