// The "big rooms" section of `npm run bench`: the viewer against the stand-in homeserver's
// rooms of 100,000 membership events (bench/big-rooms.ts). Every figure is from one run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSyntheticHomeserver } from './synthetic-homeserver.js';

export interface BenchProc {
  url: string;
  child: { pid?: number | undefined };
  stop(): Promise<void>;
}

export type StartViewer = (homeserverUrl: string, extra?: Record<string, string>) => Promise<BenchProc>;

/** Three rooms for the single cold pages, then 24 loaded at once. */
const SINGLE = 3;
const CONCURRENT = 24;
const BIG = SINGLE + CONCURRENT;
const f0 = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

async function timedGet(url: string): Promise<{ status: number; ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url, { redirect: 'manual' });
  const body = await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started, bytes: body.byteLength };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function metricValue(viewer: BenchProc, name: string): Promise<number> {
  const text = await (await fetch(`${viewer.url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

/** The most CPU the viewer's main thread spent in one turn of its loop since the last call (loop-cpu-probe.mjs). */
async function cpuPerTurn(viewer: BenchProc, file: string): Promise<number> {
  if (!viewer.child.pid) return NaN;
  process.kill(viewer.child.pid, 'SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return (JSON.parse(lines.at(-1) ?? '{}') as { cpuMaxMs?: number }).cpuMaxMs ?? NaN;
}

export async function bigRoomsSection(startViewer: StartViewer, say: (line?: string) => void): Promise<void> {
  const homeserver = await startSyntheticHomeserver(100, 0, BIG);
  const probeDir = mkdtempSync(join(tmpdir(), 'msv-probe-'));
  const probeFile = join(probeDir, 'turns.jsonl');
  try {
    const viewer = await startViewer(homeserver.url, {
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: `--import=${fileURLToPath(new URL('./loop-cpu-probe.mjs', import.meta.url))}`,
      LOOP_PROBE_FILE: probeFile,
    });
    // A small room made hot first: the cached page whose latency is watched below.
    const hot = `${viewer.url}/room/room0:bench.test`;
    for (let i = 0; i < 20; i++) await timedGet(hot);
    // The same cached page with nothing else going on, for comparison: on a loaded machine it
    // is slow by itself.
    const idle: number[] = [];
    for (let i = 0; i < 200; i++) idle.push((await timedGet(hot)).ms);
    // prom-client's nodejs_eventloop_lag_max_seconds starts again at every scrape: read now, it
    // gives the longest delay of each step below alone (start-up and warm-up left out).
    await metricValue(viewer, 'nodejs_eventloop_lag_max_seconds');
    await cpuPerTurn(viewer, probeFile);

    say(`## Big rooms (stand-in homeserver: rooms of 50,000 joined and 50,000 left members)`);
    say();
    say(`Cached page alone (200 requests in turn): p50 ${f1(percentile(idle, 50))} ms, p99 ${f1(percentile(idle, 99))} ms.`);
    say();
    say('| page (cold, one room alone) | status | time ms | upstream bytes | longest event-loop delay ms | most CPU in one loop turn ms |');
    say('|---|---:|---:|---:|---:|---:|');
    for (const [label, path] of [
      ['latest page', '/room/big0:bench.test'],
      ['info page', '/room/big1:bench.test/info'],
      ['members page', '/room/big2:bench.test/members'],
    ] as const) {
      const before = homeserver.counter.bytes;
      const result = await timedGet(`${viewer.url}${path}`);
      const lag = await metricValue(viewer, 'nodejs_eventloop_lag_max_seconds');
      const cpu = await cpuPerTurn(viewer, probeFile);
      say(`| ${label} | ${result.status} | ${f0(result.ms)} | ${f0(homeserver.counter.bytes - before)} | ${f1(lag * 1000)} | ${f1(cpu)} |`);
    }
    say();

    // The cached page, asked for by 4 clients in turn, while the other big rooms load cold at once.
    const latencies: number[] = [];
    let loading = true;
    const watchers = Array.from({ length: 4 }, async () => {
      while (loading) latencies.push((await timedGet(hot)).ms);
    });
    const bytesBefore = homeserver.counter.bytes;
    const started = performance.now();
    const cold = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => timedGet(`${viewer.url}/room/big${i + SINGLE}:bench.test`)));
    const coldMs = performance.now() - started;
    loading = false;
    await Promise.all(watchers);
    const statuses = new Map<number, number>();
    for (const r of cold) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const phaseLag = await metricValue(viewer, 'nodejs_eventloop_lag_max_seconds');
    const loopMax = await metricValue(viewer, 'event_loop_delay_max_seconds');
    const phaseCpu = await cpuPerTurn(viewer, probeFile);
    const pid = viewer.child.pid;
    say(`${CONCURRENT} more big rooms asked for cold at once, while 4 clients ask for a cached page in turn:`);
    say();
    say('| all pages after | statuses | upstream MB | cached page p50 ms | p99 ms | max ms | longest event-loop delay ms: these loads / since start | most CPU in one loop turn ms | peak RSS MB |');
    say('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
    say(
      `| ${f0(coldMs)} ms | ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')} | ${f1((homeserver.counter.bytes - bytesBefore) / 2 ** 20)} | ` +
        `${f1(percentile(latencies, 50))} | ${f1(percentile(latencies, 99))} | ${f1(Math.max(...latencies))} | ` +
        `${f1(phaseLag * 1000)} / ${Number.isFinite(loopMax) ? f1(loopMax * 1000) : 'n/a (not exported)'} | ${f1(phaseCpu)} | ${pid ? f0(peakRssMb(pid)) : 'n/a'} |`,
    );
    say();
    say('Event-loop delays are wall time, so on a loaded machine they include waiting for a core; "most CPU in one loop turn" is the main thread\'s CPU time between two ticks of a 5 ms timer (bench/loop-cpu-probe.mjs), which that does not inflate.');
    say();
    await viewer.stop();
  } finally {
    await homeserver.close();
    rmSync(probeDir, { recursive: true, force: true });
  }
}
