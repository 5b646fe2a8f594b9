import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed, type SeedRoom } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const rooms = Object.values(seed.rooms) as SeedRoom[];
const listed = rooms.filter((r) => r.inDirectory && r.worldReadable);

function roomsOn($: import('cheerio').CheerioAPI): Array<{ name: string; href: string; alias: string; topic: string; meta: string }> {
  return $('li.room')
    .toArray()
    .map((li) => ({
      name: $(li).find('h2 a').text(),
      href: $(li).find('h2 a').attr('href') ?? '',
      alias: $(li).find('.alias').text(),
      topic: $(li).find('.topic').text(),
      meta: $(li).find('.meta').text(),
    }));
}

describe('the room directory, against the seeded Synapse', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer();
  });
  afterAll(async () => viewer.close());

  it('lists exactly the world-readable rooms of the public directory, with names, topics and member counts', async () => {
    const { status, $, body } = await viewer.html('/');
    expect(status).toBe(200);
    expect(body).not.toMatch(/<script/i);
    const shown = roomsOn($);
    expect(shown.map((r) => r.alias).sort()).toEqual(listed.map((r) => r.alias).sort());
    expect(shown.map((r) => r.alias)).not.toContain(seed.rooms.membersOnly.alias);
    expect(shown.map((r) => r.alias)).not.toContain(seed.rooms.unlisted.alias);
    for (const room of listed) {
      const entry = shown.find((r) => r.alias === room.alias)!;
      expect(entry.name).toBe(room.name);
      expect(entry.topic).toBe(room.topic);
      expect(entry.meta).toContain(`${room.memberCount} ${room.memberCount === 1 ? 'member' : 'members'}`);
      expect(entry.href).toBe(`/room/${room.alias.slice(1)}`);
    }
  });

  it('says how many widgets a room has', async () => {
    const { $ } = await viewer.html('/');
    const widgets = roomsOn($).find((r) => r.alias === seed.rooms.widgets.alias)!;
    const count = seed.rooms.widgets.widgets.filter((w) => !w.removed).length;
    expect(widgets.meta).toContain(`${count} widgets`);
    const lobby = roomsOn($).find((r) => r.alias === seed.rooms.lobby.alias)!;
    expect(lobby.meta).not.toContain('widget');
  });

  it('narrows the list with a search, and asks search engines not to index results', async () => {
    const { status, $ } = await viewer.html('/?q=Pagination');
    expect(status).toBe(200);
    expect(roomsOn($).map((r) => r.alias)).toEqual([seed.rooms.pagination.alias]);
    expect($('meta[name=robots]').attr('content')).toContain('noindex');
    expect($('input[name=q]').val()).toBe('Pagination');
  });

  it('reaches every room, once, following next links with a small page size', async () => {
    const small = await startViewer({ DIRECTORY_PAGE_SIZE: '2' });
    try {
      const seen: string[] = [];
      let path: string | undefined = '/';
      let pages = 0;
      while (path && pages < 20) {
        const { status, $ } = await small.html(path);
        expect(status).toBe(200);
        const onPage = roomsOn($).map((r) => r.alias);
        expect(onPage.length).toBeLessThanOrEqual(3);
        seen.push(...onPage);
        path = $('nav.pager a[rel=next]').attr('href');
        pages++;
      }
      expect(pages).toBeGreaterThan(2);
      expect(seen.sort()).toEqual(listed.map((r) => r.alias).sort());
    } finally {
      await small.close();
    }
  });

  it('serves room avatars through the media proxy as images, and a letter for rooms without one', async () => {
    const { $ } = await viewer.html('/');
    const lobby = $('li.room').filter((_, li) => $(li).find('.alias').text() === seed.rooms.lobby.alias);
    const src = lobby.find('img.avatar').attr('src');
    expect(src).toMatch(/^\/media\/thumbnail\/localhost\//);
    const image = await viewer.get(src!);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toMatch(/^image\/(png|jpeg|webp)$/);
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = new Uint8Array(await image.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(50);
    const pagination = $('li.room').filter((_, li) => $(li).find('.alias').text() === seed.rooms.pagination.alias);
    expect(pagination.find('.avatar.letter').text()).toBe('P');
  });

  it('works with a bot token instead of a guest', async () => {
    const bot = await startViewer({ MATRIX_ACCESS_TOKEN: seed.users.viewerbot.accessToken });
    try {
      expect(bot.services.session.isGuest).toBe(false);
      const { status, $ } = await bot.html('/');
      expect(status).toBe(200);
      expect(roomsOn($).length).toBe(listed.length);
    } finally {
      await bot.close();
    }
  });

  it('answers a malformed server name with 400 and an unknown path with 404, as HTML', async () => {
    const bad = await viewer.html('/?server=not%20a%20server');
    expect(bad.status).toBe(400);
    expect(bad.response.headers.get('content-type')).toMatch(/text\/html/);
    expect(bad.$('meta[name=robots]').attr('content')).toContain('noindex');
    const missing = await viewer.html('/no/such/page');
    expect(missing.status).toBe(404);
    expect(missing.$('h1').text()).toBe('Not found');
  });

  it('sends a Content-Security-Policy that forbids scripts', async () => {
    const response = await viewer.get('/');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'none'");
  });
});
