import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheerioAPI } from 'cheerio';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const { lobby, pagination, membersOnly, space, v12, widgets } = seed.rooms;

function messages($: CheerioAPI): string[] {
  return $('li.event.ev-message .ev-body')
    .toArray()
    .map((el) => $(el).text().trim());
}

function earlierLink($: CheerioAPI): string | undefined {
  return $('nav.pager a[rel=prev]').first().attr('href');
}

describe('room pages, against the seeded Synapse', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer({ ROOM_FRESHNESS_SECONDS: '1' });
  });
  afterAll(async () => viewer.close());

  it('shows the latest messages, oldest first, under the room header', async () => {
    const { status, $, body } = await viewer.html('/room/lobby:localhost');
    expect(status).toBe(200);
    expect(body).not.toMatch(/<script/i);
    expect($('.room-header .room-name').text()).toBe(lobby.name);
    expect($('.room-header .topic').text()).toBe(lobby.topic);
    expect($('.room-header a[href^="https://matrix.to/#/"]').attr('href')).toBe('https://matrix.to/#/%23lobby%3Alocalhost');
    expect($('.room-header img.avatar').attr('src')).toMatch(/^\/media\/thumbnail\/localhost\//);
    expect($('.widgets-bar').length).toBe(0);
    const times = $('li.event time').toArray().map((t) => Date.parse($(t).attr('datetime') ?? ''));
    expect(times.length).toBeGreaterThan(10);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect($('link[rel=canonical]').attr('href')).toBe('http://viewer.test/room/lobby:localhost');
  });

  it('redirects other forms of the room address to the canonical one, permanently', async () => {
    for (const form of ['/room/%23lobby:localhost', `/room/${encodeURIComponent(lobby.roomId)}`, `/room/${lobby.roomId}`]) {
      const response = await viewer.get(form);
      expect(response.status, form).toBe(301);
      expect(response.headers.get('location')).toBe('/room/lobby:localhost');
    }
    const sub = await viewer.get(`/room/${encodeURIComponent(lobby.roomId)}/info`);
    expect(sub.headers.get('location')).toBe('/room/lobby:localhost/info');
  });

  it('pages back through all of #pagination by "Earlier messages" links with no gap and no duplicate', async () => {
    const bodies: string[] = [];
    let path: string | undefined = '/room/pagination:localhost';
    let pages = 0;
    while (path && pages < 40) {
      const { status, $ } = await viewer.html(path);
      expect(status, path).toBe(200);
      bodies.unshift(...messages($).filter((b) => /^Message \d+$/.test(b)));
      path = earlierLink($);
      pages++;
    }
    expect(pages).toBeGreaterThanOrEqual(7);
    expect(bodies).toEqual(pagination.messages.map((m) => m.body));
  });

  it('pages forward again with "Later messages" links', async () => {
    const first = pagination.messages[0]!;
    let path: string | undefined = `/room/pagination:localhost/event/${encodeURIComponent(first.eventId)}`;
    const bodies: string[] = [];
    let pages = 0;
    while (path && pages < 40) {
      const { $ } = await viewer.html(path);
      const onPage = messages($).filter((b) => /^Message \d+$/.test(b));
      bodies.push(...onPage.filter((b) => !bodies.includes(b)));
      path = $('nav.pager a[rel=next]').first().attr('href');
      pages++;
    }
    expect(bodies).toEqual(pagination.messages.map((m) => m.body));
  });

  it('shows an event far in the past in context, highlighted, by its permalink', async () => {
    const target = pagination.messages[5]!;
    const { status, $ } = await viewer.html(`/room/pagination:localhost/event/${encodeURIComponent(target.eventId)}`);
    expect(status).toBe(200);
    const highlighted = $('li.event.highlighted');
    expect(highlighted.length).toBe(1);
    expect(highlighted.find('.ev-body').text().trim()).toBe(target.body);
    expect(highlighted.attr('id')).toMatch(/^e-/);
    expect(messages($)).toContain(pagination.messages[4]!.body);
    expect(messages($)).toContain(pagination.messages[6]!.body);
    // For people, not for search engines: the day page that holds the event is canonical.
    const day = new Date(target.ts).toISOString().slice(0, 10).replace(/-/g, '/');
    expect($('link[rel=canonical]').attr('href')).toBe(`http://viewer.test/room/pagination:localhost/date/${day}#${highlighted.attr('id')}`);
    expect($('meta[name=robots]').attr('content')).toBe('noindex, follow');
  });

  it('works for a version 12 room, whose ID has no server part', async () => {
    const moved = await viewer.get(`/room/${encodeURIComponent(v12.roomId)}`);
    expect(moved.status).toBe(301);
    const { status, $ } = await viewer.html('/room/v12:localhost');
    expect(status).toBe(200);
    const event = v12.events['message2']!;
    const permalink = $(`li.event a.time[href*="${encodeURIComponent(event)}"]`).attr('href');
    expect(permalink).toBeDefined();
    const page = await viewer.html(permalink!.split('#')[0]!);
    expect(page.status).toBe(200);
    expect(page.$('li.event.highlighted').length).toBe(1);
  });

  it('shows a thread with its root and every reply', async () => {
    const root = lobby.events['threadRoot']!;
    const { status, $ } = await viewer.html(`/room/lobby:localhost/thread/${encodeURIComponent(root)}`);
    expect(status).toBe(200);
    expect(messages($)).toEqual(['Thread root: which editor do you use?', 'Vim, obviously.', 'Emacs!', 'Both are fine.']);
    const main = await viewer.html('/room/lobby:localhost');
    expect(messages(main.$)).not.toContain('Emacs!');
    expect(main.$(`a.thread[href="/room/lobby:localhost/thread/${encodeURIComponent(root)}"]`).text()).toContain('3 replies');
  });

  it('shows the room details', async () => {
    const { status, $ } = await viewer.html('/room/lobby:localhost/info');
    expect(status).toBe(200);
    const details = Object.fromEntries(
      $('dl.details dt').toArray().map((dt) => [$(dt).text(), $(dt).next('dd').text()]),
    );
    expect(details['Room ID']).toBe(lobby.roomId);
    expect(details['Address']).toBe(lobby.alias);
    expect(details['Room version']).toBe(lobby.roomVersion);
    expect(details['Joined members']).toBe(String(lobby.memberCount));
    expect(details['Who can read the history']).toMatch(/^Anyone/);
    expect(details['Guest access']).toBe('Guests can join');
    expect(details['Created by']).toContain(seed.users.seeder.userId);
    expect($('table.levels').text()).toContain('Ban');
    expect($('h2:contains("Servers in the room") + p').text()).toContain('localhost');
  });

  it('lists members by power level, then name, with roles, and asks not to be indexed', async () => {
    const { status, $ } = await viewer.html('/room/lobby:localhost/members');
    expect(status).toBe(200);
    const names = $('li.member .member-name').toArray().map((el) => $(el).text());
    expect(names.length).toBe(lobby.memberCount);
    expect($('li.member').first().find('.tag').text()).toBe('Administrator');
    expect($('meta[name=robots]').attr('content')).toContain('noindex');
  });

  it('lists a space’s child rooms beside its timeline, each linked', async () => {
    const { status, $ } = await viewer.html('/room/space:localhost');
    expect(status).toBe(200);
    const links = $('.space-children h3 a').toArray().map((a) => $(a).attr('href'));
    expect(links).toEqual(expect.arrayContaining(['/room/lobby:localhost', '/room/pagination:localhost', '/room/garden:localhost', '/room/library:localhost']));
    expect(space.children.length).toBe(4);
  });

  it('refuses a room whose history is not world-readable with 403 and says why, never its messages', async () => {
    const { status, $, body } = await viewer.html('/room/members-only:localhost');
    expect(status).toBe(403);
    expect($('h1').text()).toBe('This room cannot be shown');
    expect($('main').text()).toMatch(/world-readable/);
    for (const label of Object.keys(membersOnly.events)) expect(body).not.toContain(membersOnly.events[label]);
    expect((await viewer.get('/room/members-only:localhost/info')).status).toBe(403);
  });

  it('answers unknown rooms and events with 404, and malformed ones with 400', async () => {
    expect((await viewer.get('/room/no-such-room:localhost')).status).toBe(404);
    expect((await viewer.get('/room/!nosuchroom:localhost')).status).toBe(404);
    expect((await viewer.get('/room/lobby:localhost/event/%24nosuchevent')).status).toBe(404);
    expect((await viewer.get('/room/not a room')).status).toBe(400);
    expect((await viewer.get('/room/lobby:localhost/event/not-an-event')).status).toBe(400);
    expect((await viewer.get('/room/lobby:localhost?before=garbage')).status).toBe(400);
  });

  it('shows the widgets bar in rooms that have widgets', async () => {
    const { $ } = await viewer.html('/room/widgets:localhost');
    expect($('.widgets-bar a').length).toBeGreaterThan(3);
    expect(widgets.widgets.length).toBeGreaterThan(3);
  });

  it('shows a message sent during the test after the freshness interval', async () => {
    // A room of its own, so that runs on a reused homeserver do not pile messages into the seed.
    const alice = seed.users.alice;
    const api = (path: string, method: string, body: unknown): Promise<Response> =>
      fetch(`${seed.homeserverUrl}/_matrix/client/v3${path}`, {
        method,
        headers: { Authorization: `Bearer ${alice.accessToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = await api('/createRoom', 'POST', {
      name: 'Freshness',
      initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } }],
    });
    const { room_id: roomId } = (await created.json()) as { room_id: string };
    const page = `/room/${encodeURIComponent(roomId)}`;
    expect((await viewer.html(page)).status).toBe(200);
    const body = `Fresh message ${Date.now()}`;
    const sent = await api(`/rooms/${encodeURIComponent(roomId)}/send/m.room.message/fresh-${Date.now()}`, 'PUT', { msgtype: 'm.text', body });
    expect(sent.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const { $ } = await viewer.html(page);
    expect(messages($)).toContain(body);
  });
});
