// What a cold room page by alias costs the seeded Synapse: at most three calls, for a room the
// directory lists and for one it does not, once the viewer has walked the directory (the
// sitemaps and the backfill walk it). Counted from /metrics, as the bench counts them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from 'cheerio';
import { loadSeed } from '../support/homeserver.js';
import { metric } from '../support/metrics.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();

describe('cold room pages by alias, against the seeded Synapse', () => {
  let viewer: RunningViewer;
  const calls = async (): Promise<number> => metric(await (await viewer.get('/metrics')).text(), 'upstream_calls_total');
  const cold = async (path: string): Promise<{ status: number; calls: number; robots: string | undefined }> => {
    const before = await calls();
    const response = await viewer.get(path);
    const $ = load(await response.text());
    return { status: response.status, calls: (await calls()) - before, robots: $('meta[name=robots]').attr('content') };
  };

  beforeAll(async () => {
    // No backfill: its own calls would be counted with the page's.
    viewer = await startViewer({ ARCHIVE: 'off', RATE_LIMIT_PER_MINUTE: '0' });
  });
  afterAll(async () => viewer.close());

  it('costs four calls for a room not in the directory before any walk, and is noindex', async () => {
    const page = await cold(`/room/${seed.rooms.unlisted.alias.slice(1)}`);
    expect(page).toMatchObject({ status: 200, calls: 4 });
    expect(page.robots).toMatch(/noindex/);
  });

  it('costs at most three once the directory was walked, listed or not, and the unlisted room stays noindex', async () => {
    // A crawler reads the sitemaps first: the whole directory is walked.
    expect((await viewer.get('/sitemap.xml')).status).toBe(200);
    const listed = await cold(`/room/${seed.rooms.garden.alias.slice(1)}`);
    expect(listed.status).toBe(200);
    expect(listed.calls).toBeLessThanOrEqual(3);
    expect(listed.robots ?? '').not.toMatch(/noindex/);
    const unlisted = await cold(`/room/${seed.rooms.library.alias.slice(1)}`);
    expect(unlisted.status).toBe(200);
    expect(unlisted.calls).toBeLessThanOrEqual(3);
    expect(unlisted.robots).toMatch(/noindex/);
  });
});
