import type pg from 'pg';
import type { MatrixEvent } from '../matrix/events.js';
import { eventOf, num, optional, toBackfill, toDayCount, toSearchResult, toStretch, toThread, type Row } from './rows.js';
import { COUNT_CAP, MARK_END, MARK_START, type ArchiveStats, type BackfillState, type SearchQuery, type SearchResult, type Stretch, type ThreadSummary } from './types.js';

export type Db = Pick<pg.PoolClient, 'query'>;

const HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

/** The PostgreSQL store's reads, each one bounded query; the writes are in postgres.ts. */
export class PostgresReads {
  constructor(protected readonly pool: pg.Pool) {}

  protected async rows(sql: string, params: unknown[] = [], db: Db = this.pool): Promise<Row[]> {
    return (await db.query(sql, params)).rows as Row[];
  }

  async stretches(roomId: string): Promise<Stretch[]> {
    return (await this.rows('SELECT * FROM stretches WHERE room_id = $1', [roomId])).map(toStretch);
  }

  async dayEvents(roomId: string, day: string): Promise<MatrixEvent[]> {
    return (await this.rows('SELECT json FROM events WHERE room_id = $1 AND day = $2 ORDER BY ts, id', [roomId, day])).map(eventOf);
  }

  async neighbourDays(roomId: string, day: string): Promise<{ previous: string | undefined; next: string | undefined }> {
    const [row] = await this.rows(
      `SELECT (SELECT max(day) FROM events WHERE room_id = $1 AND day < $2) AS previous,
              (SELECT min(day) FROM events WHERE room_id = $1 AND day > $2) AS next`,
      [roomId, day],
    );
    return { previous: optional(row?.['previous']), next: optional(row?.['next']) };
  }

  async membersAt(roomId: string, userIds: readonly string[], ts: number): Promise<MatrixEvent[]> {
    const rows = await this.rows(
      `SELECT DISTINCT ON (user_id) json FROM members WHERE room_id = $1 AND user_id = ANY($2)
       ORDER BY user_id, (ts <= $3) DESC, CASE WHEN ts <= $3 THEN -ts ELSE ts END`,
      [roomId, [...new Set(userIds)], ts],
    );
    return rows.map(eventOf);
  }

  async calendar(roomId: string): Promise<Array<{ day: string; count: number }>> {
    return (await this.rows('SELECT day, count(*) AS n FROM events WHERE room_id = $1 AND message GROUP BY day ORDER BY day', [roomId])).map(toDayCount);
  }

  async threads(roomId: string, limit: number, offset: number): Promise<{ threads: ThreadSummary[]; total: number }> {
    const [count] = await this.rows('SELECT count(DISTINCT thread_root) AS n FROM events WHERE room_id = $1 AND thread_root IS NOT NULL', [roomId]);
    const rows = await this.rows(
      `SELECT t.root, t.replies, t.latest, r.json FROM
         (SELECT thread_root AS root, count(*) AS replies, max(ts) AS latest FROM events
           WHERE room_id = $1 AND thread_root IS NOT NULL GROUP BY thread_root ORDER BY latest DESC LIMIT $2 OFFSET $3) t
       LEFT JOIN events r ON r.room_id = $1 AND r.event_id = t.root ORDER BY t.latest DESC`,
      [roomId, limit, offset],
    );
    return { total: num(count?.['n']), threads: rows.map(toThread) };
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const params: unknown[] = [query.roomIds];
    const where = ['e.room_id = ANY($1)'];
    const p = (value: unknown): string => `$${params.push(value)}`;
    let tsq = '';
    if (query.terms.length > 0) {
      tsq = query.terms.map((words) => (words.length === 1 ? `plainto_tsquery('simple', ${p(words[0])})` : `phraseto_tsquery('simple', ${p(words.join(' '))})`)).join(' && ');
      where.push(`e.tsv @@ (${tsq})`);
    } else {
      where.push("e.text <> ''");
    }
    if (query.sender) where.push(`e.sender = ${p(query.sender)}`);
    if (query.fromTs !== undefined) where.push(`e.ts >= ${p(query.fromTs)}`);
    if (query.toTs !== undefined) where.push(`e.ts <= ${p(query.toTs)}`);
    const filter = where.join(' AND ');
    const ranked = tsq !== '' && query.sort === 'relevance';
    const order = ranked ? `ts_rank_cd(e.tsv, ${tsq}) DESC, e.ts DESC` : 'e.ts DESC';
    const [count] = await this.rows(`SELECT count(*) AS n FROM (SELECT 1 FROM events e WHERE ${filter} LIMIT ${COUNT_CAP + 1}) c`, params);
    const pageParams = [...params];
    const limit = `$${pageParams.push(query.limit)}`;
    const offset = `$${pageParams.push(query.offset)}`;
    const headline = tsq ? `ts_headline('simple', text, ${tsq}, $${pageParams.push(HEADLINE)})` : 'left(text, 200)';
    const fields = 'e.room_id, e.event_id, e.ts, e.day, e.sender, e.sender_name, e.text';
    // Relevance ranks the newest COUNT_CAP matches, as SQLite does, so a common word is not
    // ranked over every message that has it; the headline is made for the page's rows only.
    const page = ranked
      ? `SELECT * FROM (SELECT ${fields}, e.tsv FROM events e WHERE ${filter} ORDER BY e.ts DESC LIMIT ${COUNT_CAP}) e ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`
      : `SELECT ${fields} FROM events e WHERE ${filter} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`;
    const rows = await this.rows(`SELECT room_id, event_id, ts, day, sender, sender_name, ${headline} AS snippet FROM (${page}) page`, pageParams);
    return toSearchResult(rows, num(count?.['n']));
  }

  async backfillState(roomId: string): Promise<BackfillState | undefined> {
    const [row] = await this.rows('SELECT * FROM backfill WHERE room_id = $1', [roomId]);
    return toBackfill(roomId, row);
  }

  async roomEvents(roomId: string): Promise<number> {
    return num((await this.rows('SELECT count(*) AS n FROM events WHERE room_id = $1', [roomId]))[0]?.['n']);
  }

  async stats(): Promise<ArchiveStats> {
    const [row] = await this.rows(
      `SELECT (SELECT count(*) FROM events WHERE message) AS events, (SELECT count(DISTINCT room_id) FROM events) AS rooms,
              pg_total_relation_size('events') + pg_total_relation_size('members') + pg_total_relation_size('stretches') AS bytes`,
    );
    return { events: num(row?.['events']), rooms: num(row?.['rooms']), bytes: num(row?.['bytes']) };
  }
}
