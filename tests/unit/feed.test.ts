/** The Atom feed builder on the recorded lobby: well-formed XML, every required Atom field. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseEvents } from '../../src/matrix/events.js';
import { buildFeed, feedAlternate } from '../../src/view/feed.js';
import { bodyText, htmlToText } from '../../src/view/text.js';
import type { RoomContext } from '../../src/view/room.js';
import { buildTimeline } from '../../src/view/timeline.js';
import { recorded } from '../support/recorded.js';

const site = { publicUrl: 'https://viewer.example', siteName: 'Viewer', indexing: true };
const room = {
  ref: '#lobby:localhost',
  roomId: '!lobby:localhost',
  name: 'Lobby & <friends>',
  topic: 'Topic "quoted"',
  avatar: '/media/thumbnail/localhost/abc?width=96&height=96&method=crop',
} as RoomContext;

function lobbyTimeline() {
  const page = recorded('lobby-messages') as { chunk: unknown; state?: unknown };
  const events = parseEvents(page.chunk).reverse();
  const members = parseEvents(page.state ?? []);
  return buildTimeline({ roomId: room.roomId, roomRef: room.ref, events, related: [], members, mode: 'main' });
}

type Entry = { id: string; title: string; updated: string; published: string; author: { name: string }; link: { '@_href': string }; content: { '#text': string; '@_type': string } };

describe('the Atom feed', () => {
  const timeline = lobbyTimeline();
  const { xml, updated } = buildFeed({ room, site, timeline, lastModified: 1 });
  const feed = (new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: false }).parse(xml) as { feed: Record<string, unknown> }).feed;
  const entries = ([] as Entry[]).concat(feed['entry'] as Entry[]);

  it('is well-formed XML in the Atom namespace', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
  });

  it('has the feed-level fields: id, escaped title, updated, self and alternate links', () => {
    expect(feed['id']).toBe('https://viewer.example/room/!lobby:localhost');
    expect(xml).toContain('<title>Lobby &amp; &lt;friends&gt; · Viewer</title>');
    expect(feed['updated']).toBe(new Date(updated).toISOString().replace(/\.\d+Z$/, 'Z'));
    expect(xml).toContain('<link rel="self" type="application/atom+xml" href="https://viewer.example/room/lobby:localhost/feed.atom"/>');
    expect(xml).toContain('<link rel="alternate" type="text/html" href="https://viewer.example/room/lobby:localhost"/>');
    expect(xml).toContain('<icon>https://viewer.example/media/thumbnail/localhost/abc?width=96&amp;height=96&amp;method=crop</icon>');
  });

  it('has one entry per message, newest first, each with id, title, dates, author, permalink and HTML content', () => {
    const messages = timeline.items.filter((i) => i.kind === 'event' && i.event.kind === 'message');
    expect(entries.length).toBe(Math.min(messages.length, 30));
    const times = entries.map((e) => Date.parse(e.updated));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    for (const entry of entries) {
      expect(entry.id).toMatch(/^https:\/\/viewer\.example\/room\/!lobby:localhost\/event\/%24/);
      expect(entry.title.length).toBeGreaterThan(0);
      expect(entry.author.name.length).toBeGreaterThan(0);
      expect(entry.link['@_href']).toMatch(/^https:\/\/viewer\.example\/room\/lobby:localhost\/event\//);
      expect(entry.content['@_type']).toBe('html');
      expect(entry.published).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    // Content is sanitised HTML, escaped once more: no raw markup in the XML.
    expect(xml).not.toMatch(/<content[^>]*>[^<]*<(?!\/content)/);
  });

  it('says so when there are no messages', () => {
    const empty = buildFeed({ room, site, timeline: { items: [], count: 0 }, lastModified: Date.UTC(2026, 0, 1) });
    expect(XMLValidator.validate(empty.xml)).toBe(true);
    expect(empty.xml).toContain('<updated>2026-01-01T00:00:00Z</updated>');
    expect(empty.xml).not.toContain('<entry>');
  });

  it('is offered from the room pages', () => {
    expect(feedAlternate(room)).toEqual({ href: '/room/lobby:localhost/feed.atom', type: 'application/atom+xml', title: 'Lobby & <friends>: latest messages (Atom)' });
  });
});

describe('text of bodies', () => {
  it('drops tags and decodes entities', () => {
    expect(htmlToText('<p>a &amp; b</p><p>c&#x3c;d &#62; e&nbsp;f</p>')).toBe('a & b\nc<d > e f');
  });

  it('names media by kind', () => {
    expect(bodyText({ type: 'file', label: 'File', href: '/x', name: 'report.pdf', size: null, duration: null, mimetype: null, player: null, caption: null })).toBe('File: report.pdf');
    expect(bodyText({ type: 'location', description: 'Paris', geoUri: null, mapHref: null })).toBe('Location: Paris');
  });
});
