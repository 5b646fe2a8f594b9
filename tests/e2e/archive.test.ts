import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../support/homeserver.js';
import { freshSchema, postgresUrl } from '../support/postgres.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const { pagination } = seed.rooms;
const alice = seed.users.alice;

/** Every homeserver call the viewer made, from its /metrics. */
async function upstreamCalls(viewer: RunningViewer): Promise<number> {
  const text = await (await viewer.get('/metrics')).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('upstream_calls_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const api = (path: string, method: string, body?: unknown): Promise<Response> =>
  fetch(`${seed.homeserverUrl}/_matrix/client/v3${path}`, {
    method,
    headers: { Authorization: `Bearer ${alice.accessToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const stores = [
  { name: 'SQLite', env: (): Record<string, string> => ({ ARCHIVE_PATH: join(mkdtempSync(join(tmpdir(), 'msv-archive-e2e-')), 'archive.sqlite') }) },
  { name: 'PostgreSQL', env: (): Record<string, string> => ({ DATABASE_URL: `${postgresUrl()}?schema=${freshSchema('e2e')}` }) },
];

describe.each(stores)('the archive on Synapse ($name)', ({ env }) => {
  const storeEnv = env();
  const viewers: RunningViewer[] = [];
  const start = async (more: Record<string, string> = {}): Promise<RunningViewer> => {
    const viewer = await startViewer({ ...storeEnv, ROOM_FRESHNESS_SECONDS: '2', ...more });
    viewers.push(viewer);
    return viewer;
  };
  afterAll(async () => {
    for (const viewer of viewers) await viewer.close();
  });
  const fifth = pagination.messages[4]!;
  const fifthDay = new Date(fifth.ts).toISOString().slice(0, 10);
  let dayHref = '';

  it('after the backfill, /search finds the 5th #pagination message and links to its day page', async () => {
    const viewer = await start({ ARCHIVE_BACKFILL_CALLS_PER_MINUTE: '6000' });
    await until('the backfill of #pagination', async () => ((await viewer.services.archive!.store.backfillState(pagination.roomId))?.done ? true : undefined), 120_000);
    // Narrowed to its sender: the seeded #crowd room has "Crowd message 5" too.
    const { status, $ } = await viewer.html(`/search?q=${encodeURIComponent(`"${fifth.body}" from:${fifth.sender}`)}`);
    expect(status).toBe(200);
    expect($('meta[name=robots]').attr('content')).toContain('noindex');
    const results = $('li.search-result');
    expect(results.length).toBe(1);
    expect(results.find('.snippet mark').text()).toMatch(/Message\s*5/i);
    expect($('p.count').text()).toContain('1 message matches');
    dayHref = results.find('a').filter((_i, a) => $(a).text() === 'On its day').attr('href')!;
    expect(dayHref.startsWith(`/room/pagination:localhost/date/${fifthDay.replace(/-/g, '/')}`)).toBe(true);
    const [path, anchor] = dayHref.split('#');
    const day = await viewer.html(path!);
    expect(day.status).toBe(200);
    expect(day.$(`#${anchor}`).text()).toContain(fifth.body);
    expect($('p.coverage').text()).toMatch(/The archive holds [\d,]+ messages from \d+ rooms/);
    const text = await (await viewer.get('/metrics')).text();
    expect(text).toMatch(/archive_backfill_calls_total [1-9]/);
    expect(text).toMatch(/archive_messages [1-9]/);
  });

  it('a restarted viewer serves that past day from the warm archive with no homeserver call', async () => {
    await viewers.shift()!.close();
    const viewer = await start();
    // The room itself is loaded live (visibility is checked with the homeserver, never the copy).
    expect((await viewer.html('/room/pagination:localhost')).status).toBe(200);
    const before = await upstreamCalls(viewer);
    const day = await viewer.html(dayHref.split('#')[0]!);
    expect(day.status).toBe(200);
    expect(day.body).toContain(fifth.body);
    expect(await upstreamCalls(viewer)).toBe(before);
    expect(viewer.services.days.archiveDays).toBeGreaterThan(0);
  });

  it('a redaction leaves search and the archived day within the freshness interval; an unreadable room leaves the archive', async () => {
    const viewer = viewers[0]!;
    const created = await api('/createRoom', 'POST', {
      name: 'Archive takedown',
      preset: 'public_chat',
      initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } }],
    });
    const { room_id: roomId } = (await created.json()) as { room_id: string };
    const word = `walrus${Date.now()}`;
    const sent = await api(`/rooms/${encodeURIComponent(roomId)}/send/m.room.message/a-${Date.now()}`, 'PUT', { msgtype: 'm.text', body: `the ${word} is here` });
    const { event_id: eventId } = (await sent.json()) as { event_id: string };
    const room = `/room/${encodeURIComponent(roomId)}`;
    expect((await viewer.html(room)).status).toBe(200);
    const search = `${room}/search?q=${word}`;
    expect((await viewer.html(search)).$('li.search-result').length).toBe(1);
    await api(`/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(eventId)}/r-${Date.now()}`, 'PUT', { reason: 'test' });
    const redactedAt = Date.now();
    await until('the redaction to leave search', async () => {
      await viewer.get(room);
      const { $ } = await viewer.html(search);
      return $('li.search-result').length === 0 ? true : undefined;
    });
    expect(Date.now() - redactedAt).toBeLessThan(2000 + 1000 + 2000);
    const today = new Date().toISOString().slice(0, 10);
    const archived = await viewer.services.archive!.store.dayEvents(roomId, today);
    expect(archived.find((e) => e.event_id === eventId)?.content).toEqual({});
    expect((await viewer.get(`${room}/date/${today.replace(/-/g, '/')}`)).status).toBe(200);
    expect(await (await viewer.get(`${room}/date/${today.replace(/-/g, '/')}`)).text()).not.toContain(word);

    await api(`/rooms/${encodeURIComponent(roomId)}/state/m.room.history_visibility/`, 'PUT', { history_visibility: 'shared' });
    await until('the room to leave the archive', async () => {
      await viewer.get(room);
      return (await viewer.services.archive!.store.roomEvents(roomId)) === 0 ? true : undefined;
    });
    expect(await viewer.services.archive!.store.stretches(roomId)).toEqual([]);
    expect((await viewer.get(room)).status).toBe(403);
  });

  it('answers hostile searches with a 400 page, never a 500', async () => {
    const viewer = viewers[0]!;
    for (const q of ['x'.repeat(10_000), '%00', '%ED%A0%80', 'NEAR(a b)', '"', '***', 'a AND OR NOT', "'; DROP TABLE events; --"]) {
      const raw = q.startsWith('%') ? q : encodeURIComponent(q);
      const response = await viewer.get(`/search?q=${raw}`);
      expect([200, 400], q.slice(0, 20)).toContain(response.status);
      if (response.status === 400) expect(await response.text()).toContain('<h1');
    }
    // NUL inside the words: refused (400), or dropped at the edge before search sees it.
    expect([200, 400]).toContain((await viewer.get('/search?q=a%00b')).status);
    expect((await viewer.get(`/search?q=${'x'.repeat(10_000)}`)).status).toBe(400);
    expect((await viewer.get('/search?q=a&from=2024-02-31')).status).toBe(400);
  });
});

describe('two viewers on one PostgreSQL', () => {
  it('both serve search, and only one backfills', async () => {
    const env = { DATABASE_URL: `${postgresUrl()}?schema=${freshSchema('two')}`, ARCHIVE_BACKFILL_CALLS_PER_MINUTE: '6000' };
    const a = await startViewer(env);
    const b = await startViewer(env);
    try {
      await until('a backfill of #pagination', async () => ((await a.services.archive!.store.backfillState(pagination.roomId))?.done ? true : undefined), 120_000);
      const fifth = pagination.messages[4]!;
      for (const viewer of [a, b]) {
        const { $ } = await viewer.html(`/search?q=${encodeURIComponent(`"${fifth.body}" from:${fifth.sender}`)}`);
        expect($('li.search-result').length).toBe(1);
      }
      const calls = [a, b].map((v) => v.services.backfill!.progress.calls);
      expect(calls.filter((n) => n > 0)).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('the calendar and the thread index', () => {
  it('show days with counts linked to day pages, threads by activity, and how far back the archive is complete; lynx reads them and search', async () => {
    const viewer = await startViewer({ ARCHIVE_BACKFILL_CALLS_PER_MINUTE: '6000' });
    try {
      await until('the backfill of #pagination', async () => ((await viewer.services.archive!.store.backfillState(pagination.roomId))?.done ? true : undefined), 120_000);
      const room = await viewer.html('/room/pagination:localhost');
      expect(room.$('nav.room-nav a').toArray().map((a) => room.$(a).text())).toEqual(expect.arrayContaining(['Calendar', 'Threads', 'Search']));
      const { status, $ } = await viewer.html('/room/pagination:localhost/calendar');
      expect(status).toBe(200);
      expect($('p.coverage').text()).toMatch(/complete back to its creation/);
      const linked = $('ul.calendar-days a').toArray().map((a) => $(a).attr('href'));
      expect(linked).toEqual(expect.arrayContaining(pagination.days.map((d) => `/room/pagination:localhost/date/${d.replace(/-/g, '/')}`)));
      const empty = pagination.emptyDays[0]!;
      expect(linked).not.toContain(`/room/pagination:localhost/date/${empty.replace(/-/g, '/')}`);
      const firstDay = pagination.days[0]!;
      const count = pagination.messages.filter((m) => new Date(m.ts).toISOString().startsWith(firstDay)).length;
      expect($(`a[href="/room/pagination:localhost/date/${firstDay.replace(/-/g, '/')}"]`).text()).toContain(`${count} message`);
      // Every day link a day page gives (previous and next day, its pages) leads to a page. On
      // the day the room was seeded, the archive once linked today, whose only events (the
      // room's creation, before the backdated messages) the live path serving today never
      // reads: a 404.
      const dayLinks = new Set<string>();
      for (const href of linked) {
        const day = await viewer.html(href!);
        expect(day.status, href).toBe(200);
        for (const a of day.$('a[href*="/room/pagination:localhost/date/"]').toArray()) dayLinks.add(day.$(a).attr('href')!.split('#')[0]!);
      }
      for (const href of dayLinks) expect((await viewer.get(href)).status, href).toBe(200);
      const threads = await viewer.html('/room/lobby:localhost/threads');
      expect(threads.status).toBe(200);
      expect(threads.$('p.coverage').text()).toContain('The archive holds');
      for (const path of ['/room/pagination:localhost/calendar', '/room/lobby:localhost/threads', `/search?q=${encodeURIComponent('"Message 5"')}`]) {
        // Asynchronously: the viewer answering lynx runs in this process. No proxy: loopback only.
        const env = { ...process.env, http_proxy: '', https_proxy: '', HTTP_PROXY: '', no_proxy: '*' };
        const dump = await promisify(execFile)('lynx', ['-dump', '-nolist', '-display_charset=utf-8', `${viewer.url}${path}`], { env, timeout: 30_000 });
        expect(dump.stdout.length, path).toBeGreaterThan(100);
        if (path.includes('calendar')) expect(dump.stdout).toMatch(/\d+: \d+ messages?/);
        if (path.includes('search')) expect(dump.stdout).toContain('Message 5');
      }
    } finally {
      await viewer.close();
    }
  });
});
