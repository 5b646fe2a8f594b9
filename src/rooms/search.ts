import type { Archive } from '../archive/archive.js';
import { parseDateField, parseQuery } from '../archive/query.js';
import { completeSince } from '../archive/stretches.js';
import type { SearchHit } from '../archive/types.js';
import { BadRequest } from '../errors.js';
import type { MatrixEvent } from '../matrix/events.js';
import { splitPages } from './days.js';

/** A hit, placed: the room's URL form, and which page of its day shows it. */
export interface LocatedHit extends SearchHit {
  roomRef: string;
  dayPage: number;
}

export interface SearchRequest {
  q: string;
  from: string | undefined;
  to: string | undefined;
  sort: 'relevance' | 'new';
  page: number;
  /** The rooms searched, by ID, with the form of their URLs. */
  rooms: ReadonlyMap<string, string>;
}

export interface Coverage {
  messages: number;
  rooms: number;
  /** For one room: since when the archive holds it without gaps, and whether that is its creation. */
  room?: { since: number; atStart: boolean } | undefined;
  /** For the directory: rooms the backfill has read to their start, of those it walks. */
  backfilled?: { done: number; known: number } | undefined;
}

export interface SearchLoad {
  hits: LocatedHit[];
  total: number;
  capped: boolean;
  coverage: Coverage;
}

export const RESULTS_PER_PAGE = 20;
const MAX_PAGE = 50;

/**
 * Searches the archive and places each hit on its day page: the day's events split by the
 * same rule as the day pages, so the link's page and anchor are where the message is shown.
 */
export async function loadSearch(
  archive: Archive,
  request: SearchRequest,
  opts: { dayPageSize: number; isVisible: (event: MatrixEvent) => boolean; freshnessMs: number; backfilled?: { done: number; known: number } },
): Promise<SearchLoad> {
  const parsed = parseQuery(request.q);
  const fromTs = parseDateField(request.from, 'first', false);
  const toTs = parseDateField(request.to, 'last', true);
  if (fromTs !== undefined && toTs !== undefined && fromTs > toTs) throw new BadRequest('The first date must not be after the last date.');
  if (request.page > MAX_PAGE) throw new BadRequest(`Results go to page ${MAX_PAGE} at most; narrow the search instead.`);
  const result = await archive.store.search({
    ...parsed,
    roomIds: [...request.rooms.keys()],
    fromTs,
    toTs,
    sort: request.sort,
    limit: RESULTS_PER_PAGE,
    offset: (request.page - 1) * RESULTS_PER_PAGE,
  });
  const days = new Map<string, Promise<MatrixEvent[]>>();
  const hits = await Promise.all(
    result.hits.map(async (hit) => {
      const key = `${hit.roomId}\u0000${hit.day}`;
      if (!days.has(key)) days.set(key, archive.store.dayEvents(hit.roomId, hit.day));
      const pages = splitPages(await days.get(key)!, opts.dayPageSize, opts.isVisible);
      const index = pages.findIndex((page) => page.some((e) => e.event_id === hit.eventId));
      return { ...hit, roomRef: request.rooms.get(hit.roomId) ?? hit.roomId, dayPage: index < 0 ? 1 : index + 1 };
    }),
  );
  return { hits, total: result.total, capped: result.capped, coverage: await loadCoverage(archive, request.rooms, opts) };
}

export async function loadCoverage(
  archive: Archive,
  rooms: ReadonlyMap<string, string>,
  opts: { freshnessMs: number; backfilled?: { done: number; known: number } },
): Promise<Coverage> {
  const stats = await archive.stats();
  if (rooms.size !== 1) return { messages: stats.events, rooms: stats.rooms, backfilled: opts.backfilled };
  const [roomId] = rooms.keys();
  const stretches = await archive.store.stretches(roomId!);
  const messages = (await archive.store.calendar(roomId!)).reduce((sum, d) => sum + d.count, 0);
  const since = completeSince(stretches, Date.now(), opts.freshnessMs);
  return { messages, rooms: 1, room: since ? { since: since.ts, atStart: since.atStart } : undefined };
}
