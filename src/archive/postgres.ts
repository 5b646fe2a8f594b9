import pg from 'pg';
import type { MatrixEvent } from '../matrix/events.js';
import { PostgresReads, type Db } from './postgres-reads.js';
import { POSTGRES_MIGRATIONS } from './postgres-schema.js';
import { redactedBy, redactedCopy } from './redact.js';
import { eventOf, num, toStretch } from './rows.js';
import { planStretch } from './stretches.js';
import type { ArchiveStore, ArchivedChunk, BackfillState } from './types.js';

/** Any number for the advisory lock, as long as every process uses the same one. */
const BACKFILL_LOCK = 1_300_013;
const MIGRATION_LOCK = 1_300_014;

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
export class PostgresStore extends PostgresReads implements ArchiveStore {
  readonly kind = 'postgres' as const;
  private lockHolder: pg.PoolClient | undefined;

  constructor(private readonly opts: PostgresOptions) {
    super(PostgresStore.pool(opts));
  }

  private static pool(opts: PostgresOptions): pg.Pool {
    const ssl = /sslmode=require/.test(opts.connectionString) ? { rejectUnauthorized: false } : undefined;
    const schema = opts.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    // The search path is set as the connection starts (libpq's `options`), not by a query sent
    // on connect beside the first real one: pg queues such overlapping queries, deprecated.
    const options = schema ? `-c search_path=${schema}` : undefined;
    const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.maxConnections ?? 5, ssl, idleTimeoutMillis: 30_000, options });
    // An idle connection that fails is dropped by the pool; without a listener it would crash the process.
    pool.on('error', () => undefined);
    return pool;
  }

  private async transaction<T>(work: (db: Db) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
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
      // Once, here: every connection's search path names the schema (pool options), and every
      // store is migrated before it is used, so no write transaction needs to ask again.
      if (this.opts.schema) await db.query(`CREATE SCHEMA IF NOT EXISTS ${this.opts.schema}`);
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
          return [e.event_id, e.origin_server_ts, item.day, e.sender, e.type, item.threadRoot ?? null, item.senderName, item.message, JSON.stringify(e), item.text, item.replaces?.eventId ?? null, item.replaces?.text ?? null];
        });
        // One statement for the chunk: unnest the columns.
        const column = (i: number): unknown[] => cols.map((c) => c[i]);
        await db.query(
          `INSERT INTO events (room_id, event_id, ts, day, sender, type, thread_root, sender_name, message, json, text, replaces, kept_text, stretch)
           SELECT $1, *, $14::bigint FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[], $11::text[], $12::text[], $13::text[])
           ON CONFLICT (room_id, event_id) DO UPDATE SET stretch = coalesce(excluded.stretch, events.stretch)`,
          [roomId, ...cols[0]!.map((_v, i) => column(i)), stretchId],
        );
        // Edits may come before their target (a backwards walk) or after it: both ends look.
        const edited = new Set(chunk.events.flatMap((item) => (item.replaces ? [item.replaces.eventId] : [])));
        const plain = chunk.events.filter((item) => !item.replaces).map((item) => item.event.event_id);
        for (const r of await this.rows('SELECT DISTINCT replaces FROM events WHERE room_id = $1 AND replaces = ANY($2)', [roomId, plain], db)) edited.add(String(r['replaces']));
        for (const target of edited) await this.reindex(db, roomId, target);
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

  /**
   * `text` holds a message's latest valid edit (same sender and type, not redacted, the
   * message not itself an edit), else its own, which `kept_text` keeps meanwhile.
   */
  private async reindex(db: Db, roomId: string, eventId: string): Promise<void> {
    await db.query(
      `WITH o AS (SELECT id, sender, type FROM events WHERE room_id = $1 AND event_id = $2 AND NOT redacted AND replaces IS NULL FOR UPDATE),
            latest AS (SELECT e.kept_text FROM events e, o WHERE e.room_id = $1 AND e.replaces = $2 AND e.sender = o.sender AND e.type = o.type AND NOT e.redacted
                       ORDER BY e.ts DESC, e.event_id DESC LIMIT 1)
       UPDATE events SET
         kept_text = CASE WHEN EXISTS (SELECT 1 FROM latest) THEN coalesce(events.kept_text, events.text) END,
         text = CASE WHEN EXISTS (SELECT 1 FROM latest) THEN (SELECT coalesce(kept_text, '') FROM latest) ELSE coalesce(events.kept_text, events.text) END
       FROM o WHERE events.id = o.id`,
      [roomId, eventId],
    );
  }

  private async redactIn(db: Db, roomId: string, eventId: string, redaction: MatrixEvent): Promise<void> {
    const row = (await this.rows('SELECT id, json, replaces FROM events WHERE room_id = $1 AND event_id = $2 AND NOT redacted FOR UPDATE', [roomId, eventId], db))[0];
    if (!row) return;
    const copy = JSON.stringify(redactedCopy(eventOf(row), redaction));
    // Emptying `text` empties the generated tsvector: the event leaves the index in the same statement.
    await db.query("UPDATE events SET json = $1, redacted = true, text = '', kept_text = NULL WHERE id = $2", [copy, row['id']]);
    await db.query('UPDATE members SET json = $1 WHERE room_id = $2 AND event_id = $3', [copy, roomId, eventId]);
    // A redacted edit gives its target back the edit before it, or the target's own text.
    if (row['replaces'] !== null) await this.reindex(db, roomId, String(row['replaces']));
  }

  async redact(roomId: string, eventId: string, redaction: MatrixEvent): Promise<void> {
    await this.transaction((db) => this.redactIn(db, roomId, eventId, redaction));
  }

  async deleteRoom(roomId: string): Promise<void> {
    await this.transaction(async (db) => {
      for (const table of ['events', 'members', 'stretches', 'backfill']) await db.query(`DELETE FROM ${table} WHERE room_id = $1`, [roomId]);
    });
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
}
