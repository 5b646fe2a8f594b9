// The big-rooms figure that needs a real homeserver: cold distinct-page throughput on the
// seeded Synapse. A crawler arriving at a cold viewer asks for 600 distinct event permalinks
// of the seeded rooms (the #crowd room of thousands of members and #pagination), 50 at a time:
// the burst tests/e2e/crowd.test.ts asserts has no 5xx.
import { cpus, loadavg } from 'node:os';
import { burstPermalinks, runBurst } from '../tests/support/burst.js';
import type { SeedManifest } from '../tests/support/homeserver.js';
import type { StartViewer } from './big-rooms-bench.js';

const PAGES = 600;
const CONCURRENCY = 50;
const f0 = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

async function upstreamCalls(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith('upstream_calls_total{')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

export async function crowdBurstSection(startViewer: StartViewer, seed: SeedManifest, say: (line?: string) => void): Promise<void> {
  const paths = burstPermalinks(seed, PAGES);
  const viewer = await startViewer(seed.homeserverUrl, { LOG_LEVEL: 'warn' });
  try {
    const load = loadavg()[0]!;
    const result = await runBurst(viewer.url, paths, CONCURRENCY);
    const fivexx = Object.entries(result.statuses).filter(([s]) => Number(s) >= 500 || s === '0').reduce((sum, [, n]) => sum + n, 0);
    const { crowd } = seed.rooms;
    say(`## Cold distinct pages on the seeded Synapse (${f0(PAGES)} permalinks, ${CONCURRENCY} at a time)`);
    say();
    say(
      `A cold viewer; the permalinks are #crowd's (${f0(crowd.memberCount)} joined members) and #pagination's messages in turn. ` +
        `Load average at the start: ${f1(load)} on ${cpus().length} cores.`,
    );
    say();
    say('| pages/s | p50 ms | p99 ms | 5xx or failed | statuses | upstream calls |');
    say('|---:|---:|---:|---:|---|---:|');
    say(
      `| ${f1(result.pagesPerSecond)} | ${f0(result.p50Ms)} | ${f0(result.p99Ms)} | ${fivexx} | ` +
        `${Object.entries(result.statuses).map(([s, n]) => `${s}×${n}`).join(', ')} | ${f0(await upstreamCalls(viewer.url))} |`,
    );
    say();
  } finally {
    await viewer.stop();
  }
}
