/**
 * What a room takes back leaves every page (issue 11), tried as a room admin would against the
 * seeded Synapse: a redaction, history visibility set to `shared`, and a room taken out of the
 * directory. Each row is polled until the old content is gone and must be gone within the
 * freshness interval plus one second (the promise), plus a margin for a loaded machine.
 * TAKEDOWN_FRESHNESS_SECONDS (a list, default `2`) and TAKEDOWN_CAP_SECONDS (how long a row is
 * polled) let the same test measure other settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load as loadHtml } from 'cheerio';
import { utcDay } from '../../src/utc-day.js';
import { dayPath, eventPath, roomPath, roomSubPath, threadPath } from '../../src/view/urls.js';
import { loadSeed } from '../support/homeserver.js';
import { RoomAdmin, timeUntil } from '../support/room-admin.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
/**
 * The freshness intervals to try, in seconds: `2` by default (fast); TAKEDOWN_FRESHNESS_SECONDS
 * may list others (`2,10`), each run as its own suite with its own viewer and rooms.
 */
const freshnesses = (process.env['TAKEDOWN_FRESHNESS_SECONDS'] ?? '2').split(',').map((s) => Number(s.trim()));
/** Synapse and the test share two cores with other work: the margin absorbs that, not the bound. */
const marginMs = 2000;
const admin = new RoomAdmin(seed.homeserverUrl, seed.users.alice.accessToken);

describe.each(freshnesses)('what a room takes back leaves every page (ROOM_FRESHNESS_SECONDS=%i)', (freshness) => {
  const boundMs = (freshness + 1) * 1000;
  const capMs = Number(process.env['TAKEDOWN_CAP_SECONDS'] ?? 0) * 1000 || boundMs + marginMs;
  const nonce = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}f${freshness}`;
  /** Row → milliseconds until gone (undefined: still there at the cap). */
  const figures = new Map<string, number | undefined>();

  async function measure(since: number, rows: Record<string, () => Promise<boolean>>): Promise<void> {
    const times = await Promise.all(Object.entries(rows).map(async ([row, gone]) => [row, await timeUntil(gone, since, capMs)] as const));
    for (const [row, ms] of times) figures.set(row, ms);
    for (const [row, ms] of times) expect.soft(ms ?? Number.POSITIVE_INFINITY, `${row}: gone within ${boundMs} ms + margin`).toBeLessThanOrEqual(boundMs + marginMs);
  }

  let viewer: RunningViewer;
  // Room A: the table's thirty messages, redacted and then made members-only.
  let roomA: string;
  const aliasA = `takedown-a-${nonce}:localhost`;
  const secret = `secret seven ${nonce}`;
  /** Words of a message that is never redacted: room A's archive is searched for them at the end. */
  const kept = `kept words ${nonce}`;
  const ids: string[] = [];
  // Room B: a reply whose target is older than the cached window, then taken out of the directory.
  let roomB: string;
  const aliasB = `takedown-b-${nonce}:localhost`;
  const quoted = `quoted original ${nonce}`;
  let targetB = '';
  // Rooms C and D: only their listings are read, never their pages, so only the listings'
  // own refreshes can see C leave the directory and D stop being world-readable.
  let roomC: string;
  let roomD: string;
  const aliasC = `takedown-c-${nonce}:localhost`;
  const aliasD = `takedown-d-${nonce}:localhost`;

  const text = async (path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Headers }> => {
    const res = await fetch(`${viewer.url}${path}`, { headers });
    return { status: res.status, body: await res.text(), headers: res.headers };
  };
  const without = (path: string, needle: string) => async (): Promise<boolean> => {
    const res = await text(path);
    return res.status === 200 && !res.body.includes(needle);
  };
  const forbidden = (path: string) => async (): Promise<boolean> => (await text(path)).status === 403;
  /** The archive's search results for `words` (a phrase), or undefined if the page did not answer 200. */
  const hits = async (path: string, words: string): Promise<number | undefined> => {
    const res = await text(`${path}?q=${encodeURIComponent(`"${words}"`)}`);
    return res.status === 200 ? loadHtml(res.body)('li.search-result').length : undefined;
  };
  /** A listing that answers (an error page names no room either) and does not name the room. */
  const listed = (path: string, alias: string) => async (): Promise<boolean> => {
    const res = await text(path);
    return res.status === 200 && !res.body.includes(alias);
  };

  beforeAll(async () => {
    // The test is one client polling a dozen pages five times a second: the per-client rate
    // limit would answer it 429 for the rest of its window, and no refresh would be asked for.
    viewer = await startViewer({ ROOM_FRESHNESS_SECONDS: String(freshness), RATE_LIMIT_PER_MINUTE: '0' });
    roomA = await admin.createRoom(`Takedown A ${nonce}`, aliasA.split(':')[0]!, true);
    for (let n = 1; n <= 30; n++) {
      if (n === 8) ids.push(await admin.reply(roomA, ids[6]!, `Message 8 answers seven`));
      else if (n === 9) ids.push(await admin.threadReply(roomA, ids[6]!, `Message 9 in the thread of seven`));
      else ids.push(await admin.text(roomA, n === 7 ? `Message 7 ${secret}` : n === 2 ? `Message 2 ${kept}` : `Message ${n}`));
    }
    roomB = await admin.createRoom(`Takedown B ${nonce}`, aliasB.split(':')[0]!, true);
    targetB = await admin.text(roomB, `Message 1 ${quoted}`);
    // More than the snapshot's 200-event window after the target, so its quote is fetched.
    for (let batch = 0; batch < 21; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => admin.text(roomB, `Filler ${batch * 10 + i}`)));
    }
    await admin.reply(roomB, targetB, 'The latest message answers the first');
    roomC = await admin.createRoom(`Takedown C ${nonce}`, aliasC.split(':')[0]!, true);
    roomD = await admin.createRoom(`Takedown D ${nonce}`, aliasD.split(':')[0]!, true);
  }, 180_000);

  afterAll(async () => {
    // Leave nothing published or readable behind for the other suites.
    for (const room of [roomA, roomB, roomC, roomD]) {
      if (!room) continue;
      await admin.setPublished(room, false).catch(() => undefined);
      await admin.setHistoryVisibility(room, 'shared').catch(() => undefined);
    }
    await viewer?.close();
    const rows = [...figures].map(([row, ms]) => `| ${row} | ${ms === undefined ? `still there after ${capMs / 1000} s` : `${(ms / 1000).toFixed(1)} s`} |`);
    console.log(`takedown figures, ROOM_FRESHNESS_SECONDS=${freshness} (bound ${boundMs / 1000} s)\n${rows.join('\n')}`);
  });

  it('says on the info page and the room page why the room is shown, and how its admins take it out', async () => {
    const info = await viewer.html(roomSubPath(`#${aliasA}`, 'info'));
    const section = info.$('#why-shown');
    expect(section.find('code').first().text()).toBe('world_readable');
    // Who set the history visibility, and when, from the state event.
    expect(section.text()).toContain(seed.users.alice.userId);
    expect(section.find('time').attr('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(section.text()).toMatch(/in the public room directory, so this viewer lists it and lets search engines index/);
    const ways = section.find('li').toArray().map((li) => info.$(li).text());
    expect(ways).toHaveLength(3);
    expect(ways[0]).toMatch(/world_readable/);
    expect(ways[1]).toMatch(/out of the public room directory/);
    expect(ways[2]).toMatch(/ROOM_DENYLIST/);
    const latest = await viewer.html(roomPath(`#${aliasA}`));
    const line = latest.$('.why-shown');
    expect(line.text()).toMatch(/Shown here because anyone may read its history \(world_readable, set by .*@alice:localhost.*\)\. In the public directory, so indexed\./);
    expect(line.find('a').attr('href')).toBe(`/room/${aliasA}/info#why-shown`);
  });

  it('a redaction leaves every page that shows the message, and the permalink shows the placeholder', async () => {
    const id7 = ids[6]!;
    const day = utcDay(Date.now());
    const pages = {
      'redaction: latest page': roomPath(`#${aliasA}`),
      'redaction: day page': dayPath(`#${aliasA}`, day),
      'redaction: event permalink': eventPath(`#${aliasA}`, id7),
      'redaction: Atom feed': roomSubPath(`#${aliasA}`, 'feed.atom'),
      'redaction: room-ID page': roomPath(roomA),
      'redaction: ?before= page': roomPath(`#${aliasA}`, { before: ids[9]! }),
      'redaction: thread page': threadPath(`#${aliasA}`, id7),
      'redaction: reply quote (target outside the window)': roomPath(`#${aliasB}`),
    };
    // Every page is read (and so cached) first, and shows what is about to be taken back.
    for (const [row, path] of Object.entries(pages)) {
      const res = await text(path);
      expect(res.status, row).toBe(200);
      expect(res.body, row).toContain(row.includes('reply quote') ? quoted : secret);
    }
    // The archive holds what the pages read, and its search finds the message, in the room and site-wide.
    const searches = { 'redaction: room search (archive)': roomSubPath(`#${aliasA}`, 'search'), 'redaction: site search (archive)': '/search' };
    for (const [row, path] of Object.entries(searches)) expect(await hits(path, secret), row).toBe(1);
    const permalink = await fetch(`${viewer.url}${pages['redaction: event permalink']}`);
    const permalinkTag = permalink.headers.get('etag')!;
    const dayPage = await fetch(`${viewer.url}${pages['redaction: day page']}`);
    const dayModified = dayPage.headers.get('last-modified')!;

    await admin.redact(roomA, id7, 'taken back');
    await admin.redact(roomB, targetB);
    const since = Date.now();
    const rows: Record<string, () => Promise<boolean>> = {};
    for (const [row, path] of Object.entries(pages)) rows[row] = without(path, row.includes('reply quote') ? quoted : secret);
    for (const [row, path] of Object.entries(searches)) rows[row] = async () => (await hits(path, secret)) === 0;
    rows['redaction: If-None-Match revalidation (permalink)'] = async () => {
      const res = await text(pages['redaction: event permalink'], { 'If-None-Match': permalinkTag });
      return res.status === 200 && !res.body.includes(secret);
    };
    rows['redaction: If-Modified-Since revalidation (day page)'] = async () => {
      const res = await text(pages['redaction: day page'], { 'If-Modified-Since': dayModified });
      return res.status === 200 && !res.body.includes(secret);
    };
    await measure(since, rows);

    const $ = loadHtml((await text(pages['redaction: event permalink'])).body);
    expect($('.highlight .deleted, .deleted').first().text()).toMatch(/Message deleted/);
    expect($('.reply').text()).toMatch(/the original message was deleted/);
  }, 600_000);

  it('a room taken out of the directory leaves the listing and the sitemaps, and says noindex', async () => {
    const page = roomPath(`#${aliasB}`);
    for (const path of ['/', '/sitemaps/rooms-1.xml']) expect((await text(path)).body, path).toContain(aliasB);
    expect((await text(`/sitemaps/room/${aliasB}.xml`)).status).toBe(200);
    expect((await text(page)).headers.get('x-robots-tag')).toBeNull();

    await admin.setPublished(roomB, false);
    const since = Date.now();
    await measure(since, {
      'unpublished: noindex on the room page': async () => {
        const res = await text(page);
        return res.headers.get('x-robots-tag') === 'noindex' && loadHtml(res.body)('meta[name="robots"]').attr('content')?.includes('noindex') === true;
      },
      'unpublished: directory listing': listed('/', aliasB),
      'unpublished: rooms sitemap': listed('/sitemaps/rooms-1.xml', aliasB),
      'unpublished: room sitemap': async () => (await text(`/sitemaps/room/${aliasB}.xml`)).status === 404,
    });
    const after = await viewer.html(page);
    expect(after.status).toBe(200);
    expect(after.$('.why-shown').text()).toMatch(/Not in the public directory, so not indexed\./);
  }, 600_000);

  it('a room nobody reads leaves the listing and the sitemaps all the same', async () => {
    for (const path of ['/', '/sitemaps/rooms-1.xml']) {
      const body = (await text(path)).body;
      expect(body, path).toContain(aliasC);
      expect(body, path).toContain(aliasD);
    }
    for (const alias of [aliasC, aliasD]) expect((await text(`/sitemaps/room/${alias}.xml`)).status).toBe(200);

    await Promise.all([admin.setPublished(roomC, false), admin.setHistoryVisibility(roomD, 'shared')]);
    const since = Date.now();
    await measure(since, {
      'unpublished, pages unread: directory listing': listed('/', aliasC),
      'unpublished, pages unread: rooms sitemap': listed('/sitemaps/rooms-1.xml', aliasC),
      'unpublished, pages unread: room sitemap': async () => (await text(`/sitemaps/room/${aliasC}.xml`)).status === 404,
      'shared, pages unread: directory listing': listed('/', aliasD),
      'shared, pages unread: rooms sitemap': listed('/sitemaps/rooms-1.xml', aliasD),
      'shared, pages unread: room sitemap': async () => (await text(`/sitemaps/room/${aliasD}.xml`)).status === 404,
    });
  }, 600_000);

  it('a room that stopped being world-readable before the viewer ever read it answers 403 from cold', async () => {
    // Synapse refuses a guest's /messages once the current visibility is not world_readable,
    // so the cold load (/messages, then /context) needs no call of its own to ask it, although
    // /context would still show the guest the room's world-readable past.
    const aliasE = `takedown-e-${nonce}:localhost`;
    const roomE = await admin.createRoom(`Takedown E ${nonce}`, aliasE.split(':')[0]!, false);
    await admin.text(roomE, `said while world-readable ${nonce}`);
    await admin.setHistoryVisibility(roomE, 'shared');
    await admin.text(roomE, `said to members only ${nonce}`);
    for (const path of [roomPath(`#${aliasE}`), roomPath(roomE)]) {
      const page = await text(path);
      expect(page.status, path).toBe(403);
      expect(page.body, path).not.toContain('said while world-readable');
    }
  }, 120_000);

  it('a room whose history stops being world-readable answers 403 everywhere and leaves the listing', async () => {
    const ref = `#${aliasA}`;
    expect((await text('/')).body).toContain(aliasA);
    const pages = {
      'shared: latest page': roomPath(ref),
      'shared: day page': dayPath(ref, utcDay(Date.now())),
      'shared: event permalink': eventPath(ref, ids[0]!),
      'shared: Atom feed': roomSubPath(ref, 'feed.atom'),
      'shared: room-ID page': roomPath(roomA),
      'shared: ?before= page': roomPath(ref, { before: ids[9]! }),
      'shared: thread page': threadPath(ref, ids[6]!),
      'shared: info page': roomSubPath(ref, 'info'),
      'shared: members page': roomSubPath(ref, 'members'),
    };
    for (const [row, path] of Object.entries(pages)) expect((await text(path)).status, row).toBe(200);
    expect(await hits('/search', kept)).toBe(1);

    await admin.setHistoryVisibility(roomA, 'shared');
    const since = Date.now();
    const rows: Record<string, () => Promise<boolean>> = {};
    for (const [row, path] of Object.entries(pages)) rows[row] = forbidden(path);
    rows['shared: room search (archive)'] = forbidden(`${roomSubPath(ref, 'search')}?q=kept`);
    // The archive's copy is deleted, so nothing of the room is found any more.
    rows['shared: site search (archive)'] = async () => (await hits('/search', kept)) === 0;
    rows['shared: directory listing'] = listed('/', aliasA);
    rows['shared: rooms sitemap'] = listed('/sitemaps/rooms-1.xml', aliasA);
    await measure(since, rows);

    // Dropped, not only hidden: no cache holds anything of the room any more.
    const { services } = viewer;
    expect(services.rooms.lastKnown(roomA)).toBeUndefined();
    for (const cache of [services.reader.cache, services.reader.memberLists, services.pages, services.days.chunks, services.widgetState.cache]) {
      expect(cache.forgetRoom(roomA), cache.name).toBe(0);
    }
  }, 600_000);
});
