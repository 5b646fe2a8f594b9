// The seeded #crowd room (thousands of members, scripts/seed/crowd.ts) against Synapse itself:
// the lazy-loading calls work on a real homeserver, and a crawler's burst of distinct cold
// permalinks gets no 5xx. Speeds are printed, never asserted (they go in `npm run bench`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';
import { burstPermalinks, runBurst } from '../support/burst.js';
import { metric } from '../support/metrics.js';

const seed = loadSeed();
const { crowd } = seed.rooms;

describe('the crowd room, against the seeded Synapse', () => {
  let viewer: RunningViewer;
  const upstream = async (endpoint: string): Promise<number> => metric(await (await viewer.get('/metrics')).text(), 'upstream_calls_total', `endpoint="${endpoint}"`);

  beforeAll(async () => {
    viewer = await startViewer({ RATE_LIMIT_PER_MINUTE: '0' });
  });
  afterAll(async () => viewer.close());

  it('was seeded with thousands of members, a few of whom left', () => {
    expect(crowd.memberCount).toBeGreaterThanOrEqual(2000);
    expect(crowd.left.length).toBeGreaterThan(0);
    expect(crowd.messages.length).toBeGreaterThanOrEqual(300);
    expect(new Set(crowd.messages.map((m) => m.sender)).size).toBeGreaterThanOrEqual(24);
  });

  it('shows the cold latest page and a permalink without reading the member list', async () => {
    const { status, $ } = await viewer.html('/room/crowd:localhost');
    expect(status).toBe(200);
    expect($('.room-header .room-name').text()).toBe(crowd.name);
    const last = crowd.messages[crowd.messages.length - 1]!;
    expect($('li.ev-message .ev-body').last().text().trim()).toBe(last.body);
    // The senders are named from the lazily loaded member events.
    expect($('li.ev-message .sender').last().text()).toMatch(/^Crowd Member \d{4}, one of the seeded crowd room's thousands/);

    const target = crowd.messages[123]!;
    const permalink = await viewer.html(`/room/crowd:localhost/event/${encodeURIComponent(target.eventId)}`);
    expect(permalink.status).toBe(200);
    expect(permalink.$('li.event.highlighted .ev-body').text().trim()).toBe(target.body);
    expect(permalink.$('meta[name=robots]').attr('content')).toMatch(/noindex/);

    // Neither the member list nor the whole current state (which holds it) was asked for.
    expect(await upstream('members')).toBe(0);
    expect(await upstream('state')).toBe(0);
    expect(await upstream('context')).toBeGreaterThan(0);
  });

  it('lists the members, the power-level holders first', async () => {
    const { status, $ } = await viewer.html('/room/crowd:localhost/members');
    expect(status).toBe(200);
    // Within the default bound (8 MB) the whole list is read: no note, every joined member.
    expect($('.notice').length).toBe(0);
    expect($('h1').text()).toBe(`Members (${crowd.memberCount})`);
    const ids = $('li.member .meta').toArray().map((el) => $(el).text());
    const roles = $('li.member .tag').toArray().map((el) => $(el).text());
    expect(roles.slice(0, 4)).toEqual(['Administrator', 'Administrator', 'Moderator', 'Moderator']);
    expect(new Set(ids.slice(0, 4))).toEqual(new Set([...crowd.admins, ...crowd.moderators]));
    for (const gone of crowd.left) expect(ids).not.toContain(gone);
  });

  it('shows the info page with the member count', async () => {
    const { status, $, body } = await viewer.html('/room/crowd:localhost/info');
    expect(status).toBe(200);
    expect(body).toContain(crowd.memberCount.toLocaleString('en-US'));
    expect($('main').text()).toContain('localhost');
  });

  it('reads only the first members within a smaller bound, and says so in plain words', async () => {
    // 1 MB, the smallest bound: the crowd's member list (long display names) is over it.
    const small = await startViewer({ RATE_LIMIT_PER_MINUTE: '0', UPSTREAM_MAX_MB: '1' });
    try {
      const cold = await small.html('/room/crowd:localhost');
      expect(cold.status).toBe(200);
      const { status, $ } = await small.html('/room/crowd:localhost/members');
      expect(status).toBe(200);
      const note = $('.notice').text();
      expect(note).toMatch(new RegExp(`This room has ${crowd.memberCount.toLocaleString('en-US')} members; the first [\\d,]+ are listed`));
      const listed = Number(/the first ([\d,]+)/.exec(note)![1]!.replace(/,/g, ''));
      expect(listed).toBeGreaterThan(500);
      expect(listed).toBeLessThan(crowd.memberCount);
      const roles = $('li.member .tag').toArray().map((el) => $(el).text());
      expect(roles.slice(0, 4)).toEqual(['Administrator', 'Administrator', 'Moderator', 'Moderator']);
    } finally {
      await small.close();
    }
  });
});

describe('a crawler burst on a cold viewer', () => {
  it('answers 600 distinct cold permalinks, 50 at a time, with no 5xx', { timeout: 600_000 }, async () => {
    const viewer = await startViewer({ RATE_LIMIT_PER_MINUTE: '0' });
    try {
      const paths = burstPermalinks(seed, 600);
      expect(new Set(paths).size).toBe(600);
      const result = await runBurst(viewer.url, paths, 50);
      console.log(
        `burst: ${result.pages} permalinks, 50 at a time: ${result.pagesPerSecond.toFixed(1)} pages/s, ` +
          `p50 ${result.p50Ms.toFixed(0)} ms, p99 ${result.p99Ms.toFixed(0)} ms; statuses ${JSON.stringify(result.statuses)}` +
          (result.failures.length > 0 ? `; failures: ${result.failures.join('; ')}` : ''),
      );
      const fivexx = Object.entries(result.statuses).filter(([s]) => Number(s) >= 500);
      expect(fivexx).toEqual([]);
      expect(result.statuses['200']).toBe(600);
    } finally {
      await viewer.close();
    }
  });
});
