import { dayLabel } from './events/format.js';
import type { DiscussionData } from './discussion.js';
import type { PageMeta } from './page.js';
import type { RoomContext } from './room.js';
import type { TimelineView } from './timeline.js';
import { dayPath } from './urls.js';

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

/** Noon UTC of a YYYY-MM-DD day, for labels that must not slip to a neighbouring day. */
export function dayNoon(day: string): number {
  return Date.parse(`${day}T12:00:00Z`);
}

export function dayLink(ref: string, day: string | undefined): { href: string; label: string } | undefined {
  return day ? { href: dayPath(ref, day), label: dayLabel(dayNoon(day)) } : undefined;
}

/** Parses `/date/{yyyy}/{mm}/{dd}` into a real calendar day, or null. */
export function parseDay(yyyy: unknown, mm: unknown, dd: unknown): string | null {
  if (typeof yyyy !== 'string' || typeof mm !== 'string' || typeof dd !== 'string') return null;
  if (!/^\d{4}$/.test(yyyy) || !/^\d{2}$/.test(mm) || !/^\d{2}$/.test(dd)) return null;
  const day = `${yyyy}-${mm}-${dd}`;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day ? day : null;
}

export function dayPageLinks(ref: string, day: string, page: number, pages: number): Pick<DayPageView, 'previousPage' | 'nextPage' | 'pageLinks'> {
  return {
    previousPage: page > 1 ? dayPath(ref, day, page - 1) : undefined,
    nextPage: page < pages ? dayPath(ref, day, page + 1) : undefined,
    pageLinks: pages > 1 ? Array.from({ length: pages }, (_, i) => ({ href: dayPath(ref, day, i + 1), number: i + 1, current: i + 1 === page })) : [],
  };
}
