/**
 * The loader of the pages read from the archive: the searches (of the public rooms, of one
 * room), a room's calendar and its thread index. Each call returns everything its page shows.
 * The room of a room's page has been checked live before (the archive is a copy, never the
 * authority on who may see what).
 */
import type { Archive } from '../archive/archive.js';
import type { ThreadSummary } from '../archive/types.js';
import { NotFound } from '../errors.js';
import type { MatrixEvent } from '../matrix/events.js';
import type { ListedRoom } from './directory.js';
import { loadCoverage, loadSearch, RESULTS_PER_PAGE, type Coverage, type LocatedHit } from './search.js';

const THREADS_PER_PAGE = 50;

/** The search form's fields, as the reader sent them (empty when not given). */
export interface SearchFields {
  q: string;
  from: string;
  to: string;
  sort: 'relevance' | 'new';
}

/** One room's page: its ID, and the form of its URLs. */
export interface ArchivedRoom {
  roomId: string;
  ref: string;
}

export interface SearchData<F extends SearchFields = SearchFields> {
  form: F;
  page: number;
  pageSize: number;
  hits: LocatedHit[];
  total: number;
  capped: boolean;
  coverage: Coverage;
  /** Whether a search was asked for at all (an empty form shows the form only). */
  asked: boolean;
}

export interface CalendarData {
  counts: Array<{ day: string; count: number }>;
  coverage: Coverage;
}

export interface ThreadsData {
  list: { threads: ThreadSummary[]; total: number };
  page: number;
  perPage: number;
  coverage: Coverage;
}

export interface ArchivePagesOptions {
  /** Every listed, readable room: what the search of the public rooms covers. */
  listedRooms: { get(): Promise<ListedRoom[]> };
  /** Visible events per day page, so a hit links to the page of its day that shows it. */
  dayPageSize: number;
  /** Whether an event shows in the main timeline (view/ decides; services.ts wires it in). */
  isVisible: (event: MatrixEvent) => boolean;
  freshnessMs: number;
  /** How far the backfill has read the public rooms, for the directory search's coverage line. */
  backfilled: () => { done: number; known: number } | undefined;
}

export class ArchivePages {
  constructor(
    private readonly archive: Archive,
    private readonly opts: ArchivePagesOptions,
  ) {}

  /** A search of one room (`room`), or of the public rooms; the form alone when it has no words. */
  async search<F extends SearchFields>(form: F, page: number, room?: ArchivedRoom): Promise<SearchData<F>> {
    const rooms: ReadonlyMap<string, string> = room ? new Map([[room.roomId, room.ref]]) : new Map((await this.opts.listedRooms.get()).map((r) => [r.roomId, r.ref]));
    const { freshnessMs } = this.opts;
    const backfilled = this.opts.backfilled();
    const load = form.q
      ? await loadSearch(this.archive, { ...form, page, rooms }, { dayPageSize: this.opts.dayPageSize, isVisible: this.opts.isVisible, freshnessMs, backfilled })
      : undefined;
    const coverage = load?.coverage ?? (await loadCoverage(this.archive, rooms, { freshnessMs, backfilled }));
    return { form, page, pageSize: RESULTS_PER_PAGE, hits: load?.hits ?? [], total: load?.total ?? 0, capped: load?.capped ?? false, coverage, asked: load !== undefined };
  }

  async calendar(room: ArchivedRoom): Promise<CalendarData> {
    const [counts, coverage] = await Promise.all([this.archive.store.calendar(room.roomId), this.coverage(room)]);
    return { counts, coverage };
  }

  /** Page `page` of the room's threads by latest activity; a page past the last is a 404. */
  async threads(room: ArchivedRoom, page: number): Promise<ThreadsData> {
    const [list, coverage] = await Promise.all([this.archive.store.threads(room.roomId, THREADS_PER_PAGE, (page - 1) * THREADS_PER_PAGE), this.coverage(room)]);
    if (page > 1 && list.threads.length === 0) throw new NotFound('There are not that many pages of threads.');
    return { list, page, perPage: THREADS_PER_PAGE, coverage };
  }

  private coverage(room: ArchivedRoom): Promise<Coverage> {
    return loadCoverage(this.archive, new Map([[room.roomId, room.ref]]), { freshnessMs: this.opts.freshnessMs });
  }
}
