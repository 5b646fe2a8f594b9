import { MARK_END, MARK_START } from '../archive/types.js';
import type { Coverage, LocatedHit } from '../rooms/search.js';
import { dayLabel, isoTime, utcDateTime } from './events/format.js';
import type { PageMeta } from './page.js';
import { neighbours, stepPager, type Pager } from './pager.js';
import { escapeHtml, trustHtml, type SafeHtml } from './safe-html.js';
import { dayPath, eventAnchor, eventLink, roomPath, searchFeedPath, searchPath, type SearchQuery } from './urls.js';

/** The search form's fields as the reader sent them, for the form and the page links. */
export type SearchForm = SearchQuery;

export interface SearchResultView {
  roomLabel: string;
  roomHref: string;
  senderName: string;
  senderId: string;
  isoTime: string;
  time: string;
  snippet: SafeHtml;
  dayHref: string;
  permalink: string;
}

export interface SearchPageView {
  meta: PageMeta;
  heading: string;
  /** Where the form sends its GET. */
  action: string;
  form: SearchForm;
  /** "No messages match", "3 messages match", "More than 1,000 messages match". */
  countText: string | undefined;
  /** The choices of order, the one asked for selected. */
  sortOptions: Array<{ value: SearchForm['sort']; label: string; selected: boolean }>;
  results: SearchResultView[];
  hasResults: boolean;
  page: number;
  /** The number of the page's first result, for `<ol start>`. */
  start: number;
  prevHref: string | undefined;
  nextHref: string | undefined;
  pager: Pager | undefined;
  /** How much the archive holds: "12,345 messages from 40 rooms, complete back to …". */
  coverage: string;
  feedHref: string | undefined;
  roomHref: string | undefined;
}

export interface SearchPageInput {
  site: { siteName: string };
  /** Set for a room's own search. */
  room: { ref: string; name: string } | undefined;
  form: SearchForm;
  hits: LocatedHit[];
  total: number;
  capped: boolean;
  page: number;
  pageSize: number;
  coverage: Coverage;
  /** Whether a search was asked for at all (an empty form shows the form only). */
  asked: boolean;
}

const number = (n: number): string => n.toLocaleString('en-GB');

/** Escapes the store's snippet and turns its private-use markers into `<mark>`. */
export function snippetHtml(snippet: string): SafeHtml {
  const escaped = escapeHtml(snippet);
  // Balanced by construction: every start is closed, a stray end is dropped.
  let open = false;
  let out = '';
  for (const char of escaped) {
    if (char === MARK_START && !open) (out += '<mark>'), (open = true);
    else if (char === MARK_END && open) (out += '</mark>'), (open = false);
    else if (char !== MARK_START && char !== MARK_END) out += char;
  }
  return trustHtml(open ? `${out}</mark>` : out);
}

/** The line that says how far the archive reaches, on the search, calendar and thread pages. */
export function coverageText(c: Coverage): string {
  const messages = `${number(c.messages)} ${c.messages === 1 ? 'message' : 'messages'}`;
  if (c.room !== undefined || c.rooms === 1) {
    if (!c.room) return `The archive holds ${messages} of this room, not yet without gaps up to now.`;
    return `The archive holds ${messages} of this room, complete back to ${c.room.atStart ? 'its creation on ' : ''}${dayLabel(c.room.since)}.`;
  }
  const base = `The archive holds ${messages} from ${number(c.rooms)} ${c.rooms === 1 ? 'room' : 'rooms'}`;
  const b = c.backfilled;
  return b && b.known > 0 ? `${base}; ${number(b.done)} of ${number(b.known)} public rooms are read back to their start.` : `${base}.`;
}

export function buildSearchPage(input: SearchPageInput): SearchPageView {
  const { form, room } = input;
  const action = searchPath(room?.ref);
  const where = room ? `in ${room.name}` : 'in the public rooms';
  const pages = Math.max(1, Math.ceil(input.total / input.pageSize));
  const countText = !input.asked
    ? undefined
    : input.total === 0
      ? 'No messages match.'
      : `${input.capped ? 'More than ' : ''}${number(input.total)} ${input.total === 1 ? 'message matches' : 'messages match'}${pages > 1 ? `; page ${input.page} of ${input.capped ? 'many' : number(pages)}` : ''}.`;
  const link = (page: number): string => searchPath(room?.ref, form, page);
  const { prevHref, nextHref } = neighbours(input.page, pages, link);
  return {
    meta: {
      title: `${input.asked ? `“${form.q}”: search` : 'Search'} ${where} · ${input.site.siteName}`,
      description: `Search the messages ${where}.`,
      canonical: undefined,
      noindex: true,
      alternates: input.asked && !room ? [{ href: searchFeedPath(form), type: 'application/atom+xml', title: `Search “${form.q}”` }] : [],
    },
    heading: room ? `Search ${room.name}` : 'Search the public rooms',
    action,
    form,
    countText,
    hasResults: input.hits.length > 0,
    results: input.hits.map((hit) => ({
      roomLabel: hit.roomRef,
      roomHref: roomPath(hit.roomRef),
      senderName: hit.senderName,
      senderId: hit.sender,
      isoTime: isoTime(hit.ts),
      time: utcDateTime(hit.ts),
      snippet: snippetHtml(hit.snippet),
      dayHref: `${dayPath(hit.roomRef, hit.day, hit.dayPage)}#${eventAnchor(hit.eventId)}`,
      permalink: eventLink(hit.roomRef, hit.eventId),
    })),
    sortOptions: [
      { value: 'relevance', label: 'Best match', selected: form.sort === 'relevance' },
      { value: 'new', label: 'Newest first', selected: form.sort === 'new' },
    ],
    page: input.page,
    start: (input.page - 1) * input.pageSize + 1,
    prevHref,
    nextHref,
    pager: stepPager({ label: 'Result pages' }, prevHref, nextHref),
    coverage: coverageText(input.coverage),
    feedHref: input.asked && !room ? searchFeedPath(form) : undefined,
    roomHref: room ? roomPath(room.ref) : undefined,
  };
}
