import type { MatrixEvent } from '../matrix/events.js';
import type { DayPageData } from '../rooms/days.js';
import { buildDiscussion, type DiscussionData } from './discussion.js';
import { dayLabel } from './events/format.js';
import type { PageMeta } from './page.js';
import { describeRoom, roomMeta, type RoomContext, type SiteContext } from './room.js';
import { buildTimeline, isVisible, type TimelineView } from './timeline.js';
import { dayPath } from './urls.js';
import { dayNoon, isCalendarDay } from '../utc-day.js';

export interface DayPageView {
  meta: PageMeta;
  room: RoomContext;
  day: string;
  label: string;
  page: number;
  pages: number;
  timeline: TimelineView;
  previousDay: { href: string; label: string } | undefined;
  nextDay: { href: string; label: string } | undefined;
  previousPage: string | undefined;
  nextPage: string | undefined;
  /** Links to every page of the day, when it has several. */
  pageLinks: Array<{ href: string; number: number; current: boolean }>;
  /** schema.org data: the day's first message as the posting, the rest as comments. */
  discussion: DiscussionData | undefined;
}

/** A day the room has no messages on, between two that have: a 404 with the way on. */
export interface DayEmptyView {
  meta: PageMeta;
  room: RoomContext;
  day: string;
  label: string;
  previousDay: { href: string; label: string } | undefined;
  nextDay: { href: string; label: string } | undefined;
}

export function buildEmptyDayPage(room: RoomContext, site: SiteContext, day: string, around: { previousDay: string | undefined; nextDay: string | undefined }): DayEmptyView {
  const meta = roomMeta(room, site, { title: `${room.name}: no messages on ${day}`, path: dayPath(room.ref, day), description: describeRoom(room, []) });
  return {
    meta: { ...meta, noindex: true, canonical: undefined },
    room,
    day,
    label: dayLabel(dayNoon(day)),
    previousDay: dayLink(room.ref, around.previousDay),
    nextDay: dayLink(room.ref, around.nextDay),
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
  const links = dayPageLinks(room.ref, day, data.page, data.pages);
  const bodies = data.events.flatMap((e) => (typeof e.content['body'] === 'string' && isVisible(e, 'main') ? [e.content['body']] : [])).slice(0, 3);
  return {
    meta: roomMeta(room, site, {
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
    discussion: buildDiscussion({ timeline, publicUrl: site.publicUrl, pagePath: dayPath(room.ref, day, data.page), headline: `${room.name}: ${label}` }),
  };
}

export function dayLink(ref: string, day: string | undefined): { href: string; label: string } | undefined {
  return day ? { href: dayPath(ref, day), label: dayLabel(dayNoon(day)) } : undefined;
}

/** Parses `/date/{yyyy}/{mm}/{dd}` into a real calendar day, or null. */
export function parseDay(yyyy: unknown, mm: unknown, dd: unknown): string | null {
  if (typeof yyyy !== 'string' || typeof mm !== 'string' || typeof dd !== 'string') return null;
  if (!/^\d{4}$/.test(yyyy) || !/^\d{2}$/.test(mm) || !/^\d{2}$/.test(dd)) return null;
  const day = `${yyyy}-${mm}-${dd}`;
  return isCalendarDay(day) ? day : null;
}

export function dayPageLinks(ref: string, day: string, page: number, pages: number): Pick<DayPageView, 'previousPage' | 'nextPage' | 'pageLinks'> {
  return {
    previousPage: page > 1 ? dayPath(ref, day, page - 1) : undefined,
    nextPage: page < pages ? dayPath(ref, day, page + 1) : undefined,
    pageLinks: pages > 1 ? Array.from({ length: pages }, (_, i) => ({ href: dayPath(ref, day, i + 1), number: i + 1, current: i + 1 === page })) : [],
  };
}
