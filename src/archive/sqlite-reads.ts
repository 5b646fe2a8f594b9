import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import type { MatrixEvent } from '../matrix/events.js';
import { ftsMatch } from './redact.js';
import { eventOf, num, optional, toBackfill, toDayCount, toSearchResult, toStretch, toThread, type Row } from './rows.js';
import { COUNT_CAP, MARK_END, MARK_START, type ArchiveStats, type BackfillState, type SearchQuery, type SearchResult, type Stretch, type ThreadSummary } from './types.js';

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

  protected all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.db.prepare(sql).all(...params) as Row[];
  }

  protected get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.db.prepare(sql).get(...params) as Row | undefined;
  }

  protected run(sql: string, ...params: SQLInputValue[]): void {
    this.db.prepare(sql).run(...params);
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

  async search(query: SearchQuery): Promise<SearchResult> {
    const where: string[] = ['e.room_id IN (SELECT value FROM json_each(?))'];
    const params: SQLInputValue[] = [JSON.stringify(query.roomIds)];
    if (query.terms.length > 0) {
      where.unshift('events_fts MATCH ?');
      params.unshift(ftsMatch(query.terms));
    }
    if (query.sender) (where.push('e.sender = ?'), params.push(query.sender));
    if (query.fromTs !== undefined) (where.push('e.ts >= ?'), params.push(query.fromTs));
    if (query.toTs !== undefined) (where.push('e.ts <= ?'), params.push(query.toTs));
    const from = 'events_fts JOIN events e ON e.id = events_fts.rowid';
    const order = query.terms.length > 0 && query.sort === 'relevance' ? 'bm25(events_fts), e.ts DESC' : 'e.ts DESC';
    const snippet = query.terms.length > 0 ? `snippet(events_fts, 0, '${MARK_START}', '${MARK_END}', '…', 24)` : 'substr(events_fts.text, 1, 200)';
    const rows = this.all(
      `SELECT e.room_id, e.event_id, e.ts, e.day, e.sender, e.sender_name, ${snippet} AS snippet FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ? OFFSET ?`,
      ...params, query.limit, query.offset,
    );
    const counted = num(this.get(`SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${where.join(' AND ')} LIMIT ${COUNT_CAP + 1})`, ...params)?.['n']);
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
