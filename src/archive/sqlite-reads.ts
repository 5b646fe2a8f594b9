import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { MatrixEvent } from '../matrix/events.js';
import { yieldToLoop } from '../slices.js';
import { eventOf, num, optional, toBackfill, toDayCount, toStretch, toThread, type Row } from './rows.js';
import { SearchWorker } from './sqlite-search-pool.js';
import { preparedStatements, searchSqlite, type Statements } from './sqlite-search.js';
import type { ArchiveStats, BackfillState, SearchQuery, SearchResult, Stretch, ThreadSummary } from './types.js';

/**
 * The SQLite store's reads, each one bounded query (node:sqlite runs them on the event loop;
 * searches, the longest, in a worker).
 * The writes are in sqlite.ts.
 */
export class SqliteReads {
  protected readonly db: DatabaseSync;

  constructor(private readonly path: string) {
    this.db = new DatabaseSync(path);
    // WAL lets the search worker's own read-only connection read beside this one's writes and
    // see each committed chunk. An in-memory database answers "memory" and searches in-process.
    const mode = (this.db.prepare('PRAGMA journal_mode = WAL').get() as Row | undefined)?.['journal_mode'];
    if (path !== ':memory:' && mode !== 'wal') throw new Error(`The SQLite archive ${path} cannot use WAL (journal mode ${String(mode)})`);
    this.db.exec('PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = OFF;');
    this.statements = preparedStatements(this.db);
  }

  private readonly statements: Statements;

  /** Prepared once per SQL text: the texts are this file's, sqlite.ts's and sqlite-search.ts's (which an in-memory archive runs with this), a bounded set. */
  statement(sql: string): StatementSync {
    return this.statements.statement(sql);
  }

  protected all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.statement(sql).all(...params) as Row[];
  }

  protected get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.statement(sql).get(...params) as Row | undefined;
  }

  protected run(sql: string, ...params: SQLInputValue[]): void {
    this.statement(sql).run(...params);
  }

  protected stretchRows(roomId: string): Stretch[] {
    return this.all('SELECT * FROM stretches WHERE room_id = ?', roomId).map(toStretch);
  }

  async stretches(roomId: string): Promise<Stretch[]> {
    return this.stretchRows(roomId);
  }

  async dayEvents(roomId: string, day: string): Promise<MatrixEvent[]> {
    return this.all('SELECT json FROM events WHERE room_id = ? AND day = ? ORDER BY ts, id', roomId, day).map(eventOf);
  }

  async neighbourDays(roomId: string, day: string): Promise<{ previous: string | undefined; next: string | undefined }> {
    const previous = this.get('SELECT max(day) AS day FROM events WHERE room_id = ? AND day < ?', roomId, day)?.['day'];
    const next = this.get('SELECT min(day) AS day FROM events WHERE room_id = ? AND day > ?', roomId, day)?.['day'];
    return { previous: optional(previous), next: optional(next) };
  }

  async membersAt(roomId: string, userIds: readonly string[], ts: number): Promise<MatrixEvent[]> {
    const before = this.db.prepare('SELECT json FROM members WHERE room_id = ? AND user_id = ? AND ts <= ? ORDER BY ts DESC LIMIT 1');
    const after = this.db.prepare('SELECT json FROM members WHERE room_id = ? AND user_id = ? ORDER BY ts ASC LIMIT 1');
    const found: MatrixEvent[] = [];
    for (const user of new Set(userIds)) {
      const row = (before.get(roomId, user, ts) ?? after.get(roomId, user)) as Row | undefined;
      if (row) found.push(eventOf(row));
    }
    return found;
  }

  async calendar(roomId: string): Promise<Array<{ day: string; count: number }>> {
    return this.all('SELECT day, count(*) AS n FROM events WHERE room_id = ? AND message = 1 GROUP BY day ORDER BY day', roomId).map(toDayCount);
  }

  async threads(roomId: string, limit: number, offset: number): Promise<{ threads: ThreadSummary[]; total: number }> {
    const total = num(this.get('SELECT count(DISTINCT thread_root) AS n FROM events WHERE room_id = ? AND thread_root IS NOT NULL', roomId)?.['n']);
    const rows = this.all(
      `SELECT t.root, t.replies, t.latest, r.json FROM
         (SELECT thread_root AS root, count(*) AS replies, max(ts) AS latest FROM events
           WHERE room_id = ? AND thread_root IS NOT NULL GROUP BY thread_root ORDER BY latest DESC LIMIT ? OFFSET ?) t
       LEFT JOIN events r ON r.room_id = ? AND r.event_id = t.root ORDER BY t.latest DESC`,
      roomId, limit, offset, roomId,
    );
    return { total, threads: rows.map(toThread) };
  }

  /**
   * In a worker with a read-only connection of its own (sqlite-search-worker.ts), so that no
   * search statement holds the event loop; an in-memory database (tests) cannot be shared
   * with a worker, so its searches run here, a walk a task (sqlite-search.ts).
   */
  async search(query: SearchQuery): Promise<SearchResult> {
    if (this.path === ':memory:') return searchSqlite(this, query, yieldToLoop);
    return (this.searchWorker ??= new SearchWorker(this.path)).search(query);
  }

  private searchWorker: SearchWorker | undefined;

  /** Stops the search worker; sqlite.ts's close() calls it before closing the connection. */
  protected async stopSearches(): Promise<void> {
    await this.searchWorker?.close();
    this.searchWorker = undefined;
  }

  async backfillState(roomId: string): Promise<BackfillState | undefined> {
    return toBackfill(roomId, this.get('SELECT * FROM backfill WHERE room_id = ?', roomId));
  }

  async roomEvents(roomId: string): Promise<number> {
    return num(this.get('SELECT count(*) AS n FROM events WHERE room_id = ?', roomId)?.['n']);
  }

  async stats(): Promise<ArchiveStats> {
    const events = num(this.get('SELECT count(*) AS n FROM events WHERE message = 1')?.['n']);
    const rooms = num(this.get('SELECT count(DISTINCT room_id) AS n FROM events')?.['n']);
    const pages = num(this.get('PRAGMA page_count')?.['page_count']);
    const size = num(this.get('PRAGMA page_size')?.['page_size']);
    return { events, rooms, bytes: pages * size };
  }
}
