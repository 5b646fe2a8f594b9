import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MatrixEvent } from '../matrix/events.js';
import { redactedBy, redactedCopy } from './redact.js';
import { eventOf, num, str, type Row } from './rows.js';
import { SqliteReads } from './sqlite-reads.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import { planStretch } from './stretches.js';
import type { ArchiveStore, ArchivedChunk, BackfillState } from './types.js';

/**
 * The embedded archive: one SQLite file through Node's built-in node:sqlite, FTS5 for text.
 * node:sqlite is synchronous, so every statement here is small: one chunk per transaction,
 * and searches with a LIMIT, run in a worker thread of their own (sqlite-search-pool.ts).
 */
export class SqliteStore extends SqliteReads implements ArchiveStore {
  readonly kind = 'sqlite' as const;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    super(path);
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
    await this.stopSearches();
    if (this.db.isOpen) this.db.close();
  }

  async recordChunk(chunk: ArchivedChunk): Promise<void> {
    const { roomId } = chunk;
    this.transaction(() => {
      let stretchId: number | null = null;
      if (chunk.edges) {
        const ids = JSON.stringify(chunk.events.map((e) => e.event.event_id));
        const touching = new Set(
          // CROSS JOIN keeps json_each outside, so each ID is one lookup in the (room_id, event_id)
          // index; left to itself the planner scanned the room's whole stretch index per chunk.
          this.all('SELECT DISTINCT e.stretch FROM json_each(?) j CROSS JOIN events e ON e.room_id = ? AND e.event_id = j.value WHERE e.stretch IS NOT NULL', ids, roomId).map((r) => num(r['stretch'])),
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
        `INSERT INTO events (room_id, event_id, ts, day, sender, type, thread_root, sender_name, message, json, stretch, replaces, kept_text)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (room_id, event_id) DO NOTHING RETURNING id`,
      );
      const edited = new Set<string>();
      const relabel = this.db.prepare('UPDATE events SET stretch = ? WHERE room_id = ? AND event_id = ? AND stretch IS NOT ?');
      for (const item of chunk.events) {
        const e = item.event;
        const row = insert.get(
          roomId, e.event_id, e.origin_server_ts, item.day, e.sender, e.type, item.threadRoot ?? null, item.senderName, item.message ? 1 : 0, JSON.stringify(e), stretchId,
          item.replaces?.eventId ?? null, item.replaces?.text ?? null,
        ) as Row | undefined;
        if (row && item.replaces) edited.add(item.replaces.eventId);
        if (row && item.text) this.index(num(row['id']), e.origin_server_ts, item.text);
        else if (!row && stretchId !== null) relabel.run(stretchId, roomId, e.event_id, stretchId);
      }
      // Edits may come before their target (a backwards walk) or after it: both ends look.
      const ids = JSON.stringify(chunk.events.filter((item) => !item.replaces).map((item) => item.event.event_id));
      for (const r of this.all('SELECT DISTINCT e.replaces FROM json_each(?) j CROSS JOIN events e ON e.room_id = ? AND e.replaces = j.value', ids, roomId)) edited.add(String(r['replaces']));
      for (const target of edited) this.reindex(roomId, target);
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

  /**
   * Puts a row's text in the index under its time key (see the schema): ts × 2^20 plus the
   * row's id mod 2^20, or the next free low part in the rare case of a clash at the same
   * millisecond. BigInt, since the key is past 2^53.
   */
  private index(id: number, ts: number, text: string): void {
    const base = BigInt(Math.min(Math.max(Math.trunc(Number(ts) || 0), 0), 2 ** 43)) << 20n;
    const setKey = this.db.prepare('UPDATE events SET fts_id = ? WHERE id = ?');
    for (let k = 0; ; k++) {
      const key = base + BigInt((id + k) % 2 ** 20);
      try {
        setKey.run(key, id);
      } catch (error) {
        if (k < 64 && error instanceof Error && /UNIQUE/.test(error.message)) continue;
        throw error;
      }
      this.db.prepare('INSERT INTO events_fts (rowid, text) VALUES (?, ?)').run(key, text);
      return;
    }
  }

  /** Sets what the index holds for a row: delete, then insert under its key (or a new one). */
  private setText(id: number, ts: number, text: string): void {
    this.run('DELETE FROM events_fts WHERE rowid = (SELECT fts_id FROM events WHERE id = ?)', id);
    if (!text) return this.run('UPDATE events SET fts_id = NULL WHERE id = ?', id);
    if (this.get('SELECT 1 AS held FROM events WHERE id = ? AND fts_id IS NOT NULL', id)) this.run('INSERT INTO events_fts (rowid, text) SELECT fts_id, ? FROM events WHERE id = ?', text, id);
    else this.index(id, ts, text);
  }

  /**
   * The index holds a message's latest valid edit (same sender and type, not redacted, the
   * message not itself an edit), else its own text, which `kept_text` keeps meanwhile.
   */
  private reindex(roomId: string, eventId: string): void {
    const o = this.get('SELECT id, ts, sender, type, kept_text FROM events WHERE room_id = ? AND event_id = ? AND redacted = 0 AND replaces IS NULL', roomId, eventId);
    if (!o) return;
    const latest = this.get(
      'SELECT kept_text FROM events WHERE room_id = ? AND replaces = ? AND sender = ? AND type = ? AND redacted = 0 ORDER BY ts DESC, event_id DESC LIMIT 1',
      roomId, eventId, str(o['sender']), str(o['type']),
    );
    const id = num(o['id']);
    if (latest) {
      if (o['kept_text'] === null) this.run("UPDATE events SET kept_text = coalesce((SELECT text FROM events_fts WHERE rowid = events.fts_id), '') WHERE id = ?", id);
      this.setText(id, num(o['ts']), str(latest['kept_text']));
    } else if (o['kept_text'] !== null) {
      this.setText(id, num(o['ts']), str(o['kept_text']));
      this.run('UPDATE events SET kept_text = NULL WHERE id = ?', id);
    }
  }

  private redactNow(roomId: string, eventId: string, redaction: MatrixEvent): void {
    const row = this.get('SELECT id, json, redacted, replaces FROM events WHERE room_id = ? AND event_id = ?', roomId, eventId);
    if (!row || num(row['redacted']) === 1) return;
    const copy = redactedCopy(eventOf(row), redaction);
    this.run('UPDATE events SET json = ?, redacted = 1, kept_text = NULL WHERE id = ?', JSON.stringify(copy), num(row['id']));
    this.run('DELETE FROM events_fts WHERE rowid = (SELECT fts_id FROM events WHERE id = ?)', num(row['id']));
    this.run('UPDATE events SET fts_id = NULL WHERE id = ?', num(row['id']));
    this.run('UPDATE members SET json = ? WHERE room_id = ? AND event_id = ?', JSON.stringify(copy), roomId, eventId);
    // A redacted edit gives its target back the edit before it, or the target's own text.
    if (row['replaces'] !== null) this.reindex(roomId, str(row['replaces']));
  }

  async redact(roomId: string, eventId: string, redaction: MatrixEvent): Promise<void> {
    this.transaction(() => this.redactNow(roomId, eventId, redaction));
  }

  async deleteRoom(roomId: string): Promise<void> {
    this.transaction(() => {
      this.run('DELETE FROM events_fts WHERE rowid IN (SELECT fts_id FROM events WHERE room_id = ? AND fts_id IS NOT NULL)', roomId);
      for (const table of ['events', 'members', 'stretches', 'backfill']) this.run(`DELETE FROM ${table} WHERE room_id = ?`, roomId);
    });
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
}
