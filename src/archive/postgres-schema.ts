/**
 * The PostgreSQL schema, as numbered steps recorded in `schema_migrations`. A step is never
 * edited once released; a change is a new step. Text search uses the language-neutral
 * `simple` configuration: rooms are in every language. Punctuation becomes space before
 * parsing, so that `holiday.png` or `example.org/path` are words as in SQLite, not one token.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     id BIGSERIAL PRIMARY KEY,
     room_id TEXT NOT NULL,
     event_id TEXT NOT NULL,
     ts BIGINT NOT NULL,
     day TEXT NOT NULL,
     sender TEXT NOT NULL,
     type TEXT NOT NULL,
     thread_root TEXT,
     sender_name TEXT NOT NULL,
     message BOOLEAN NOT NULL,
     json TEXT NOT NULL,
     redacted BOOLEAN NOT NULL DEFAULT false,
     stretch BIGINT,
     text TEXT NOT NULL DEFAULT '',
     tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(text, '[^[:alnum:]]+', ' ', 'g'))) STORED,
     UNIQUE (room_id, event_id)
   );
   CREATE INDEX events_day ON events (room_id, day, ts);
   CREATE INDEX events_stretch ON events (room_id, stretch);
   CREATE INDEX events_thread ON events (room_id, thread_root) WHERE thread_root IS NOT NULL;
   CREATE INDEX events_sender ON events (sender, ts);
   CREATE INDEX events_tsv ON events USING GIN (tsv);
   CREATE TABLE members (
     room_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     event_id TEXT NOT NULL,
     ts BIGINT NOT NULL,
     json TEXT NOT NULL,
     PRIMARY KEY (room_id, user_id, event_id)
   );
   CREATE INDEX members_ts ON members (room_id, user_id, ts);
   CREATE TABLE stretches (
     id BIGSERIAL PRIMARY KEY,
     room_id TEXT NOT NULL,
     lo_ts BIGINT NOT NULL,
     hi_ts BIGINT NOT NULL,
     back_token TEXT,
     fwd_token TEXT,
     at_start BOOLEAN NOT NULL,
     fresh_at BIGINT NOT NULL
   );
   CREATE INDEX stretches_room ON stretches (room_id);
   CREATE TABLE backfill (
     room_id TEXT PRIMARY KEY,
     token TEXT,
     done BOOLEAN NOT NULL,
     updated_at BIGINT NOT NULL
   );`,
  // Newest first walks this index backwards (a common word's matches need no sort), and
  // relevance ranks the newest COUNT_CAP matches.
  `CREATE INDEX events_ts ON events (ts);`,
  // Edits: an edit row names its target and keeps its new text (its own text column stays empty, so
  // it is never a result); the target's text holds its latest valid edit's, and kept_text
  // then keeps the target's own.
  `ALTER TABLE events ADD COLUMN replaces TEXT;
   ALTER TABLE events ADD COLUMN kept_text TEXT;
   CREATE INDEX events_replaces ON events (room_id, replaces) WHERE replaces IS NOT NULL;`,
];
