/**
 * The one pager of every list page (matrix-static's Paginator), printed by
 * templates/partials/pagination.eta: either a step from this page to the one before and the
 * one after, or the numbers of all pages. Everything the partial prints is decided here.
 */
import { dayLabel } from './events/format.js';
import { dayNoon } from '../utc-day.js';
import { dayPath } from './urls.js';

export interface PagerLink {
  href: string;
  text: string;
}

export interface PageNumber {
  href: string;
  number: number;
  current: boolean;
}

export interface Pager {
  /** The navigation's accessible name. */
  label: string;
  prev: PagerLink | undefined;
  next: PagerLink | undefined;
  /** Both steps are shown, with a bar between them. */
  between: boolean;
  /** Set for a pager of page numbers (printed instead of the steps). */
  numbers: PageNumber[] | undefined;
}

export interface PagerTexts {
  label: string;
  prev?: string;
  next?: string;
}

/** A step pager, or undefined when there is nowhere to step to (nothing is printed). */
export function stepPager(texts: PagerTexts, prevHref: string | undefined, nextHref: string | undefined): Pager | undefined {
  if (prevHref === undefined && nextHref === undefined) return undefined;
  return {
    label: texts.label,
    prev: prevHref === undefined ? undefined : { href: prevHref, text: texts.prev ?? 'Previous page' },
    next: nextHref === undefined ? undefined : { href: nextHref, text: texts.next ?? 'Next page' },
    between: prevHref !== undefined && nextHref !== undefined,
    numbers: undefined,
  };
}

/** The pages before and after `page` of a numbered list, by `href(n)`. */
export function neighbours(page: number, pages: number, href: (n: number) => string): { prevHref: string | undefined; nextHref: string | undefined } {
  return { prevHref: page > 1 ? href(page - 1) : undefined, nextHref: page < pages ? href(page + 1) : undefined };
}

/** A pager of every page's number, or undefined for a list of one page. */
export function numberPager(label: string, page: number, pages: number, href: (n: number) => string): Pager | undefined {
  if (pages <= 1) return undefined;
  const numbers = Array.from({ length: pages }, (_, i) => ({ href: href(i + 1), number: i + 1, current: i + 1 === page }));
  return { label, prev: undefined, next: undefined, between: false, numbers };
}

/** "Page 2 of 3" for a list of several pages, else undefined. */
export function pageNote(page: number, pages: number): string | undefined {
  return pages > 1 ? `Page ${page} of ${pages}` : undefined;
}

export interface DayLink {
  href: string;
  label: string;
}

/**
 * The way from a day to its neighbours with messages, for the day pages' navigation above and
 * below the messages and for the page of a day without any.
 */
export interface DayNav {
  previous: DayLink | undefined;
  next: DayLink | undefined;
  /** Both neighbours are known, with a bar between them. */
  between: boolean;
  latestHref: string;
}

export function dayLink(ref: string, day: string | undefined): DayLink | undefined {
  return day ? { href: dayPath(ref, day), label: dayLabel(dayNoon(day)) } : undefined;
}

export function buildDayNav(ref: string, latestHref: string, previousDay: string | undefined, nextDay: string | undefined): DayNav {
  const previous = dayLink(ref, previousDay);
  const next = dayLink(ref, nextDay);
  return { previous, next, between: previous !== undefined && next !== undefined, latestHref };
}
