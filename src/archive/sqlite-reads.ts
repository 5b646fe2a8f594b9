import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { MatrixEvent } from '../matrix/events.js';
import { yieldToLoop } from '../slices.js';
import { ftsMatch } from './redact.js';
import { eventOf, num, optional, toBackfill, toDayCount, toSearchResult, toStretch, toThread, type Row } from './rows.js';
import { COUNT_CAP, MARK_END, MARK_START, type ArchiveStats, type BackfillState, type SearchQuery, type SearchResult, type Stretch, type ThreadSummary } from './types.js';

/** How many matches of the words a search looks through at most, newest first. */
const SCAN_CAP = 5 * COUNT_CAP;

/**
 * The SQLite store's reads, each one bounded query (node:sqlite runs them on the event loop).
 * The writes are in sqlite.ts.
 */
export class SqliteReads {
  protected readonly db: DatabaseSync;

  constructor(path: string) {
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = OFF;');
  }

  private readonly statements = new Map<string, StatementSync>();

  /** Prepared once per SQL text: the texts are this file's and sqlite.ts's, a bounded set. */
  protected statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
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
   * Bounded whatever the words. The index's rowids are time keys (see the schema), so FTS5
   * walks a match newest first. A first, cheap walk (rowids only) goes through at most
   * SCAN_CAP matches and finds where the newest COUNT_CAP that pass the filters end; the page
   * then walks only that far, ranking by bm25 or taking the newest, and snippets are made for
   * the page's rows. Dates bound the walk by rowid. Without words (`from:` alone) the sender's
   * index is walked newest first.
   */
  async search(query: SearchQuery): Promise<SearchResult> {
    return query.terms.length > 0 ? this.searchWords(query) : this.searchSender(query);
  }

  private filters(query: SearchQuery): { where: string[]; params: SQLInputValue[] } {
    const where = ['e.room_id IN (SELECT value FROM json_each(?))'];
    const params: SQLInputValue[] = [JSON.stringify(query.roomIds)];
    if (query.sender) (where.push('e.sender = ?'), params.push(query.sender));
    if (query.fromTs !== undefined) (where.push('e.ts >= ?'), params.push(query.fromTs));
    if (query.toTs !== undefined) (where.push('e.ts <= ?'), params.push(query.toTs));
    return { where, params };
  }

  private async searchWords(query: SearchQuery): Promise<SearchResult> {
    const match = ftsMatch(query.terms);
    const { where, params } = this.filters(query);
    const range: string[] = [];
    const rangeParams: SQLInputValue[] = [];
    if (query.fromTs !== undefined) (range.push('rowid >= ? * 1048576'), rangeParams.push(Math.max(0, Math.trunc(query.fromTs))));
    if (query.toTs !== undefined) (range.push('rowid < (? + 1) * 1048576'), rangeParams.push(Math.max(0, Math.trunc(query.toTs))));
    const walk = `SELECT rowid AS fid FROM events_fts WHERE events_fts MATCH ?${range.map((r) => ` AND ${r}`).join('')} ORDER BY rowid DESC LIMIT ${SCAN_CAP}`;
    const walkParams = [match, ...rangeParams];
    const passing = `SELECT m.fid FROM (${walk}) m CROSS JOIN events e ON e.fts_id = m.fid WHERE ${where.join(' AND ')} LIMIT ${COUNT_CAP + 1}`;
    // One walk (statements hold the event loop: each walk is a task of its own): the count, and
    // the oldest of the newest COUNT_CAP matches that pass, where the page's walk stops. The
    // edge is a time key past 2^53, so it is read and passed on as a BigInt.
    const first = this.statement(`SELECT count(*) AS n, min(CASE WHEN k <= ${COUNT_CAP} THEN fid END) AS edge FROM (SELECT fid, row_number() OVER (ORDER BY fid DESC) AS k FROM (${passing}))`);
    first.setReadBigInts(true);
    const counts = first.get(...walkParams, ...params) as Row | undefined;
    const counted = num(counts?.['n']);
    const edgeKey = counts?.['edge'];
    if (typeof edgeKey !== 'bigint') return toSearchResult([], 0);
    // A walk cut off at SCAN_CAP may have left matches unseen: then say "more than".
    await yieldToLoop();
    const cut = counted <= COUNT_CAP && num(this.get(`SELECT count(*) AS n FROM (${walk})`, ...walkParams)?.['n']) >= SCAN_CAP;
    await yieldToLoop();
    const from = `events_fts CROSS JOIN events e ON e.fts_id = events_fts.rowid WHERE events_fts MATCH ? AND events_fts.rowid >= ? AND ${where.join(' AND ')}`;
    const fields = 'e.id, e.room_id, e.event_id, e.ts, e.day, e.sender, e.sender_name';
    const rows =
      query.sort === 'relevance'
        ? this.all(`SELECT ${fields} FROM ${from} ORDER BY bm25(events_fts), events_fts.rowid DESC LIMIT ? OFFSET ?`, match, edgeKey, ...params, query.limit, query.offset)
        : this.all(`SELECT ${fields} FROM ${from} ORDER BY events_fts.rowid DESC LIMIT ? OFFSET ?`, match, edgeKey, ...params, query.limit, query.offset);
    await yieldToLoop();
    const snippet = `SELECT snippet(events_fts, 0, '${MARK_START}', '${MARK_END}', '…', 24) AS snippet FROM events_fts
       WHERE events_fts MATCH ? AND rowid = (SELECT fts_id FROM events WHERE id = ?)`;
    for (const row of rows) row['snippet'] = this.get(snippet, match, num(row['id']))?.['snippet'];
    const result = toSearchResult(rows, counted);
    return cut ? { ...result, capped: true } : result;
  }

  private searchSender(query: SearchQuery): SearchResult {
    const { where, params } = this.filters(query);
    const from = `events e CROSS JOIN events_fts ON events_fts.rowid = e.fts_id WHERE e.fts_id IS NOT NULL AND ${where.join(' AND ')}`;
    const rows = this.all(
      `SELECT e.room_id, e.event_id, e.ts, e.day, e.sender, e.sender_name, substr(events_fts.text, 1, 200) AS snippet FROM ${from} ORDER BY e.ts DESC LIMIT ? OFFSET ?`,
      ...params, query.limit, query.offset,
    );
    const counted = num(this.get(`SELECT count(*) AS n FROM (SELECT 1 FROM ${from} LIMIT ${COUNT_CAP + 1})`, ...params)?.['n']);
    return toSearchResult(rows, counted);
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
