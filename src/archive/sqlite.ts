import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import type { MatrixEvent } from '../matrix/events.js';
import { ftsMatch, redactedBy, redactedCopy } from './redact.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import { planStretch } from './stretches.js';
import {
  COUNT_CAP,
  MARK_END,
  MARK_START,
  type ArchiveStats,
  type ArchiveStore,
  type ArchivedChunk,
  type BackfillState,
  type SearchQuery,
  type SearchResult,
  type Stretch,
  type ThreadSummary,
} from './types.js';

type Row = Record<string, SQLInputValue>;

const str = (v: SQLInputValue | undefined): string => String(v ?? '');
const num = (v: SQLInputValue | undefined): number => Number(v ?? 0);
const optional = (v: SQLInputValue | undefined): string | undefined => (v === null || v === undefined ? undefined : String(v));

function toStretch(row: Row): Stretch {
  return {
    id: num(row['id']),
    roomId: str(row['room_id']),
    loTs: num(row['lo_ts']),
    hiTs: num(row['hi_ts']),
    backToken: optional(row['back_token']),
    fwdToken: optional(row['fwd_token']),
    atStart: num(row['at_start']) === 1,
    freshAt: num(row['fresh_at']),
  };
}

/**
 * The embedded archive: one SQLite file through Node's built-in node:sqlite, FTS5 for text.
 * node:sqlite is synchronous, so every statement here is small: one chunk per transaction,
 * and searches with a LIMIT.
 */
export class SqliteStore implements ArchiveStore {
  readonly kind = 'sqlite' as const;
  private readonly db: DatabaseSync;

  constructor(private readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = OFF;');
  }

  private all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.db.prepare(sql).all(...params) as Row[];
  }

  private get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.db.prepare(sql).get(...params) as Row | undefined;
  }

  private run(sql: string, ...params: SQLInputValue[]): void {
    this.db.prepare(sql).run(...params);
  }

  private transaction(work: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async migrate(): Promise<void> {
    const version = num(this.get('PRAGMA user_version')?.['user_version']);
    for (let step = version; step < SQLITE_MIGRATIONS.length; step++) {
      this.transaction(() => {
        this.db.exec(SQLITE_MIGRATIONS[step]!);
        this.db.exec(`PRAGMA user_version = ${step + 1}`);
      });
    }
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  async recordChunk(chunk: ArchivedChunk): Promise<void> {
    const { roomId } = chunk;
    this.transaction(() => {
      let stretchId: number | null = null;
      if (chunk.edges) {
        const ids = JSON.stringify(chunk.events.map((e) => e.event.event_id));
        const touching = new Set(
          this.all('SELECT DISTINCT stretch FROM events WHERE room_id = ? AND event_id IN (SELECT value FROM json_each(?)) AND stretch IS NOT NULL', roomId, ids).map((r) => num(r['stretch'])),
        );
        const tss = chunk.events.map((e) => e.event.origin_server_ts);
        const plan = planStretch(this.stretchRows(roomId), {
          edges: chunk.edges,
          loTs: tss.length ? Math.min(...tss) : undefined,
          hiTs: tss.length ? Math.max(...tss) : undefined,
          touching,
          now: chunk.now,
        });
        const s = plan.stretch;
        if (s.id === 0 && chunk.events.length > 0) {
          const row = this.get(
            'INSERT INTO stretches (room_id, lo_ts, hi_ts, back_token, fwd_token, at_start, fresh_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
            roomId, s.loTs, s.hiTs, s.backToken ?? null, s.fwdToken ?? null, s.atStart ? 1 : 0, s.freshAt,
          );
          stretchId = num(row?.['id']);
        } else if (s.id !== 0) {
          stretchId = s.id;
          this.run('UPDATE stretches SET lo_ts = ?, hi_ts = ?, back_token = ?, fwd_token = ?, at_start = ?, fresh_at = ? WHERE id = ?',
            s.loTs, s.hiTs, s.backToken ?? null, s.fwdToken ?? null, s.atStart ? 1 : 0, s.freshAt, s.id);
        }
        for (const absorbed of plan.absorb) {
          this.run('UPDATE events SET stretch = ? WHERE room_id = ? AND stretch = ?', stretchId, roomId, absorbed);
          this.run('DELETE FROM stretches WHERE id = ?', absorbed);
        }
      }
      const insert = this.db.prepare(
        `INSERT INTO events (room_id, event_id, ts, day, sender, type, thread_root, sender_name, message, json, stretch)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (room_id, event_id) DO NOTHING RETURNING id`,
      );
      const index = this.db.prepare('INSERT INTO events_fts (rowid, text) VALUES (?, ?)');
      const relabel = this.db.prepare('UPDATE events SET stretch = ? WHERE room_id = ? AND event_id = ? AND stretch IS NOT ?');
      for (const item of chunk.events) {
        const e = item.event;
        const row = insert.get(roomId, e.event_id, e.origin_server_ts, item.day, e.sender, e.type, item.threadRoot ?? null, item.senderName, item.message ? 1 : 0, JSON.stringify(e), stretchId) as Row | undefined;
        if (row && item.text) index.run(num(row['id']), item.text);
        else if (!row && stretchId !== null) relabel.run(stretchId, roomId, e.event_id, stretchId);
      }
      const member = this.db.prepare('INSERT INTO members (room_id, user_id, event_id, ts, json) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
      for (const m of chunk.members) {
        if (m.type === 'm.room.member' && m.state_key) member.run(roomId, m.state_key, m.event_id, m.origin_server_ts, JSON.stringify(m));
      }
      for (const item of chunk.events) {
        const e = item.event;
        if (e.type === 'm.room.redaction' && e.redacts) this.redactNow(roomId, e.redacts, e);
        const because = redactedBy(e);
        if (because) this.redactNow(roomId, e.event_id, because);
      }
    });
  }

  private redactNow(roomId: string, eventId: string, redaction: MatrixEvent): void {
    const row = this.get('SELECT id, json, redacted FROM events WHERE room_id = ? AND event_id = ?', roomId, eventId);
    if (!row || num(row['redacted']) === 1) return;
    const copy = redactedCopy(JSON.parse(str(row['json'])) as MatrixEvent, redaction);
    this.run('UPDATE events SET json = ?, redacted = 1, message = message WHERE id = ?', JSON.stringify(copy), num(row['id']));
    this.run('DELETE FROM events_fts WHERE rowid = ?', num(row['id']));
    this.run('UPDATE members SET json = ? WHERE room_id = ? AND event_id = ?', JSON.stringify(copy), roomId, eventId);
  }

  async redact(roomId: string, eventId: string, redaction: MatrixEvent): Promise<void> {
    this.transaction(() => this.redactNow(roomId, eventId, redaction));
  }

  async deleteRoom(roomId: string): Promise<void> {
    this.transaction(() => {
      this.run('DELETE FROM events_fts WHERE rowid IN (SELECT id FROM events WHERE room_id = ?)', roomId);
      for (const table of ['events', 'members', 'stretches', 'backfill']) this.run(`DELETE FROM ${table} WHERE room_id = ?`, roomId);
    });
  }

  private stretchRows(roomId: string): Stretch[] {
    return this.all('SELECT * FROM stretches WHERE room_id = ?', roomId).map(toStretch);
  }

  async stretches(roomId: string): Promise<Stretch[]> {
    return this.stretchRows(roomId);
  }

  async dayEvents(roomId: string, day: string): Promise<MatrixEvent[]> {
    return this.all('SELECT json FROM events WHERE room_id = ? AND day = ? ORDER BY ts, id', roomId, day).map((r) => JSON.parse(str(r['json'])) as MatrixEvent);
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
      if (row) found.push(JSON.parse(str(row['json'])) as MatrixEvent);
    }
    return found;
  }

  async calendar(roomId: string): Promise<Array<{ day: string; count: number }>> {
    return this.all('SELECT day, count(*) AS n FROM events WHERE room_id = ? AND message = 1 GROUP BY day ORDER BY day', roomId).map((r) => ({ day: str(r['day']), count: num(r['n']) }));
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
    return {
      total,
      threads: rows.map((r) => ({
        rootId: str(r['root']),
        replies: num(r['replies']),
        latestTs: num(r['latest']),
        root: r['json'] ? (JSON.parse(str(r['json'])) as MatrixEvent) : undefined,
      })),
    };
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
    return {
      total: Math.min(counted, COUNT_CAP),
      capped: counted > COUNT_CAP,
      hits: rows.map((r) => ({
        roomId: str(r['room_id']),
        eventId: str(r['event_id']),
        ts: num(r['ts']),
        day: str(r['day']),
        sender: str(r['sender']),
        senderName: str(r['sender_name']),
        snippet: str(r['snippet']),
      })),
    };
  }

  async backfillState(roomId: string): Promise<BackfillState | undefined> {
    const row = this.get('SELECT * FROM backfill WHERE room_id = ?', roomId);
    return row ? { roomId, token: optional(row['token']), done: num(row['done']) === 1, updatedAt: num(row['updated_at']) } : undefined;
  }

  async saveBackfill(state: BackfillState): Promise<void> {
    this.run(
      'INSERT INTO backfill (room_id, token, done, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (room_id) DO UPDATE SET token = excluded.token, done = excluded.done, updated_at = excluded.updated_at',
      state.roomId, state.token ?? null, state.done ? 1 : 0, state.updatedAt,
    );
  }

  /** One process owns an SQLite file, so the lock is this process's. */
  private locked = false;
  async withBackfillLock(task: () => Promise<void>): Promise<boolean> {
    if (this.locked) return false;
    this.locked = true;
    try {
      await task();
      return true;
    } finally {
      this.locked = false;
    }
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
