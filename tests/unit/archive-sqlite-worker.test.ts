import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Archive } from '../../src/archive/archive.js';
import { parseQuery } from '../../src/archive/query.js';
import { SqliteStore } from '../../src/archive/sqlite.js';
import { MAX_QUEUED_SEARCHES } from '../../src/archive/sqlite-search-pool.js';
import type { SearchQuery } from '../../src/archive/types.js';
import { SearchBusy } from '../../src/errors.js';
import { describeForArchive } from '../../src/view/archive-text.js';

const query: SearchQuery = { ...parseQuery('walrus'), roomIds: ['!r:t'], fromTs: undefined, toTs: undefined, sort: 'new', limit: 10, offset: 0 };

async function filled(): Promise<{ store: SqliteStore; archive: Archive }> {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'msv-archive-')), 'archive.sqlite'));
  await store.migrate();
  const archive = new Archive(store, { describe: describeForArchive, onError: (e) => { throw e; } });
  return { store, archive };
}

const message = (id: string, ts: number, body: string) => ({ event_id: id, type: 'm.room.message', sender: '@a:t', origin_server_ts: ts, content: { msgtype: 'm.text', body } });

describe('Archive.record', () => {
  it('writes in a turn of the loop of its own, not in the turn that parsed the answer', async () => {
    const { store, archive } = await filled();
    const order: string[] = [];
    const write = store.recordChunk.bind(store);
    store.recordChunk = (chunk) => (order.push('write'), write(chunk));
    // Work queued before the record (a cached page's answer, say) goes first.
    setImmediate(() => order.push('other'));
    await archive.record('!r:t', { events: [message('$1', 1000, 'one walrus')], state: [] }, undefined);
    expect(order).toEqual(['other', 'write']);
    await store.close();
  });
});

describe('the SQLite search worker', () => {
  it('reads what the store committed since its last search', async () => {
    const { store, archive } = await filled();
    await archive.record('!r:t', { events: [message('$1', 1000, 'one walrus')], state: [] }, { from: undefined, dir: 'b', start: 'a', end: 'b', reachedStart: true });
    expect((await store.search(query)).hits.map((h) => h.eventId)).toEqual(['$1']);
    await archive.record('!r:t', { events: [message('$2', 2000, 'two walrus')], state: [] }, { from: undefined, dir: 'b', start: 'c', end: 'd', reachedStart: true });
    expect((await store.search(query)).hits.map((h) => h.eventId)).toEqual(['$2', '$1']);
    await store.close();
  });

  it('queues a bounded number of searches and refuses the next with a 503', async () => {
    const { store, archive } = await filled();
    await archive.record('!r:t', { events: [message('$1', 1000, 'one walrus')], state: [] }, { from: undefined, dir: 'b', start: 'a', end: 'b', reachedStart: true });
    const searches = Array.from({ length: MAX_QUEUED_SEARCHES + 1 }, () => store.search(query).then((r) => r.total, (e: unknown) => e));
    const outcomes = await Promise.all(searches);
    expect(outcomes.slice(0, MAX_QUEUED_SEARCHES)).toEqual(Array(MAX_QUEUED_SEARCHES).fill(1));
    expect(outcomes[MAX_QUEUED_SEARCHES]).toBeInstanceOf(SearchBusy);
    expect((outcomes[MAX_QUEUED_SEARCHES] as SearchBusy).status).toBe(503);
    await store.close();
  });

  it('fails the searches still out when the store closes, and stops', async () => {
    const { store, archive } = await filled();
    await archive.record('!r:t', { events: [message('$1', 1000, 'one walrus')], state: [] }, { from: undefined, dir: 'b', start: 'a', end: 'b', reachedStart: true });
    const out = store.search(query).then(() => 'answered', () => 'failed');
    await store.close();
    expect(['answered', 'failed']).toContain(await out);
  });
});
