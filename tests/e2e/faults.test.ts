// Fault tolerance, end to end: the viewer against the seeded Synapse through a proxy that
// injects faults (tests/support/fault-proxy.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** The canonical page of a seeded room: its alias without `#`. */
const pageOf = (alias: string): string => `/room/${alias.slice(1)}`;
const byId = (roomId: string): string => `/room/${encodeURIComponent(roomId)}`;

let proxy: FaultProxy;
const viewers: RunningViewer[] = [];

async function viewer(env: Record<string, string> = {}): Promise<RunningViewer> {
  const started = await startViewer({ MATRIX_HOMESERVER_URL: proxy.url, ROOM_FRESHNESS_SECONDS: '1', UPSTREAM_TIMEOUT_MS: '3000', ...env });
  viewers.push(started);
  return started;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

beforeAll(async () => {
  proxy = await startFaultProxy(seed.homeserverUrl);
});

afterEach(async () => {
  proxy.heal();
  proxy.resetCounts();
  await Promise.all(viewers.splice(0).map((v) => v.close()));
});

afterAll(async () => {
  await proxy.close();
});

describe('homeserver down', () => {
  it('serves cached rooms marked out of date, 503s the rest, stays live, and recovers by itself', async () => {
    const v = await viewer();
    const lobby = pageOf(seed.rooms.lobby.alias);
    const fresh = await v.html(lobby);
    expect(fresh.status).toBe(200);
    expect(fresh.$('.notice').text()).not.toContain('may be out of date');

    proxy.set({ kind: 'cut' });
    await sleep(1100); // past the freshness interval: the next page tries to refresh

    const stale = await v.html(lobby);
    expect(stale.status).toBe(200);
    expect(stale.$('.notice').text()).toContain('may be out of date');
    expect(stale.body).toContain(seed.rooms.lobby.name);

    for (const path of [pageOf(seed.rooms.garden.alias), byId(seed.rooms.library.roomId), '/', '/?q=garden']) {
      const cold = await v.html(path);
      expect(cold.status, path).toBe(503);
      expect(Number(cold.response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(cold.response.headers.get('content-type')).toMatch(/^text\/html/);
    }

    expect((await v.get('/healthz')).status).toBe(200);
    const ready = await v.get('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ homeserver: 'down' });

    proxy.heal();
    const healedAt = Date.now();
    // Within one freshness interval (plus the time a page takes) the copy is current again.
    let recovered = false;
    while (Date.now() - healedAt < 1000 + 1500) {
      const page = await v.html(lobby);
      if (page.status === 200 && !page.$('.notice').text().includes('may be out of date')) {
        recovered = true;
        break;
      }
      await sleep(100);
    }
    expect(recovered).toBe(true);
    expect((await v.get('/readyz')).status).toBe(200);
    expect((await v.html(pageOf(seed.rooms.garden.alias))).status).toBe(200);
  });
});

describe('slow homeserver', () => {
  it('times every upstream call out: 504 when nothing is cached', async () => {
    const v = await viewer({ UPSTREAM_TIMEOUT_MS: '500' });
    proxy.set({ kind: 'delay', ms: 5000 }, /\/rooms\//);
    const { value: page, ms } = await timed(() => v.html(byId(seed.rooms.library.roomId)));
    expect(page.status).toBe(504);
    expect(page.response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(ms).toBeLessThan(3000);
  });

  it('caps concurrency toward the homeserver and bounds the queue: excess requests get 503 fast', async () => {
    const v = await viewer({ UPSTREAM_CONCURRENCY: '2', UPSTREAM_QUEUE_LIMIT: '2', UPSTREAM_TIMEOUT_MS: '10000' });
    expect((await v.get('/readyz')).status).toBe(200); // the guest session exists already
    proxy.set({ kind: 'delay', ms: 1500 }, /\/rooms\//);
    proxy.resetCounts();
    const rooms = Array.from({ length: 12 }, (_, i) => byId(`!uncached${i}x${Date.now()}:${seed.serverName}`));
    const answers = await Promise.all(
      rooms.map((path) =>
        timed(async () => {
          const response = await v.get(path);
          await response.text();
          return response;
        }),
      ),
    );
    const rejected = answers.filter((a) => a.value.status === 503);
    const admitted = answers.filter((a) => a.value.status !== 503);
    expect(proxy.maxInFlight).toBeLessThanOrEqual(2);
    expect(rejected.length).toBeGreaterThanOrEqual(12 - 2 - 2);
    for (const a of rejected) {
      expect(a.ms).toBeLessThan(500);
      expect(a.value.headers.get('retry-after')).toBeTruthy();
    }
    // The admitted ones were answered by the homeserver (this room does not exist).
    for (const a of admitted) expect([403, 404]).toContain(a.value.status);
  });
});

describe('429 from the homeserver', () => {
  it('waits retry_after_ms before retrying the call', async () => {
    const v = await viewer();
    proxy.set({ kind: 'rateLimit', retryAfterMs: 800 }, /\/messages/, 1);
    const page = await v.html(byId(seed.rooms.library.roomId));
    expect([200, 301]).toContain(page.status);
    const calls = proxy.requests.filter((r) => r.path.endsWith('/messages'));
    expect(calls.map((c) => c.fault)).toEqual(['rateLimit', 'pass']);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(750);
  });

  it('does not stampede: concurrent pages each retry once, after the delay', async () => {
    const v = await viewer();
    expect((await v.get('/readyz')).status).toBe(200);
    proxy.set({ kind: 'rateLimit', retryAfterMs: 1000 }, /\/messages/);
    proxy.resetCounts();
    const n = 10;
    const stamp = Date.now();
    const rooms = Array.from({ length: n }, (_, i) => `!ratelimited${i}x${stamp}:${seed.serverName}`);
    // And a burst of requests for one cold room: single-flight, so one upstream load.
    const lobbyBurst = Array.from({ length: 10 }, () => v.get(byId(seed.rooms.lobby.roomId)).then((r) => r.status));
    const pending = [...rooms.map((id) => v.get(byId(id)).then((r) => r.status)), ...lobbyBurst];
    setTimeout(() => proxy.heal(), 300);
    const statuses = await Promise.all(pending);
    expect(statuses.every((s) => s < 500)).toBe(true);

    const stateCalls = proxy.requests.filter((r) => r.path.endsWith('/messages'));
    // At most one 429 and one retry per distinct room: bounded, not a stampede.
    expect(stateCalls.length).toBeLessThanOrEqual(2 * (n + 1));
    const lobbyState = stateCalls.filter((r) => r.path.includes(seed.rooms.lobby.roomId));
    expect(lobbyState.length).toBeLessThanOrEqual(2);
    const first429 = Math.min(...stateCalls.filter((r) => r.fault === 'rateLimit').map((r) => r.at));
    const retries = stateCalls.filter((r) => r.fault === 'pass');
    expect(retries.length).toBeGreaterThan(0);
    // Nobody retried before the homeserver's delay was up.
    for (const retry of retries) expect(retry.at - first429).toBeGreaterThanOrEqual(950);
  });
});

describe('garbage from the homeserver', () => {
  const faults = [
    { name: 'invalid JSON', fault: { kind: 'invalidJson' } },
    { name: 'truncated JSON', fault: { kind: 'truncated' } },
    { name: 'a 500', fault: { kind: 'status', status: 500 } },
  ] as const;
  for (const { name, fault } of faults) {
    // A cold room is loaded with two calls: /messages, then /context on its newest event.
    for (const target of [/\/messages/, /\/context\//]) {
      it(`${name} on ${target.source}: a 502 page, no crash, nothing poisoned in the cache`, async () => {
        const v = await viewer();
        const room = seed.rooms.garden;
        proxy.set(fault, target);
        const bad = await v.html(pageOf(room.alias));
        expect(bad.status).toBe(502);
        expect(bad.response.headers.get('content-type')).toMatch(/^text\/html/);
        expect(bad.$('h1').text()).toContain('homeserver');
        expect(v.services.rooms.peek(room.roomId)).toBeUndefined();

        proxy.heal();
        const good = await v.html(pageOf(room.alias));
        expect(good.status).toBe(200);
        expect(good.$('.room-name').text()).toContain(room.name);
        // Real content: the seeded messages are on the page.
        expect(good.body).toContain(room.events['message2']!.slice(1, 12));
        expect(good.$('.notice').text()).not.toContain('may be out of date');
        expect((await v.get('/healthz')).status).toBe(200);
      });
    }
  }
});

describe('guest token revoked', () => {
  it('registers again and carries on', async () => {
    const v = await viewer();
    const lobby = pageOf(seed.rooms.lobby.alias);
    expect((await v.get(lobby)).status).toBe(200);
    const registrations = (): number => proxy.count(/\/register$/, 'POST');
    const before = registrations();
    expect(before).toBe(1);

    proxy.revokeSeenTokens();
    const page = await v.html(pageOf(seed.rooms.garden.alias));
    expect(page.status).toBe(200);
    expect(registrations()).toBe(before + 1);
    expect(proxy.requests.some((r) => r.fault === 'unknownToken')).toBe(true);

    await sleep(1100);
    expect((await v.get(lobby)).status).toBe(200);
    expect(registrations()).toBe(before + 1);
  });
});

describe('memory', () => {
  const ROOMS = 30;
  const BODY = 'x'.repeat(8000);

  /** World-readable rooms with big messages, made once per homeserver (found again by alias). */
  async function bigRooms(): Promise<string[]> {
    const token = seed.users.seeder.accessToken;
    const api = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
      const response = await fetch(`${seed.homeserverUrl}/_matrix/client/v3${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    const ids: string[] = [];
    for (let i = 0; i < ROOMS; i++) {
      const localpart = `memory-${i}`;
      const known = await api('GET', `/directory/room/${encodeURIComponent(`#${localpart}:${seed.serverName}`)}`);
      if (typeof known['room_id'] === 'string') {
        ids.push(known['room_id']);
        continue;
      }
      const created = await api('POST', '/createRoom', {
        name: `Memory ${i}`,
        room_alias_name: localpart,
        preset: 'public_chat',
        initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } }],
      });
      const roomId = created['room_id'] as string;
      for (let m = 0; m < 4; m++) {
        await api('PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/m${m}`, { msgtype: 'm.text', body: `${m} ${BODY}` });
      }
      ids.push(roomId);
    }
    return ids;
  }

  it('never holds more bytes of rooms than its bound, however many rooms are crawled', async () => {
    const ids = await bigRooms();
    const v = await viewer({ CACHE_MAX_MB: '1' });
    const cache = v.services.rooms;
    expect(cache.maxBytes).toBeLessThanOrEqual(1024 * 1024);
    let largest = 0;
    for (const roomId of ids) {
      const page = await v.get(`/room/memory-${ids.indexOf(roomId)}:${seed.serverName}`);
      expect(page.status).toBe(200);
      await page.text();
      largest = Math.max(largest, cache.calculatedSize);
      expect(cache.calculatedSize).toBeLessThanOrEqual(cache.maxBytes);
    }
    // The rooms did not all fit: the cache evicted rather than grew.
    expect(cache.stats.evictions).toBeGreaterThan(0);
    expect(cache.count).toBeLessThan(ids.length);
    expect(largest).toBeGreaterThan(cache.maxBytes / 2);
  }, 120_000);
});
