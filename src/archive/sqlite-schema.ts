/**
 * The SQLite schema, as numbered steps: `PRAGMA user_version` says how many have run. A step
 * is never edited once released; a change is a new step.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     id INTEGER PRIMARY KEY,
     room_id TEXT NOT NULL,
     event_id TEXT NOT NULL,
     ts INTEGER NOT NULL,
     day TEXT NOT NULL,
     sender TEXT NOT NULL,
     type TEXT NOT NULL,
     thread_root TEXT,
     sender_name TEXT NOT NULL,
     message INTEGER NOT NULL,
     json TEXT NOT NULL,
     redacted INTEGER NOT NULL DEFAULT 0,
     stretch INTEGER,
     UNIQUE (room_id, event_id)
   );
   CREATE INDEX events_day ON events (room_id, day, ts);
   CREATE INDEX events_stretch ON events (room_id, stretch);
   CREATE INDEX events_thread ON events (room_id, thread_root) WHERE thread_root IS NOT NULL;
   CREATE INDEX events_sender ON events (sender, ts);
   CREATE VIRTUAL TABLE events_fts USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');
   CREATE TABLE members (
     room_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     event_id TEXT NOT NULL,
     ts INTEGER NOT NULL,
     json TEXT NOT NULL,
     PRIMARY KEY (room_id, user_id, event_id)
   );
   CREATE INDEX members_ts ON members (room_id, user_id, ts);
   CREATE TABLE stretches (
     id INTEGER PRIMARY KEY,
     room_id TEXT NOT NULL,
     lo_ts INTEGER NOT NULL,
     hi_ts INTEGER NOT NULL,
     back_token TEXT,
     fwd_token TEXT,
     at_start INTEGER NOT NULL,
     fresh_at INTEGER NOT NULL
   );
   CREATE INDEX stretches_room ON stretches (room_id);
   CREATE TABLE backfill (
     room_id TEXT PRIMARY KEY,
     token TEXT,
     done INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
  // The index's rowid becomes a time key (ts × 2^20 + the row's id mod 2^20): FTS5 walks a
  // match's rowids in order, so "newest first" stops after one page instead of sorting every
  // match, and relevance ranks the newest COUNT_CAP matches (node:sqlite runs on the event loop).
  `ALTER TABLE events ADD COLUMN fts_id INTEGER;
   CREATE VIRTUAL TABLE events_fts_timed USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');
   UPDATE events SET fts_id = ts * 1048576 + (id % 1048576) WHERE id IN (SELECT rowid FROM events_fts);
   INSERT INTO events_fts_timed (rowid, text) SELECT e.fts_id, f.text FROM events_fts f JOIN events e ON e.id = f.rowid;
   DROP TABLE events_fts;
   ALTER TABLE events_fts_timed RENAME TO events_fts;
   CREATE UNIQUE INDEX events_fts_id ON events (fts_id);`,
  // Edits: an edit row names its target and keeps its new text; the target's index entry holds
  // its latest valid edit's text, and `kept_text` then keeps the target's own (see sqlite-edits.ts).
  `ALTER TABLE events ADD COLUMN replaces TEXT;
   ALTER TABLE events ADD COLUMN kept_text TEXT;
   CREATE INDEX events_replaces ON events (room_id, replaces) WHERE replaces IS NOT NULL;`,
];
