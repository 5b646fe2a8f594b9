// The archive's part of `npm run bench`: for each store, a synthetic archive of
// BENCH_ARCHIVE_MESSAGES messages (default 1,000,000), written in chunks as a backfill writes
// them; then search p50/p99 and the store's size per million messages. PostgreSQL is the test
// one (scripts/postgres.sh, POSTGRES_PORT). Runs alone with `tsx bench/archive-bench.ts`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { Archive } from '../src/archive/archive.js';
import { PostgresStore } from '../src/archive/postgres.js';
import { parseQuery } from '../src/archive/query.js';
import { SqliteStore } from '../src/archive/sqlite.js';
import type { ArchiveStore } from '../src/archive/types.js';
import type { MatrixEvent } from '../src/matrix/events.js';
import { describeForArchive } from '../src/view/archive-text.js';
import { freshSchema, postgresUrl } from '../tests/support/postgres.js';

const TOTAL = Number(process.env['BENCH_ARCHIVE_MESSAGES'] ?? 1_000_000);
const ROOMS = 20;
const CHUNK = 500;
const QUERIES = 300;
// A Zipf-ish vocabulary: a few common words, many rare ones, as in chat.
const WORDS = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
let seed = 42;
const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const word = (): string => WORDS[Math.floor(WORDS.length * random() ** 3)]!;
const sentence = (): string => Array.from({ length: 4 + Math.floor(random() * 12) }, word).join(' ');

const f0 = (n: number): string => Math.round(n).toLocaleString('en-GB');
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

async function fill(store: ArchiveStore): Promise<number> {
  const archive = new Archive(store, { describe: describeForArchive, onError: (e) => { throw e; } });
  const perRoom = Math.ceil(TOTAL / ROOMS);
  const t0 = Date.UTC(2020, 0, 1);
  const started = performance.now();
  let written = 0;
  for (let r = 0; r < ROOMS; r++) {
    const roomId = `!bench${r}:bench.test`;
    // Newest chunk first with backwards tokens, as the backfill walks.
    for (let end = perRoom; end > 0 && written < TOTAL; end -= CHUNK) {
      const events: MatrixEvent[] = [];
      for (let i = Math.max(0, end - CHUNK); i < end; i++) {
        events.push({ event_id: `$b${r}_${i}`, type: 'm.room.message', sender: `@u${i % 97}:bench.test`, origin_server_ts: t0 + i * 60_000, content: { msgtype: 'm.text', body: sentence() } });
      }
      const from = end === perRoom ? undefined : `t${r}_${end}`;
      await archive.record(roomId, { events, state: [] }, { from, dir: 'b', start: `t${r}_${end - CHUNK}`, end: `t${r}_${end}`, reachedStart: end - CHUNK <= 0 });
      written += events.length;
    }
  }
  return written / ((performance.now() - started) / 1000);
}

async function searches(store: ArchiveStore): Promise<{ p50: number; p99: number; longest: number }> {
  const roomIds = Array.from({ length: ROOMS }, (_, r) => `!bench${r}:bench.test`);
  const times: number[] = [];
  // The longest the event loop waited meanwhile: node:sqlite's statements run on it (issue 10's ~50 ms).
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  for (let i = 0; i < QUERIES; i++) {
    const q = i % 3 === 0 ? `"${word()} ${word()}"` : i % 3 === 1 ? word() : `${word()} ${word()}`;
    const started = performance.now();
    await store.search({ ...parseQuery(q), roomIds, fromTs: undefined, toTs: undefined, sort: i % 2 ? 'new' : 'relevance', limit: 20, offset: 0 });
    times.push(performance.now() - started);
  }
  loop.disable();
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), longest: loop.max / 1e6 };
}

export async function archiveSection(say: (line?: string) => void): Promise<void> {
  say(`## Archive: ${f0(TOTAL)} synthetic messages in ${ROOMS} rooms`);
  say();
  say('| store | write (messages/s, chunks of 500) | search p50 (ms) | search p99 (ms) | longest event-loop wait during the searches (ms) | size per million messages |');
  say('|---|---:|---:|---:|---:|---:|');
  // BENCH_ARCHIVE_SQLITE names an SQLite archive this bench filled before: its searches alone, again.
  const again = process.env['BENCH_ARCHIVE_SQLITE'];
  const stores: Array<[string, () => ArchiveStore]> = [['SQLite', () => new SqliteStore(again ?? join(mkdtempSync(join(tmpdir(), 'msv-bench-')), 'archive.sqlite'))]];
  if (!again && spawnSync('bash', ['scripts/postgres.sh'], { cwd: join(import.meta.dirname, '..'), stdio: 'ignore' }).status === 0) {
    stores.push(['PostgreSQL', () => new PostgresStore({ connectionString: postgresUrl(), schema: freshSchema('bench') })]);
  }
  for (const [name, make] of stores) {
    const store = make();
    await store.migrate();
    const rate = again ? NaN : await fill(store);
    const { p50, p99, longest } = await searches(store);
    const stats = await store.stats();
    say(`| ${name} | ${again ? 'n/a (filled before)' : f0(rate)} | ${p50.toFixed(2)} | ${p99.toFixed(2)} | ${longest.toFixed(1)} | ${f0((stats.bytes / 2 ** 20) * (1_000_000 / stats.events))} MB |`);
    await store.close();
  }
  say();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await archiveSection((line = '') => process.stdout.write(`${line}\n`));
  process.exit();
}
