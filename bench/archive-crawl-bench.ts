// The archive against the seeded Synapse, for `npm run bench`: backfill throughput at the
// configured rate and unpaced, and the homeserver calls of a full crawl of the site from `/`
// (links only, obeying robots.txt, rel=nofollow and noindex/nofollow), with a cold archive and
// again after a restart on the same archive. Every figure is from one run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'cheerio';
import type { StartViewer, BenchProc } from './big-rooms-bench.js';

const CRAWL_MAX_PAGES = Number(process.env['BENCH_CRAWL_MAX_PAGES'] ?? 3000);
const f0 = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

async function metrics(viewer: BenchProc): Promise<(name: string, label?: string) => number> {
  const text = await (await fetch(`${viewer.url}/metrics`)).text();
  return (name, label) =>
    text
      .split('\n')
      .filter((line) => (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) && (!label || line.includes(label)))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function endpointCalls(viewer: BenchProc): Promise<Map<string, number>> {
  const text = await (await fetch(`${viewer.url}/metrics`)).text();
  const calls = new Map<string, number>();
  for (const line of text.split('\n').filter((l) => l.startsWith('upstream_calls_total{'))) {
    const endpoint = /endpoint="([^"]*)"/.exec(line)?.[1] ?? '?';
    calls.set(endpoint, (calls.get(endpoint) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return calls;
}

/** robots.txt's Disallow lines as tests on a path (`*` any run of characters, as Google reads them). */
function robotsRules(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .filter((line) => /^disallow:/i.test(line))
    .map((line) => line.slice(line.indexOf(':') + 1).trim())
    .filter(Boolean)
    .map((rule) => new RegExp(`^${rule.split('*').map((part) => RegExp.escape(part)).join('.*')}`));
  return (path) => !rules.some((rule) => rule.test(path));
}

interface Crawl {
  pages: number;
  calls: number;
  /** Calls by endpoint, most first. */
  endpoints: string;
  statuses: Map<number, number>;
  /** The paths answered 4xx or 5xx (the first few). */
  failed: string[];
  seconds: number;
}

/** Breadth first from `/`, same origin only, each URL once, at most CRAWL_MAX_PAGES pages. */
async function crawl(viewer: BenchProc): Promise<Crawl> {
  const allowed = robotsRules(await (await fetch(`${viewer.url}/robots.txt`)).text());
  const before = await endpointCalls(viewer);
  const started = performance.now();
  const seen = new Set<string>(['/']);
  const queue = ['/'];
  const statuses = new Map<number, number>();
  const failed: string[] = [];
  let pages = 0;
  while (queue.length > 0 && pages < CRAWL_MAX_PAGES) {
    const path = queue.shift()!;
    const response = await fetch(`${viewer.url}${path}`, { redirect: 'manual' });
    const body = await response.text();
    pages++;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 400 && failed.length < 3) failed.push(`${response.status} ${path}`);
    const location = response.headers.get('location');
    const links: string[] = location ? [location] : [];
    if (response.ok && (response.headers.get('content-type') ?? '').includes('html')) {
      const $ = load(body);
      const robots = `${$('meta[name="robots"]').attr('content') ?? ''} ${response.headers.get('x-robots-tag') ?? ''}`;
      if (!/nofollow|none/i.test(robots)) {
        $('a[href]').each((_i, a) => {
          if (!/\bnofollow\b/i.test($(a).attr('rel') ?? '')) links.push($(a).attr('href')!);
        });
      }
    }
    for (const link of links) {
      const url = URL.parse(link, `${viewer.url}${path}`);
      if (!url || url.origin !== viewer.url) continue;
      const next = `${url.pathname}${url.search}`;
      if (seen.has(next) || !allowed(next) || next.startsWith('/media/')) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  const after = await endpointCalls(viewer);
  const byEndpoint = [...after].map(([endpoint, n]) => [endpoint, n - (before.get(endpoint) ?? 0)] as const).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const calls = byEndpoint.reduce((sum, [, n]) => sum + n, 0);
  return { pages, calls, endpoints: byEndpoint.map(([e, n]) => `${e} ${n}`).join(', '), statuses, failed, seconds: (performance.now() - started) / 1000 };
}

/** Starts a viewer whose backfill walks the seeded directory, and waits until a pass is over. */
async function backfill(startViewer: StartViewer, homeserverUrl: string, callsPerMinute: number): Promise<{ events: number; calls: number; seconds: number; rooms: number; path: string }> {
  const path = join(mkdtempSync(join(tmpdir(), 'msv-bench-backfill-')), 'archive.sqlite');
  const started = performance.now();
  const viewer = await startViewer(homeserverUrl, { ARCHIVE_PATH: path, ARCHIVE_BACKFILL_CALLS_PER_MINUTE: String(callsPerMinute), LOG_LEVEL: 'warn' });
  try {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const m = await metrics(viewer);
      const known = m('archive_backfill_rooms_known');
      if (known > 0 && m('archive_backfill_rooms_done') >= known && m('archive_backfill_active') === 0) {
        return { events: m('archive_backfill_events_total'), calls: m('archive_backfill_calls_total'), seconds: (performance.now() - started) / 1000, rooms: known, path };
      }
      if (performance.now() - started > 15 * 60_000) throw new Error('the backfill did not finish in 15 minutes');
    }
  } finally {
    await viewer.stop();
  }
}

export async function archiveCrawlSection(startViewer: StartViewer, homeserverUrl: string, say: (line?: string) => void): Promise<void> {
  say('## Archive on the seeded Synapse: backfill and a full crawl');
  say();
  say('Backfill: a fresh SQLite archive, the viewer started, until its first pass over the directory is done (from the start of the process).');
  say();
  say('| calls per minute (ARCHIVE_BACKFILL_CALLS_PER_MINUTE) | rooms | homeserver calls | events | seconds | events/s | calls/s |');
  say('|---|---:|---:|---:|---:|---:|---:|');
  let backfilled = '';
  for (const [label, rate] of [['30 (the default)', 30], ['6,000 (the maximum)', 6000]] as const) {
    const b = await backfill(startViewer, homeserverUrl, rate);
    backfilled = b.path;
    say(`| ${label} | ${b.rooms} | ${f0(b.calls)} | ${f0(b.events)} | ${f1(b.seconds)} | ${f1(b.events / b.seconds)} | ${(b.calls / b.seconds).toFixed(2)} |`);
  }
  say();
  const path = join(mkdtempSync(join(tmpdir(), 'msv-bench-crawl-')), 'archive.sqlite');
  const env = { ARCHIVE_PATH: path, ARCHIVE_BACKFILL_CALLS_PER_MINUTE: '0', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn' };
  say(`Crawl from \`/\`: links only (same origin, each URL once, at most ${f0(CRAWL_MAX_PAGES)} pages), robots.txt's Disallow lines, rel=nofollow and robots nofollow obeyed, no backfill while crawling; cold = a new SQLite archive, warm = the viewer restarted on the archive the cold crawl filled, backfilled = restarted on the archive of the 6,000-a-minute backfill above.`);
  say();
  say('| archive | pages | homeserver calls | calls per page | seconds | statuses | calls by endpoint |');
  say('|---|---:|---:|---:|---:|---|---|');
  for (const [label, archive] of [['cold', path], ['warm (restarted)', path], ['backfilled (restarted)', backfilled]] as const) {
    const viewer = await startViewer(homeserverUrl, { ...env, ARCHIVE_PATH: archive });
    try {
      const c = await crawl(viewer);
      say(`| ${label} | ${f0(c.pages)} | ${f0(c.calls)} | ${(c.calls / c.pages).toFixed(2)} | ${f1(c.seconds)} | ${[...c.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(', ')}${c.failed.length ? ` (${c.failed.map((f) => `\`${f}\``).join(', ')})` : ''} | ${c.endpoints} |`);
    } finally {
      await viewer.stop();
    }
  }
  say();
}

// Alone: `npm run build && tsx bench/archive-crawl-bench.ts` (the seeded Synapse must be up).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { spawn } = await import('node:child_process');
  const { loadSeed } = await import('../tests/support/homeserver.js');
  const { freePort } = await import('../tests/support/free-port.js');
  const start: StartViewer = async (homeserverUrl, extra = {}) => {
    const port = await freePort();
    const env = { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', MATRIX_HOMESERVER_URL: homeserverUrl, RATE_LIMIT_PER_MINUTE: '0', ...extra, PORT: String(port) };
    const child = spawn(process.execPath, ['dist/src/server.js'], { cwd: join(import.meta.dirname, '..'), env, stdio: ['ignore', 'ignore', 'inherit'] });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300 && !(await fetch(`${url}/healthz`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
    return { url, child, stop: () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.on('exit', () => resolve()), child.kill('SIGTERM')))) };
  };
  await archiveCrawlSection(start, loadSeed().homeserverUrl, (line = '') => process.stdout.write(`${line}\n`));
  process.exit();
}
