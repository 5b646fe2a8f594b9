/** The Atom feed of a room, against the seeded Synapse. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const lobby = seed.rooms.lobby;

type Entry = { id: string; title: string; updated: string; author: { name: string }; link: { '@_href': string }; content: { '#text': string; '@_type': string } };

describe('the Atom feed', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer();
  });
  afterAll(async () => viewer.close());

  it('is well-formed Atom with the latest messages, each linked to its absolute permalink', async () => {
    const res = await viewer.get('/room/lobby:localhost/feed.atom');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(res.headers.get('etag')).toMatch(/^"/);
    expect(res.headers.get('last-modified')).toBeTruthy();
    const text = await res.text();
    expect(XMLValidator.validate(text)).toBe(true);
    const feed = (new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'entry' || n === 'link' }).parse(text) as { feed: Record<string, unknown> }).feed;
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed['id']).toBe(`http://viewer.test/room/${lobby.roomId}`);
    const entries = feed['entry'] as Array<Entry & { link: Array<{ '@_href': string }> }>;
    expect(entries.length).toBeGreaterThan(5);
    const ids = new Set(entries.map((e) => e.id));
    expect(ids.size).toBe(entries.length);
    for (const entry of entries) {
      expect(entry.link[0]!['@_href']).toMatch(/^http:\/\/viewer\.test\/room\/lobby:localhost\/event\/%24/);
      expect(entry.author.name.length).toBeGreaterThan(0);
      expect(entry.content['@_type']).toBe('html');
    }
    // The seed's newest message is in it.
    const lastId = encodeURIComponent(lobby.events['last']!);
    expect(entries.some((e) => e.id.endsWith(lastId))).toBe(true);
  });

  it('carries hostile HTML only as escaped, sanitised text', async () => {
    const text = await (await viewer.get('/room/lobby:localhost/feed.atom')).text();
    expect(text).not.toMatch(/<script/i);
    expect(text).not.toMatch(/&lt;script/i);
    expect(text).not.toMatch(/onerror=/i);
  });

  it('is linked from the room page and redirects to the canonical form', async () => {
    const byId = await viewer.get(`/room/${lobby.roomId}/feed.atom`);
    expect(byId.status).toBe(301);
    expect(byId.headers.get('location')).toBe('/room/lobby:localhost/feed.atom');
  });

  it('gets the same errors as the pages', async () => {
    const forbidden = await viewer.get(`/room/${seed.rooms.membersOnly.alias.slice(1)}/feed.atom`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await viewer.get('/room/no-such-room:localhost/feed.atom')).status).toBe(404);
    expect((await viewer.get('/room/not%20a%20room/feed.atom')).status).toBe(400);
  });

  it('asks not to be indexed for a room outside the directory', async () => {
    const res = await viewer.get(`/room/${seed.rooms.unlisted.alias.slice(1)}/feed.atom`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-robots-tag')).toBe('noindex');
  });
});
