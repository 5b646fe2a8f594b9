import pg from 'pg';
import type { MatrixEvent } from '../matrix/events.js';
import { POSTGRES_MIGRATIONS } from './postgres-schema.js';
import { redactedBy, redactedCopy } from './redact.js';
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

type Row = Record<string, unknown>;
type Db = Pick<pg.PoolClient, 'query'>;

const num = (v: unknown): number => Number(v ?? 0);
const optional = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
/** Any number for the advisory lock, as long as every process uses the same one. */
const BACKFILL_LOCK = 1_300_013;
const MIGRATION_LOCK = 1_300_014;
const HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

function toStretch(row: Row): Stretch {
  return {
    id: num(row['id']),
    roomId: String(row['room_id']),
    loTs: num(row['lo_ts']),
    hiTs: num(row['hi_ts']),
    backToken: optional(row['back_token']),
    fwdToken: optional(row['fwd_token']),
    atStart: row['at_start'] === true,
    freshAt: num(row['fresh_at']),
  };
}

export interface PostgresOptions {
  connectionString: string;
  /** A schema of its own (tests), created if missing; else the connection's default. */
  schema?: string | undefined;
  maxConnections?: number;
}

/**
 * The shared archive: PostgreSQL through node-postgres, a generated `tsvector` column with a
 * GIN index for text. Several web processes use one database; the backfill lock is a
 * session advisory lock, so exactly one of them (or the worker) backfills.
 */
export class PostgresStore implements ArchiveStore {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private lockHolder: pg.PoolClient | undefined;

  constructor(private readonly opts: PostgresOptions) {
    const ssl = /sslmode=require/.test(opts.connectionString) ? { rejectUnauthorized: false } : undefined;
    this.pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.maxConnections ?? 5, ssl, idleTimeoutMillis: 30_000 });
    // An idle connection that fails is dropped by the pool; without a listener it would crash the process.
    this.pool.on('error', () => undefined);
    if (opts.schema) {
      const schema = opts.schema;
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`bad schema name ${schema}`);
      this.pool.on('connect', (client) => {
        void client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`).catch(() => undefined);
      });
    }
  }

  private async rows(sql: string, params: unknown[] = [], db: Db = this.pool): Promise<Row[]> {
    return (await db.query(sql, params)).rows as Row[];
  }

  private async transaction<T>(work: (db: Db) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      if (this.opts.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.opts.schema}; SET search_path TO ${this.opts.schema}`);
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async migrate(): Promise<void> {
    await this.transaction(async (db) => {
      // Several processes may start at once: one migrates, the others wait and find it done.
      await db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await db.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      const done = num((await this.rows('SELECT coalesce(max(version), 0) AS v FROM schema_migrations', [], db))[0]?.['v']);
      for (let step = done; step < POSTGRES_MIGRATIONS.length; step++) {
        await db.query(POSTGRES_MIGRATIONS[step]!);
        await db.query('INSERT INTO schema_migrations (version) VALUES ($1)', [step + 1]);
      }
    });
  }

  async close(): Promise<void> {
    this.lockHolder?.release();
    this.lockHolder = undefined;
    await this.pool.end();
  }

  async recordChunk(chunk: ArchivedChunk): Promise<void> {
    const { roomId } = chunk;
    await this.transaction(async (db) => {
      let stretchId: number | null = null;
      if (chunk.edges) {
        // Writers of one room take turns, so two processes cannot both start a stretch for it.
        await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [roomId]);
        const ids = chunk.events.map((e) => e.event.event_id);
        const touching = new Set(
          (await this.rows('SELECT DISTINCT stretch FROM events WHERE room_id = $1 AND event_id = ANY($2) AND stretch IS NOT NULL', [roomId, ids], db)).map((r) => num(r['stretch'])),
        );
        const tss = chunk.events.map((e) => e.event.origin_server_ts);
        const existing = (await this.rows('SELECT * FROM stretches WHERE room_id = $1', [roomId], db)).map(toStretch);
        const plan = planStretch(existing, { edges: chunk.edges, loTs: tss.length ? Math.min(...tss) : undefined, hiTs: tss.length ? Math.max(...tss) : undefined, touching, now: chunk.now });
        const s = plan.stretch;
        const values = [s.loTs, s.hiTs, s.backToken ?? null, s.fwdToken ?? null, s.atStart, s.freshAt];
        if (s.id === 0 && chunk.events.length > 0) {
          const row = await this.rows('INSERT INTO stretches (room_id, lo_ts, hi_ts, back_token, fwd_token, at_start, fresh_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id', [roomId, ...values], db);
          stretchId = num(row[0]?.['id']);
        } else if (s.id !== 0) {
          stretchId = s.id;
          await db.query('UPDATE stretches SET lo_ts = $1, hi_ts = $2, back_token = $3, fwd_token = $4, at_start = $5, fresh_at = $6 WHERE id = $7', [...values, s.id]);
        }
        for (const absorbed of plan.absorb) {
          await db.query('UPDATE events SET stretch = $1 WHERE room_id = $2 AND stretch = $3', [stretchId, roomId, absorbed]);
          await db.query('DELETE FROM stretches WHERE id = $1', [absorbed]);
        }
      }
      if (chunk.events.length > 0) {
        const cols = chunk.events.map((item) => {
          const e = item.event;
          return [e.event_id, e.origin_server_ts, item.day, e.sender, e.type, item.threadRoot ?? null, item.senderName, item.message, JSON.stringify(e), item.text];
        });
        // One statement for the chunk: unnest the columns.
        const column = (i: number): unknown[] => cols.map((c) => c[i]);
        await db.query(
          `INSERT INTO events (room_id, event_id, ts, day, sender, type, thread_root, sender_name, message, json, text, stretch)
           SELECT $1, *, $12::bigint FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[], $11::text[])
           ON CONFLICT (room_id, event_id) DO UPDATE SET stretch = coalesce(excluded.stretch, events.stretch)`,
          [roomId, column(0), column(1), column(2), column(3), column(4), column(5), column(6), column(7), column(8), column(9), stretchId],
        );
      }
      const members = chunk.members.filter((m) => m.type === 'm.room.member' && m.state_key);
      if (members.length > 0) {
        await db.query(
          `INSERT INTO members (room_id, user_id, event_id, ts, json) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[]) ON CONFLICT DO NOTHING`,
          [roomId, members.map((m) => m.state_key), members.map((m) => m.event_id), members.map((m) => m.origin_server_ts), members.map((m) => JSON.stringify(m))],
        );
      }
      for (const item of chunk.events) {
        const e = item.event;
        if (e.type === 'm.room.redaction' && e.redacts) await this.redactIn(db, roomId, e.redacts, e);
        const because = redactedBy(e);
        if (because) await this.redactIn(db, roomId, e.event_id, because);
      }
    });
  }

  private async redactIn(db: Db, roomId: string, eventId: string, redaction: MatrixEvent): Promise<void> {
    const row = (await this.rows('SELECT id, json FROM events WHERE room_id = $1 AND event_id = $2 AND NOT redacted FOR UPDATE', [roomId, eventId], db))[0];
    if (!row) return;
    const copy = JSON.stringify(redactedCopy(JSON.parse(String(row['json'])) as MatrixEvent, redaction));
    // Emptying `text` empties the generated tsvector: the event leaves the index in the same statement.
    await db.query("UPDATE events SET json = $1, redacted = true, text = '' WHERE id = $2", [copy, row['id']]);
    await db.query('UPDATE members SET json = $1 WHERE room_id = $2 AND event_id = $3', [copy, roomId, eventId]);
  }

  async redact(roomId: string, eventId: string, redaction: MatrixEvent): Promise<void> {
    await this.transaction((db) => this.redactIn(db, roomId, eventId, redaction));
  }

  async deleteRoom(roomId: string): Promise<void> {
    await this.transaction(async (db) => {
      for (const table of ['events', 'members', 'stretches', 'backfill']) await db.query(`DELETE FROM ${table} WHERE room_id = $1`, [roomId]);
    });
  }

  async stretches(roomId: string): Promise<Stretch[]> {
    return (await this.rows('SELECT * FROM stretches WHERE room_id = $1', [roomId])).map(toStretch);
  }

  async dayEvents(roomId: string, day: string): Promise<MatrixEvent[]> {
    return (await this.rows('SELECT json FROM events WHERE room_id = $1 AND day = $2 ORDER BY ts, id', [roomId, day])).map((r) => JSON.parse(String(r['json'])) as MatrixEvent);
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
    return rows.map((r) => JSON.parse(String(r['json'])) as MatrixEvent);
  }

  async calendar(roomId: string): Promise<Array<{ day: string; count: number }>> {
    return (await this.rows('SELECT day, count(*) AS n FROM events WHERE room_id = $1 AND message GROUP BY day ORDER BY day', [roomId])).map((r) => ({ day: String(r['day']), count: num(r['n']) }));
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
    return {
      total: num(count?.['n']),
      threads: rows.map((r) => ({ rootId: String(r['root']), replies: num(r['replies']), latestTs: num(r['latest']), root: r['json'] ? (JSON.parse(String(r['json'])) as MatrixEvent) : undefined })),
    };
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
    const order = tsq && query.sort === 'relevance' ? `ts_rank_cd(e.tsv, ${tsq}) DESC, e.ts DESC` : 'e.ts DESC';
    const [count] = await this.rows(`SELECT count(*) AS n FROM (SELECT 1 FROM events e WHERE ${filter} LIMIT ${COUNT_CAP + 1}) c`, params);
    const pageParams = [...params];
    const limit = `$${pageParams.push(query.limit)}`;
    const offset = `$${pageParams.push(query.offset)}`;
    const headline = tsq ? `ts_headline('simple', text, ${tsq}, $${pageParams.push(HEADLINE)})` : 'left(text, 200)';
    // The headline is made for the page's rows only, after the LIMIT.
    const rows = await this.rows(
      `SELECT room_id, event_id, ts, day, sender, sender_name, ${headline} AS snippet FROM
         (SELECT e.room_id, e.event_id, e.ts, e.day, e.sender, e.sender_name, e.text FROM events e WHERE ${filter} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}) page`,
      pageParams,
    );
    const counted = num(count?.['n']);
    return {
      total: Math.min(counted, COUNT_CAP),
      capped: counted > COUNT_CAP,
      hits: rows.map((r) => ({
        roomId: String(r['room_id']),
        eventId: String(r['event_id']),
        ts: num(r['ts']),
        day: String(r['day']),
        sender: String(r['sender']),
        senderName: String(r['sender_name']),
        snippet: String(r['snippet'] ?? ''),
      })),
    };
  }

  async backfillState(roomId: string): Promise<BackfillState | undefined> {
    const [row] = await this.rows('SELECT * FROM backfill WHERE room_id = $1', [roomId]);
    return row ? { roomId, token: optional(row['token']), done: row['done'] === true, updatedAt: num(row['updated_at']) } : undefined;
  }

  async saveBackfill(state: BackfillState): Promise<void> {
    await this.pool.query(
      'INSERT INTO backfill (room_id, token, done, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (room_id) DO UPDATE SET token = excluded.token, done = excluded.done, updated_at = excluded.updated_at',
      [state.roomId, state.token ?? null, state.done, state.updatedAt],
    );
  }

  async withBackfillLock(task: () => Promise<void>): Promise<boolean> {
    if (this.lockHolder) return false;
    const client = await this.pool.connect();
    let held = false;
    try {
      held = (await client.query('SELECT pg_try_advisory_lock($1) AS ok', [BACKFILL_LOCK])).rows[0]?.ok === true;
      if (!held) return false;
      this.lockHolder = client;
      await task();
      return true;
    } finally {
      if (held) await client.query('SELECT pg_advisory_unlock($1)', [BACKFILL_LOCK]).catch(() => undefined);
      this.lockHolder = undefined;
      client.release();
    }
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
