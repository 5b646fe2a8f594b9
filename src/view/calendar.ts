import { coverageText } from './search.js';
import type { Coverage } from '../rooms/search.js';
import type { RoomContext, SiteContext } from './room.js';
import { roomMeta } from './room.js';
import type { PageMeta } from './page.js';
import { neighbours, stepPager, type Pager } from './pager.js';
import type { MatrixEvent } from '../matrix/events.js';
import { dayPath, roomSubPath, threadPath } from './urls.js';
import { isoTime, utcDateTime } from './events/format.js';
import { clip } from './text.js';
import { plainExcerpt } from './html/plain.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export interface CalendarDay {
  day: number;
  /** Undefined for a day without messages: shown as plain text. */
  href: string | undefined;
  count: number;
  label: string;
}

export interface CalendarView {
  meta: PageMeta;
  room: RoomContext;
  coverage: string;
  /** The archive holds no message of the room. */
  empty: boolean;
  years: Array<{ year: string; total: number; months: Array<{ id: string; name: string; total: number; days: CalendarDay[] }> }>;
}

/** Years, then months, then every day of a month with messages, with its count. */
export function buildCalendarPage(room: RoomContext, site: SiteContext, counts: ReadonlyArray<{ day: string; count: number }>, coverage: Coverage): CalendarView {
  const byMonth = new Map<string, Map<number, number>>();
  for (const { day, count } of counts) {
    const month = day.slice(0, 7);
    if (!byMonth.has(month)) byMonth.set(month, new Map());
    byMonth.get(month)!.set(Number(day.slice(8, 10)), count);
  }
  const years = new Map<string, CalendarView['years'][number]>();
  for (const [month, days] of [...byMonth.entries()].sort(([a], [b]) => (a < b ? 1 : -1))) {
    const [y, m] = [month.slice(0, 4), Number(month.slice(5, 7))];
    if (!years.has(y)) years.set(y, { year: y, total: 0, months: [] });
    const length = new Date(Date.UTC(Number(y), m, 0)).getUTCDate();
    const list: CalendarDay[] = [];
    let total = 0;
    for (let d = 1; d <= length; d++) {
      const count = days.get(d) ?? 0;
      total += count;
      const iso = `${month}-${String(d).padStart(2, '0')}`;
      list.push({ day: d, count, href: count > 0 ? dayPath(room.ref, iso) : undefined, label: count > 0 ? `${d}: ${count} ${count === 1 ? 'message' : 'messages'}` : String(d) });
    }
    const year = years.get(y)!;
    year.total += total;
    year.months.push({ id: `m-${month}`, name: `${MONTHS[m - 1]} ${y}`, total, days: list });
  }
  return {
    meta: { ...roomMeta(room, site, { title: `${room.name}: calendar`, path: room.links.calendar, description: `Every day with messages in ${room.name}, by year and month.` }) },
    room,
    coverage: coverageText(coverage),
    empty: years.size === 0,
    years: [...years.values()],
  };
}

export interface ThreadsView {
  meta: PageMeta;
  room: RoomContext;
  coverage: string;
  total: number;
  /** The archive holds no thread of the room. */
  empty: boolean;
  threads: Array<{ href: string; excerpt: string; replies: string; isoTime: string; time: string }>;
  pager: Pager | undefined;
}

export function buildThreadsPage(
  room: RoomContext,
  site: SiteContext,
  list: { threads: Array<{ rootId: string; replies: number; latestTs: number; root: MatrixEvent | undefined }>; total: number },
  page: number,
  perPage: number,
  coverage: Coverage,
): ThreadsView {
  const pages = Math.max(1, Math.ceil(list.total / perPage));
  const at = (p: number): string => roomSubPath(room.ref, 'threads', { page: p > 1 ? p : undefined });
  const { prevHref, nextHref } = neighbours(page, pages, at);
  return {
    meta: roomMeta(room, site, { title: `${room.name}: threads${page > 1 ? `, page ${page}` : ''}`, path: at(page), description: `Threads in ${room.name}, by latest activity.`, prev: prevHref, next: nextHref }),
    room,
    coverage: coverageText(coverage),
    total: list.total,
    empty: list.threads.length === 0,
    threads: list.threads.map((t) => {
      const body = t.root && typeof t.root.content['body'] === 'string' ? t.root.content['body'] : '';
      return {
        href: threadPath(room.ref, t.rootId),
        excerpt: body ? clip(plainExcerpt(body, 200), 160) : t.root ? '(a message without text)' : '(the first message is not in the archive yet)',
        replies: `${t.replies} ${t.replies === 1 ? 'reply' : 'replies'}`,
        isoTime: isoTime(t.latestTs),
        time: utcDateTime(t.latestTs),
      };
    }),
    pager: stepPager({ label: 'Thread pages' }, prevHref, nextHref),
  };
}
