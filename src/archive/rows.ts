import type { MatrixEvent } from '../matrix/events.js';
import { COUNT_CAP, type BackfillState, type SearchHit, type SearchResult, type Stretch, type ThreadSummary } from './types.js';

/**
 * Rows as both stores return them, mapped to the archive's types in one place. SQLite gives
 * integers for booleans and PostgreSQL gives strings for BIGINT counts; these mappers take both.
 */
export type Row = Record<string, unknown>;

export const str = (v: unknown): string => String(v ?? '');
export const num = (v: unknown): number => Number(v ?? 0);
export const optional = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
/** SQLite's 0/1 and PostgreSQL's false/true. */
export const flag = (v: unknown): boolean => v === true || v === 1 || v === 1n;
/** The stored `json` column: the event as the homeserver gave it, redactions applied. */
export const eventOf = (row: Row): MatrixEvent => JSON.parse(str(row['json'])) as MatrixEvent;

export function toStretch(row: Row): Stretch {
  return {
    id: num(row['id']),
    roomId: str(row['room_id']),
    loTs: num(row['lo_ts']),
    hiTs: num(row['hi_ts']),
    backToken: optional(row['back_token']),
    fwdToken: optional(row['fwd_token']),
    atStart: flag(row['at_start']),
    freshAt: num(row['fresh_at']),
  };
}

export function toBackfill(roomId: string, row: Row | undefined): BackfillState | undefined {
  return row ? { roomId, token: optional(row['token']), done: flag(row['done']), updatedAt: num(row['updated_at']) } : undefined;
}

export function toThread(row: Row): ThreadSummary {
  return { rootId: str(row['root']), replies: num(row['replies']), latestTs: num(row['latest']), root: row['json'] ? eventOf(row) : undefined };
}

export const toDayCount = (row: Row): { day: string; count: number } => ({ day: str(row['day']), count: num(row['n']) });

function toHit(row: Row): SearchHit {
  return {
    roomId: str(row['room_id']),
    eventId: str(row['event_id']),
    ts: num(row['ts']),
    day: str(row['day']),
    sender: str(row['sender']),
    senderName: str(row['sender_name']),
    snippet: str(row['snippet']),
  };
}

/** A page of hits and the count of all matches, counted up to COUNT_CAP + 1. */
export function toSearchResult(rows: Row[], counted: number): SearchResult {
  return { total: Math.min(counted, COUNT_CAP), capped: counted > COUNT_CAP, hits: rows.map(toHit) };
}
