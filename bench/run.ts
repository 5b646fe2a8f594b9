// `npm run bench`: the viewer (built, `node dist/src/server.js`) against a minimal Express
// baseline serving a string of the same size, with wrk on loopback, plus cold-room upstream
// calls, memory after a 5,000-room crawl, and page weight. Prints a Markdown report.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadSeed } from '../tests/support/homeserver.js';
import { archiveSection } from './archive-bench.js';
import { archiveCrawlSection } from './archive-crawl-bench.js';
import { bigRoomsSection } from './big-rooms-bench.js';
import { crowdBurstSection } from './crowd-bench.js';
import { startSyntheticHomeserver } from './synthetic-homeserver.js';
import { freePort } from '../tests/support/free-port.js';

const root = join(import.meta.dirname, '..');
const DURATION = process.env['BENCH_DURATION'] ?? '5s';
const LEVELS = [10, 50, 200];
/**
 * BENCH_REPEAT=n runs baseline and viewer n times in turn at each level and reports the run
 * with the median ratio: on a shared machine, load from others moves from second to second,
 * and pairs taken back to back see the same load.
 */
const REPEAT = Math.max(1, Number(process.env['BENCH_REPEAT'] ?? 1));
const CRAWL_ROOMS = Number(process.env['BENCH_CRAWL_ROOMS'] ?? 5000);
const lines: string[] = [];
const say = (line = ''): void => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

const children = new Set<ChildProcess>();
// Never leave a server behind, whatever happens to the run.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** fetch, once more if a kept-alive connection was closed under it. */
async function fetch(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await globalThis.fetch(url, init);
  } catch {
    return globalThis.fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), Connection: 'close' } });
  }
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

interface Proc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startProcess(args: string[], env: Record<string, string>, health: string): Promise<Proc> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}${health}`, child);
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The node arguments of the Procfile's web process, so the bench runs what Heroku runs. */
function procfileArgs(): string[] {
  const web = readFileSync(join(root, 'Procfile'), 'utf8').split('\n').find((line) => line.startsWith('web:')) ?? 'web: node dist/src/server.js';
  return web.slice('web:'.length).trim().split(/\s+/).slice(1);
}

function startViewer(homeserverUrl: string, extra: Record<string, string> = {}): Promise<Proc> {
  return startProcess(
    procfileArgs(),
    {
      NODE_ENV: 'production',
      MATRIX_HOMESERVER_URL: homeserverUrl,
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '0',
      ...extra,
    },
    '/healthz',
  );
}

interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
}

function toMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!match) return NaN;
  const n = Number(match[1]);
  return match[2] === 'us' ? n / 1000 : match[2] === 'ms' ? n : match[2] === 's' ? n * 1000 : n * 60_000;
}

function wrk(url: string, connections: number, headers: string[] = []): WrkResult {
  const args = ['-t2', `-c${connections}`, `-d${DURATION}`, '--latency', ...headers.flatMap((h) => ['-H', h]), url];
  const run = spawnSync('wrk', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr}`);
  const out = run.stdout;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p50: toMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? ''),
    p99: toMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? ''),
    errors: (socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0) + Number(non2xx?.[1] ?? 0),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
  };
}

/** REPEAT baseline/viewer pairs, back to back; the pair whose ratio is the median. */
function medianPair(baseline: () => WrkResult, viewer: () => WrkResult): { b: WrkResult; v: WrkResult } {
  const pairs = Array.from({ length: REPEAT }, () => ({ b: baseline(), v: viewer() }));
  pairs.sort((x, y) => x.v.rps / x.b.rps - y.v.rps / y.b.rps);
  return pairs[Math.floor(pairs.length / 2)]!;
}

async function upstreamCalls(viewer: Proc, endpoint?: string): Promise<number> {
  const text = await (await fetch(`${viewer.url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('upstream_calls_total{')) continue;
    if (endpoint && !line.includes(`endpoint="${endpoint}"`)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const f0 = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const f2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

async function main(): Promise<void> {
  const started = Date.now();
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) process.stderr.write(`warning: npm run build exited ${build.status}; using what tsc emitted\n`);
  const bigOnly = process.env['BENCH_ONLY'] === 'big';
  // The seeded Synapse, as the tests start it (both runs need it: the big-rooms section's
  // burst of cold permalinks is on it).
  spawnSync('npm', ['run', 'homeserver'], { cwd: root, stdio: 'ignore' });

  say(`# Benchmark run`);
  say();
  say(`- date: ${new Date().toISOString()}`);
  say(`- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim()}`);
  say(`- wrk -t2, ${DURATION} per run${REPEAT > 1 ? `, the median of ${REPEAT} baseline/viewer pairs per row` : ''}, loopback; viewer: NODE_ENV=production, LOG_LEVEL=info (to /dev/null), RATE_LIMIT_PER_MINUTE=0`);
  say();
  const seed = loadSeed();
  // BENCH_ONLY=big runs the big-rooms section alone: the stand-in's big rooms, then the burst
  // of cold permalinks on the seeded Synapse, all in one run.
  if (bigOnly) {
    await bigRoomsSection(startViewer, say);
    return crowdBurstSection(startViewer, seed, say);
  }

  // --- Cached room page against the baseline -------------------------------------------
  const viewer = await startViewer(seed.homeserverUrl);
  const lobby = `${viewer.url}/room/lobby:${seed.serverName}`;
  const first = await fetch(lobby);
  const page = await first.text();
  const etag = first.headers.get('etag');
  const pageBytes = Buffer.byteLength(page);
  const baseline = await startProcess(['bench/baseline.mjs'], { BYTES: String(pageBytes) }, '/');
  const baselineUrl = `${baseline.url}/room/lobby`;

  say(`## Cached room page (/room/lobby:${seed.serverName}, ${f0(pageBytes)} bytes) vs baseline`);
  say();
  say('| connections | viewer req/s | p50 ms | p99 ms | errors | baseline req/s | p50 ms | p99 ms | ratio |');
  say('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  let base50: WrkResult | undefined;
  for (const c of LEVELS) {
    const { b, v } = medianPair(() => wrk(baselineUrl, c), () => wrk(lobby, c));
    if (c === 50) base50 = b;
    say(`| ${c} | ${f0(v.rps)} | ${f2(v.p50)} | ${f2(v.p99)} | ${v.errors} | ${f0(b.rps)} | ${f2(b.p50)} | ${f2(b.p99)} | ${f2(v.rps / b.rps)}× |`);
  }
  say();

  // --- 304 revalidation ------------------------------------------------------------------
  say('## 304 revalidation (If-None-Match), 50 connections');
  say();
  // The tag of the page as it is now (the room may have been refreshed meanwhile), as wrk gets it.
  const current = await fetch(lobby, { headers: { 'Accept-Encoding': 'identity' } });
  await current.text();
  const tag = current.headers.get('etag') ?? etag;
  const check = tag ? await fetch(lobby, { headers: { 'If-None-Match': tag, 'Accept-Encoding': 'identity' } }) : undefined;
  if (!tag || check?.status !== 304) {
    say(`n/a: ${etag ? `If-None-Match answered ${check?.status}` : 'the page carries no ETag'}`);
  } else {
    const { b, v } = REPEAT > 1 || !base50 ? medianPair(() => wrk(baselineUrl, 50), () => wrk(lobby, 50, [`If-None-Match: ${tag}`])) : { b: base50, v: wrk(lobby, 50, [`If-None-Match: ${tag}`]) };
    say('| viewer 304 req/s | p50 ms | p99 ms | errors | baseline 200 req/s | ratio |');
    say('|---:|---:|---:|---:|---:|---:|');
    say(`| ${f0(v.rps)} | ${f2(v.p50)} | ${f2(v.p99)} | ${v.errors} | ${f0(b.rps)} | ${f2(v.rps / b.rps)}× |`);
  }
  say();
  await baseline.stop();

  // --- Cold rooms: upstream calls per page, single flight ---------------------------------
  say('## Cold room: upstream calls per page');
  say();
  say('| page | status | upstream calls |');
  say('|---|---:|---:|');
  for (const [label, path, first] of [
    ['by alias (/room/garden:…)', `/room/garden:${seed.serverName}`],
    ['by room ID (/room/!…library)', `/room/${encodeURIComponent(seed.rooms.library.roomId)}`],
    ['by canonical alias, second room (/room/v12…)', `/room/${seed.rooms.v12.alias.slice(1)}`],
    // The backfill may have walked the directory already; reading the sitemaps makes sure.
    ['by alias, a room not in the directory (/room/unlisted…, the directory walked: `/sitemap.xml` read first)', `/room/${seed.rooms.unlisted.alias.slice(1)}`, '/sitemap.xml'],
  ] as const) {
    if (first) await (await fetch(`${viewer.url}${first}`)).text();
    const before = await upstreamCalls(viewer);
    const response = await fetch(`${viewer.url}${path}`, { redirect: 'manual' });
    await response.text();
    say(`| ${label} | ${response.status} | ${(await upstreamCalls(viewer)) - before} |`);
  }
  // As a crawler or a reader arrives: the directory first, then a room it links to, not read yet.
  const directoryHtml = await (await fetch(`${viewer.url}/`)).text();
  const read = new Set(['lobby', 'garden', 'library', 'v12', 'unlisted'].map((name) => `/room/${name}:${seed.serverName}`));
  const linked = [...directoryHtml.matchAll(/href="(\/room\/[^"/?#]+)"/g)].map((m) => m[1]!).find((href) => !read.has(decodeURIComponent(href)));
  if (linked) {
    const before = await upstreamCalls(viewer);
    const response = await fetch(`${viewer.url}${linked}`, { redirect: 'manual' });
    await response.text();
    say(`| by alias, reached from the directory (${decodeURIComponent(linked)}, \`/\` read first) | ${response.status} | ${(await upstreamCalls(viewer)) - before} |`);
  }
  const coldRoom = `/room/${seed.rooms.pagination.alias.slice(1)}`;
  const loadsBefore = await upstreamCalls(viewer, 'context');
  const callsBefore = await upstreamCalls(viewer);
  const burst = await Promise.all(Array.from({ length: 100 }, () => fetch(`${viewer.url}${coldRoom}`).then(async (r) => (await r.text(), r.status))));
  say();
  say(
    `100 concurrent requests for one cold room (${coldRoom}): statuses ${[...new Set(burst)].join(', ')}; ` +
      `room loads (/context) ${(await upstreamCalls(viewer, 'context')) - loadsBefore}, upstream calls in all ${(await upstreamCalls(viewer)) - callsBefore}`,
  );
  say();
  await viewer.stop();
  // BENCH_ONLY=cached stops after the sections above (the cached page, 304s, cold calls).
  if (process.env['BENCH_ONLY'] === 'cached') return;

  // --- Memory after a 5,000-room crawl; page weight ---------------------------------------
  const synthetic = await startSyntheticHomeserver(CRAWL_ROOMS);
  const crawler = await startViewer(synthetic.url, { LOG_LEVEL: 'warn' });
  const rssStart = rssMb(crawler.child.pid!);
  const crawlStarted = Date.now();
  let next = 0;
  const statuses = new Map<number, number>();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < CRAWL_ROOMS) {
        const n = next++;
        const response = await fetch(`${crawler.url}/room/room${n}:bench.test`);
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    }),
  );
  const crawlMs = Date.now() - crawlStarted;
  const rssEnd = rssMb(crawler.child.pid!);
  const metrics = await (await fetch(`${crawler.url}/metrics`)).text();
  const metric = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
  say(`## Memory: crawl of ${f0(CRAWL_ROOMS)} distinct rooms (synthetic homeserver, default settings)`);
  say();
  say('| RSS before | RSS after | peak RSS | V8 heap used | room cache bytes (bound) | rooms cached | evictions | crawl pages/s | statuses |');
  say('|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  say(
    `| ${f0(rssStart.rss)} MB | ${f0(rssEnd.rss)} MB | ${f0(rssEnd.peak)} MB | ${f0(metric('nodejs_heap_size_used_bytes') / 2 ** 20)} MB | ${f0(metric('room_cache_size_bytes') / 2 ** 20)} MB (${f0(metric('room_cache_max_bytes') / 2 ** 20)} MB) | ` +
      `${f0(metric('room_cache_entries'))} | ${f0(metric('room_cache_evictions_total'))} | ${f0(CRAWL_ROOMS / (crawlMs / 1000))} | ` +
      `${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')} |`,
  );
  say();

  const weightPage = await (await fetch(`${crawler.url}/room/room1:bench.test`)).text();
  const events = (weightPage.match(/<li class="event /g) ?? []).length;
  const sentGzip = await fetch(`${crawler.url}/room/room1:bench.test`, { headers: { 'Accept-Encoding': 'gzip' } });
  const encoding = sentGzip.headers.get('content-encoding');
  say('## Page weight');
  say();
  say('| page | events | HTML bytes | gzip -6 bytes | served with Accept-Encoding: gzip |');
  say('|---|---:|---:|---:|---|');
  say(
    `| synthetic room, latest page | ${events} | ${f0(Buffer.byteLength(weightPage))} | ${f0(gzipSync(weightPage).length)} | ` +
      `${encoding ?? 'identity'}${sentGzip.headers.get('content-length') ? `, ${f0(Number(sentGzip.headers.get('content-length')))} bytes` : ''} |`,
  );
  const lobbyEvents = (page.match(/<li class="event /g) ?? []).length;
  say(`| seeded lobby, latest page | ${lobbyEvents} | ${f0(pageBytes)} | ${f0(gzipSync(page).length)} | |`);
  say();
  await crawler.stop();
  await synthetic.close();
  await crowdBurstSection(startViewer, seed, say);
  await archiveSection(say);
  await archiveCrawlSection(startViewer, seed.homeserverUrl, say);
  say(`Total bench time: ${Math.round((Date.now() - started) / 1000)} s.`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
}
process.exit();
