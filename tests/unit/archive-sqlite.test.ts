import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/archive/query.js';
import { DatabaseSync } from 'node:sqlite';
import { SqliteStore } from '../../src/archive/sqlite.js';
import { SQLITE_MIGRATIONS } from '../../src/archive/sqlite-schema.js';
import { BadRequest } from '../../src/errors.js';
import { storeSuite } from '../support/store-suite.js';

storeSuite('SQLite', async () => new SqliteStore(join(mkdtempSync(join(tmpdir(), 'msv-archive-')), 'archive.sqlite')));

describe('search query parsing', () => {
  it('splits words and "phrases" and takes from:', () => {
    expect(parseQuery('Hello "big World" from:@a:b.c x')).toEqual({ terms: [['big', 'world'], ['hello'], ['x']], sender: '@a:b.c' });
  });
  it('refuses what no reader types, with a reason', () => {
    for (const bad of ['x'.repeat(10_000), 'a\u0000b', 'a\uD800b', 'b\uDC00', '***', '', 'from:nobody', '\uE000']) {
      expect(() => parseQuery(bad), JSON.stringify(bad.slice(0, 10))).toThrow(BadRequest);
    }
  });
});

describe('the SQLite schema steps', () => {
  it('moves an archive of the first step onto time keys, its text still found, newest first', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'msv-archive-')), 'archive.sqlite');
    const db = new DatabaseSync(path);
    db.exec(SQLITE_MIGRATIONS[0]!);
    db.exec('PRAGMA user_version = 1');
    const insert = db.prepare("INSERT INTO events (id, room_id, event_id, ts, day, sender, type, sender_name, message, json) VALUES (?, '!r:t', ?, ?, '2024-01-01', '@a:t', 'm.room.message', 'A', 1, '{}')");
    // Written newest first, as a backfill does: ids run against time.
    for (const [id, ts] of [[1, 3000], [2, 2000], [3, 1000]] as const) {
      insert.run(id, `$e${id}`, ts);
      db.prepare('INSERT INTO events_fts (rowid, text) VALUES (?, ?)').run(id, `walrus number ${id}`);
    }
    db.close();
    const store = new SqliteStore(path);
    await store.migrate();
    const found = await store.search({ ...parseQuery('walrus'), roomIds: ['!r:t'], fromTs: undefined, toTs: undefined, sort: 'new', limit: 10, offset: 0 });
    expect(found.hits.map((h) => h.eventId)).toEqual(['$e1', '$e2', '$e3']);
    expect(found.hits[2]?.snippet).toContain('number 3');
    const dated = await store.search({ ...parseQuery('walrus'), roomIds: ['!r:t'], fromTs: 1500, toTs: 2500, sort: 'relevance', limit: 10, offset: 0 });
    expect(dated.hits.map((h) => h.eventId)).toEqual(['$e2']);
    await store.close();
  });
});
