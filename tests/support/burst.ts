// A crawler arriving: distinct event permalinks of the seeded rooms, asked for N at a time on a
// cold viewer. Shared by tests/e2e/crowd.test.ts (which asserts no 5xx) and `npm run bench`
// (which reports the throughput), so both measure the same burst.
import type { SeedManifest, SeedRoom } from './homeserver.js';

export interface BurstResult {
  pages: number;
  statuses: Record<string, number>;
  pagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The first few failures (status 0): what fetch threw, with its cause. */
  failures: string[];
}

const permalink = (alias: string, eventId: string): string => `/room/${alias.slice(1)}/event/${encodeURIComponent(eventId)}`;

/**
 * `count` distinct permalinks: the crowd's and #pagination's messages taken in turn (so the
 * burst spreads over rooms as a crawler's does), then the other rooms' labelled events.
 */
export function burstPermalinks(seed: SeedManifest, count: number): string[] {
  const { crowd, pagination } = seed.rooms;
  const lists = [crowd.messages.map((m) => permalink(crowd.alias, m.eventId)), pagination.messages.map((m) => permalink(pagination.alias, m.eventId))];
  const paths = new Set<string>();
  for (let i = 0; paths.size < count && lists.some((l) => i < l.length); i++) {
    for (const list of lists) if (i < list.length && paths.size < count) paths.add(list[i]!);
  }
  for (const room of Object.values(seed.rooms) as SeedRoom[]) {
    if (!room.worldReadable) continue;
    for (const eventId of Object.values(room.events)) if (paths.size < count) paths.add(permalink(room.alias, eventId));
  }
  if (paths.size < count) throw new Error(`the seed has only ${paths.size} distinct permalinks, not ${count}`);
  return [...paths];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Asks for every path once, `concurrency` at a time; a network error counts as status 0. */
export async function runBurst(baseUrl: string, paths: readonly string[], concurrency: number): Promise<BurstResult> {
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < paths.length) {
        const path = paths[next++]!;
        const t0 = performance.now();
        let status = 0;
        try {
          const response = await fetch(`${baseUrl}${path}`, { redirect: 'manual' });
          await response.arrayBuffer();
          status = response.status;
        } catch (err) {
          const cause = (err as { cause?: { code?: string; message?: string } }).cause;
          if (failures.length < 5) failures.push(`${path}: ${(err as Error).message}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`);
        }
        times.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { pages: paths.length, statuses, pagesPerSecond: paths.length / seconds, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), failures };
}
