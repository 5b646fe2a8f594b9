import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { ftsMatch } from './redact.js';
import { num, toSearchResult, type Row } from './rows.js';
import { COUNT_CAP, MARK_END, MARK_START, type SearchQuery, type SearchResult } from './types.js';

/** How many matches of the words one walk looks through, newest first. */
const SCAN_CAP = 5 * COUNT_CAP;
/** Walks a search takes at most: 100 × 5,000 matches of its words, before it says "more than". */
const MAX_WINDOWS = 100;

/** A connection's prepared statements, one per SQL text (the texts here are a bounded set). */
export interface Statements {
  statement(sql: string): StatementSync;
}

/** Prepares each SQL text once on `db`: the store's connection and the search worker's share this. */
export function preparedStatements(db: DatabaseSync): Statements {
  const statements = new Map<string, StatementSync>();
  return {
    statement(sql) {
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = db.prepare(sql)));
      return statement;
    },
  };
}

const all = (db: Statements, sql: string, ...params: SQLInputValue[]): Row[] => db.statement(sql).all(...params) as Row[];
const get = (db: Statements, sql: string, ...params: SQLInputValue[]): Row | undefined => db.statement(sql).get(...params) as Row | undefined;

/**
 * Bounded whatever the words. The index's rowids are time keys (see the schema), so FTS5
 * walks a match newest first. A first, cheap walk (rowids only) goes through at most
 * SCAN_CAP matches and finds where the newest COUNT_CAP that pass the filters end; the page
 * then walks only that far, ranking by bm25 or taking the newest, and snippets are made for
 * the page's rows. Dates bound the walk by rowid. Without words (`from:` alone) the sender's
 * index is walked newest first. `pause` runs between walks: on the event loop (an in-memory
 * archive) it gives the loop back, in the search worker it does nothing.
 */
export async function searchSqlite(db: Statements, query: SearchQuery, pause: () => Promise<void>): Promise<SearchResult> {
  return query.terms.length > 0 ? searchWords(db, query, pause) : searchSender(db, query);
}

function filters(query: SearchQuery): { where: string[]; params: SQLInputValue[] } {
  const where = ['e.room_id IN (SELECT value FROM json_each(?))'];
  const params: SQLInputValue[] = [JSON.stringify(query.roomIds)];
  if (query.sender) (where.push('e.sender = ?'), params.push(query.sender));
  if (query.fromTs !== undefined) (where.push('e.ts >= ?'), params.push(query.fromTs));
  if (query.toTs !== undefined) (where.push('e.ts <= ?'), params.push(query.toTs));
  return { where, params };
}

async function searchWords(db: Statements, query: SearchQuery, pause: () => Promise<void>): Promise<SearchResult> {
  const match = ftsMatch(query.terms);
  const { where, params } = filters(query);
  const range: string[] = [];
  const rangeParams: SQLInputValue[] = [];
  if (query.fromTs !== undefined) (range.push('rowid >= ? * 1048576'), rangeParams.push(Math.max(0, Math.trunc(query.fromTs))));
  if (query.toTs !== undefined) (range.push('rowid < (? + 1) * 1048576'), rangeParams.push(Math.max(0, Math.trunc(query.toTs))));
  // The matches are walked newest first in windows of SCAN_CAP, each window a task of its own,
  // until COUNT_CAP + 1 pass the filters: a one-room search still finds that room's matches
  // behind thousands of newer ones elsewhere. `edge` ends up at the oldest of the newest
  // COUNT_CAP that pass, where the page's walk stops; it is a time key past 2^53, so a BigInt.
  let counted = 0;
  let edgeKey: bigint | undefined;
  let below: bigint | undefined;
  let cut = false;
  for (let window = 0; ; window++) {
    const bounds = [...range, ...(below === undefined ? [] : ['rowid < ?'])];
    const walk = `SELECT rowid AS fid FROM events_fts WHERE events_fts MATCH ?${bounds.map((r) => ` AND ${r}`).join('')} ORDER BY rowid DESC LIMIT ${SCAN_CAP}`;
    const walkParams: SQLInputValue[] = [match, ...rangeParams, ...(below === undefined ? [] : [below])];
    const need = COUNT_CAP - counted;
    const passing = `SELECT m.fid FROM (${walk}) m CROSS JOIN events e ON e.fts_id = m.fid WHERE ${where.join(' AND ')} LIMIT ?`;
    // Positional parameters bind in the order the text names them.
    const first = db.statement(
      `SELECT (SELECT count(*) FROM (${walk})) AS scanned, (SELECT min(fid) FROM (${walk})) AS low, count(*) AS n, min(CASE WHEN k <= ? THEN fid END) AS edge FROM (SELECT fid, row_number() OVER (ORDER BY fid DESC) AS k FROM (${passing}))`,
    );
    first.setReadBigInts(true);
    const row = first.get(...walkParams, ...walkParams, need, ...walkParams, ...params, need + 1) as Row | undefined;
    counted += num(row?.['n']);
    if (typeof row?.['edge'] === 'bigint') edgeKey = row['edge'];
    const scanned = num(row?.['scanned']);
    if (counted > COUNT_CAP || scanned < SCAN_CAP || typeof row?.['low'] !== 'bigint') break;
    // Past MAX_WINDOWS the words are too common to count further: say "more than".
    if (window + 1 >= MAX_WINDOWS) {
      cut = true;
      break;
    }
    below = row['low'];
    await pause();
  }
  if (edgeKey === undefined) return cut ? { ...toSearchResult([], 0), capped: true } : toSearchResult([], 0);
  await pause();
  const from = `events_fts CROSS JOIN events e ON e.fts_id = events_fts.rowid WHERE events_fts MATCH ? AND events_fts.rowid >= ? AND ${where.join(' AND ')}`;
  const fields = 'e.id, e.room_id, e.event_id, e.ts, e.day, e.sender, e.sender_name';
  const rows =
    query.sort === 'relevance'
      ? all(db, `SELECT ${fields} FROM ${from} ORDER BY bm25(events_fts), events_fts.rowid DESC LIMIT ? OFFSET ?`, match, edgeKey, ...params, query.limit, query.offset)
      : all(db, `SELECT ${fields} FROM ${from} ORDER BY events_fts.rowid DESC LIMIT ? OFFSET ?`, match, edgeKey, ...params, query.limit, query.offset);
  await pause();
  const snippet = `SELECT snippet(events_fts, 0, '${MARK_START}', '${MARK_END}', '…', 24) AS snippet FROM events_fts
     WHERE events_fts MATCH ? AND rowid = (SELECT fts_id FROM events WHERE id = ?)`;
  for (const row of rows) row['snippet'] = get(db, snippet, match, num(row['id']))?.['snippet'];
  const result = toSearchResult(rows, counted);
  return cut ? { ...result, capped: true } : result;
}

function searchSender(db: Statements, query: SearchQuery): SearchResult {
  const { where, params } = filters(query);
  const from = `events e CROSS JOIN events_fts ON events_fts.rowid = e.fts_id WHERE e.fts_id IS NOT NULL AND ${where.join(' AND ')}`;
  const rows = all(
    db,
    `SELECT e.room_id, e.event_id, e.ts, e.day, e.sender, e.sender_name, substr(events_fts.text, 1, 200) AS snippet FROM ${from} ORDER BY e.ts DESC LIMIT ? OFFSET ?`,
    ...params, query.limit, query.offset,
  );
  const counted = num(get(db, `SELECT count(*) AS n FROM (SELECT 1 FROM ${from} LIMIT ${COUNT_CAP + 1})`, ...params)?.['n']);
  return toSearchResult(rows, counted);
}
