// Real scale, end to end: the viewer against the stand-in homeserver's rooms of 100,000
// membership events (bench/big-rooms.ts, the recorded shapes of the real API).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyntheticHomeserver } from '../../bench/synthetic-homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const metric = (text: string, name: string, labels = ''): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels)) ?? text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
};

describe('rooms of 100,000 membership events (stand-in homeserver)', () => {
  let homeserver: Awaited<ReturnType<typeof startSyntheticHomeserver>>;
  let viewer: RunningViewer;

  beforeAll(async () => {
    homeserver = await startSyntheticHomeserver(1, 0, 30);
    viewer = await startViewer({ MATRIX_HOMESERVER_URL: homeserver.url, UPSTREAM_TIMEOUT_MS: '30000', RATE_LIMIT_PER_MINUTE: '0' });
  });
  afterAll(async () => {
    await viewer.close();
    await homeserver.close();
  });

  it('shows a cold room page without its member list, with the senders named', async () => {
    const before = homeserver.counter.bytes;
    const { status, $ } = await viewer.html('/room/big0:bench.test');
    expect(status).toBe(200);
    expect($('title').text()).toContain('Big room 0');
    expect($('li.ev-message').length).toBeGreaterThan(20);
    expect($('li.ev-message .sender').first().text()).toMatch(/^User \d+$/);
    // Kilobytes, not the 29 MB of the room's state.
    expect(homeserver.counter.bytes - before).toBeLessThan(1_000_000);
    const text = await (await viewer.get('/metrics')).text();
    expect(metric(text, 'upstream_calls_total', 'endpoint="members"')).toBeUndefined();
    expect(metric(text, 'upstream_calls_total', 'endpoint="state"')).toBeUndefined();
  });

  it('lists the first members of a room too big for the bound, says so, and lists the power-level holders', async () => {
    const { status, $ } = await viewer.html('/room/big1:bench.test/members');
    expect(status).toBe(200);
    const note = $('.notice').text();
    expect(note).toMatch(/This room has 50,000 members; the first [\d,]+ are listed/);
    const listed = Number(/the first ([\d,]+)/.exec(note)![1]!.replace(/,/g, ''));
    expect(listed).toBeGreaterThan(1000);
    expect(listed).toBeLessThan(50_000);
    expect($('h1').text()).toContain('50000');
    const roles = $('li.member .tag').toArray().map((el) => $(el).text());
    expect(roles.slice(0, 3)).toEqual(['Administrator', 'Moderator', 'Moderator']);
  });

  it('keeps the list it read: the info page of the same room reads no member list again', async () => {
    const calls = async (): Promise<number | undefined> => metric(await (await viewer.get('/metrics')).text(), 'upstream_calls_total', 'endpoint="members"');
    expect((await viewer.get('/room/big3:bench.test/members')).status).toBe(200);
    const before = { calls: await calls(), bytes: homeserver.counter.bytes };
    const { status, body } = await viewer.html('/room/big3:bench.test/info');
    expect(status).toBe(200);
    expect(body).toContain('50,000');
    expect(await calls()).toBe(before.calls);
    // The list is 8 MB upstream; what the info page reads besides is kilobytes.
    expect(homeserver.counter.bytes - before.bytes).toBeLessThan(1_000_000);
  });

  it('gives the info page the member count and the servers of the first members, in plain words', async () => {
    const { status, $, body } = await viewer.html('/room/big2:bench.test/info');
    expect(status).toBe(200);
    expect(body).toContain('50,000');
    expect($('p.meta').text()).toMatch(/servers of the first [\d,]+ members only/);
    expect(body).toContain('example.org');
  });

  it('loads 24 big rooms cold at once, every one', async () => {
    const statuses = await Promise.all(Array.from({ length: 24 }, (_, i) => viewer.get(`/room/big${i + 4}:bench.test`).then(async (r) => (await r.arrayBuffer(), r.status))));
    expect(statuses).toEqual(Array.from({ length: 24 }, () => 200));
  });

  it('answers a homeserver answer bigger than the bound with a clear 502, and keeps serving', async () => {
    const { status, $ } = await viewer.html(`/room/${encodeURIComponent('!huge:bench.test')}`);
    expect(status).toBe(502);
    expect($('main').text()).toMatch(/bigger than this viewer reads at once/);
    expect((await viewer.get('/room/big0:bench.test')).status).toBe(200);
  });

  it('stops an answer that never ends, by bytes or by time, and keeps serving', async () => {
    const { status } = await viewer.html(`/room/${encodeURIComponent('!endless:bench.test')}`);
    expect([502, 504]).toContain(status);
    expect((await viewer.get('/healthz')).status).toBe(200);
    // The page may fail on a call beside the endless one (a cold load asks several at once):
    // the endless read is then still being cut off by its own bound, and ends soon after.
    const metricsNow = async (): Promise<string> => (await viewer.get('/metrics')).text();
    await expect.poll(async () => metric(await metricsNow(), 'upstream_bytes_in_flight'), { timeout: 30_000, interval: 250 }).toBe(0);
    expect(metric(await metricsNow(), 'event_loop_delay_max_seconds')).toBeGreaterThan(0);
  });
});
