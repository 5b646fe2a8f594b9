/**
 * Strings that cannot be encoded or shown (lone surrogates, NUL and other controls) in every
 * string field of events, room state and directory entries:
 * - through the matrix/ edge (parseEvents, parsePublicRoomsPage), no view and no page holds
 *   one any more;
 * - handed to the builders directly (as if something skipped the edge), no builder throws,
 *   every event still has its entry, and an event a builder cannot render gets the neutral line.
 */
import { describe, expect, it } from 'vitest';
import { parsePublicRoomsPage } from '../../src/matrix/directory.js';
import { parseEvents, type MatrixEvent } from '../../src/matrix/events.js';
import type { HierarchyRoom } from '../../src/matrix/room-answers.js';
import { wellFormedJson, wellFormedText } from '../../src/matrix/wellformed.js';
import { buildSnapshot } from '../../src/rooms/snapshot.js';
import { buildDirectoryView } from '../../src/view/directory.js';
import { buildDiscussion } from '../../src/view/discussion.js';
import { buildFeed } from '../../src/view/feed.js';
import { buildInfo } from '../../src/view/info.js';
import { memberNames, membersPage } from '../../src/view/members.js';
import { nameOrdered } from '../support/member-list.js';
import { buildRoomContext, widgetDetails } from '../../src/view/room.js';
import { buildSpaceChildren } from '../../src/view/space.js';
import { buildTimeline } from '../../src/view/timeline.js';
import { encodeSegment, matrixToLink } from '../../src/view/urls.js';
import { fillTemplate, jitsiLink } from '../../src/view/widgets/links.js';
import { containmentFindings } from '../support/containment.js';
import { hostileRoomState, hostileTimeline } from '../support/hostile-events.js';
import { renderRoomPage, renderer, TS } from '../support/room-page.js';

const LONE = ['\ud800', '\udfff', 'a\udfff', '\ud800a'];
const BAD = [...LONE, 'x\u0000y', '\u0000', 'a\u0001\u0008\u000b\u001f\u007f\u0085b', '<li>\ud800</li>\u0000', '#\udfff:evil.example', '!\ud800:evil.example'];
/** What no view or page may hold once the edge has cleaned its input. */
const ILL_FORMED = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff]/u;

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) strings(v, strings(k, out));
  return out;
}

const illFormed = (value: unknown): string[] => strings(value).filter((s) => ILL_FORMED.test(s));
const ROOM = '!edge:evil.example';

function hostileRoom(payloads: readonly string[]): { state: MatrixEvent[]; events: MatrixEvent[]; members: MatrixEvent[] } {
  const events: MatrixEvent[] = [];
  const members: MatrixEvent[] = [];
  payloads.forEach((payload, i) => {
    const built = hostileTimeline(payload, { roomId: ROOM, tag: `w${i}`, ts: TS + i * 100_000 });
    events.push(...built.events);
    members.push(...built.members);
  });
  return { state: hostileRoomState(ROOM, payloads, TS - 1e6), events, members };
}

/** Every builder of a room's pages, on one room; returns the views and the rendered room page. */
function buildAll(state: MatrixEvent[], events: MatrixEvent[], members: MatrixEvent[]) {
  const snapshot = buildSnapshot(ROOM, [...state, ...members], { events, start: 's', end: 'e', state: members }, TS + 1e9);
  const room = buildRoomContext(snapshot, true);
  const timeline = buildTimeline({ roomId: ROOM, roomRef: room.ref, events, related: events, members, mode: 'main' });
  const thread = buildTimeline({ roomId: ROOM, roomRef: room.ref, events, related: events, members, mode: 'thread', dayLinks: false });
  const site = { publicUrl: 'http://viewer.test', siteName: 'Static viewer', indexing: true };
  const names = memberNames([...state, ...members]);
  const views = {
    room,
    timeline,
    thread,
    info: buildInfo(snapshot.state, names, { joinedCount: members.length, servers: ['evil.example'], listedOf: undefined }),
    widgets: widgetDetails(room.widgets, names),
    members: membersPage(nameOrdered([...state, ...members]), snapshot.state.powerLevels, room.ref, 1, 1000).members,
    feed: buildFeed({ room, site, timeline, lastModified: TS }).xml,
    discussion: buildDiscussion({ timeline: thread, publicUrl: site.publicUrl, pagePath: '/room/x/thread/y', headline: 'h' }),
  };
  return { views, page: renderRoomPage(ROOM, state, events, members) };
}

describe('wellFormedText and wellFormedJson', () => {
  it('replaces lone surrogates and keeps pairs', () => {
    expect(LONE.map(wellFormedText)).toEqual(['\ufffd', '\ufffd', 'a\ufffd', '\ufffda']);
    expect(wellFormedText('😀 \ud83d\ude00')).toBe('😀 😀');
    for (const s of LONE) expect(() => encodeURIComponent(wellFormedText(s))).not.toThrow();
  });

  it('drops controls but tab and newline, and reads CR and CRLF as newlines', () => {
    expect(wellFormedText('a\u0000b\u0001\u001f\u007f\u0085c\td\ne')).toBe('abc\td\ne');
    expect(wellFormedText('a\r\nb\rc')).toBe('a\nb\nc');
    expect(wellFormedText('no\ufdd0n\uffffc')).toBe('nonc');
  });

  it('cleans keys and values at any depth, and survives a very deep answer', () => {
    const raw = JSON.parse('{"a\\u0000b": {"users": {"@x\\ud800:y": 50}}, "list": ["\\udfff", {"k": "v\\u0000"}]}');
    expect(wellFormedJson(raw)).toEqual({ ab: { users: { '@x\ufffd:y': 50 } }, list: ['\ufffd', { k: 'v' }] });
    const proto = wellFormedJson(JSON.parse('{"__pro\\u0000to__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__']);
    const deep = JSON.parse(`${'['.repeat(100_000)}"\\ud800"${']'.repeat(100_000)}`);
    expect(() => wellFormedJson(deep)).not.toThrow();
  });
});

describe('the issue findings no longer throw', () => {
  it.each(LONE.map((s) => [s]))('%j in URL builders and widget links', (s) => {
    expect(encodeSegment(s)).toContain('%EF%BF%BD');
    expect(matrixToLink(`#${s}:x`)).toContain('%EF%BF%BD');
    expect(fillTemplate('https://w.example/?c=$conf', new Map([['conf', s]]))).toContain('%EF%BF%BD');
    expect(jitsiLink({ url: '', data: { conferenceId: s } } as never).link.ok).toBe(true);
  });
});

describe('through the edge', () => {
  // Hundreds of events through every builder: under a loaded machine this takes seconds.
  it('no view and no page of a room holds an ill-formed string', { timeout: 30_000 }, () => {
    const { state, events, members } = hostileRoom(BAD);
    const edge = (list: MatrixEvent[]) => parseEvents(JSON.parse(JSON.stringify(list)));
    const parsed = { state: edge(state), events: edge(events), members: edge(members) };
    expect(illFormed(parsed)).toEqual([]);
    expect(parsed.events.length).toBe(events.length);
    const { views, page } = buildAll(parsed.state, parsed.events, parsed.members);
    expect(illFormed(views)).toEqual([]);
    expect(ILL_FORMED.test(page.html)).toBe(false);
    expect(containmentFindings(page.html, page.timeline)).toEqual([]);
  });

  it('a directory of such rooms renders, without links built from malformed IDs', () => {
    const chunk = BAD.map((s, i) => ({
      room_id: i % 2 === 0 ? `!r${i}:evil.example` : `!${s}:evil.example`, name: s, topic: s, canonical_alias: `#${s}:evil.example`,
      avatar_url: s, num_joined_members: 3, world_readable: true, guest_can_join: false, join_rule: s, room_type: s,
    }));
    const page = parsePublicRoomsPage(JSON.parse(JSON.stringify({ chunk, next_batch: BAD[0], prev_batch: BAD[1] })));
    expect(illFormed(page)).toEqual([]);
    const widgetState = new Map(page.rooms.map((r, i) => [r.roomId, hostileRoomState(r.roomId, [BAD[i % BAD.length]!], TS)]));
    const view = buildDirectoryView(
      { rooms: page.rooms, nextBatch: page.nextBatch, prevBatch: page.prevBatch, totalEstimate: undefined },
      // The reader's query is cleaned in web/query.ts; here it is plain.
      { search: 'q', server: undefined, since: 't' },
      { publicUrl: 'http://viewer.test', indexing: true, siteName: 'S', defaultServer: 'hs.example', widgetState },
    );
    expect(view.rooms.length).toBe(page.rooms.length);
    expect(view.rooms.every((r) => r.href.startsWith('/room/'))).toBe(true);
    expect(ILL_FORMED.test(renderer.render('directory', view))).toBe(false);
  });
});

describe('straight into the builders, past the edge', () => {
  it('no builder throws, and every event keeps its entry', { timeout: 30_000 }, () => {
    const { state, events, members } = hostileRoom(BAD);
    const { views, page } = buildAll(state, events, members);
    expect(views.timeline.count).toBeGreaterThan(BAD.length * 20);
    expect(containmentFindings(page.html, page.timeline)).toEqual([]);
  });

  it('directory, widgets and space children with lone surrogates in every field', () => {
    const rooms = BAD.map((s) => ({
      roomId: `!${s}:x`, name: s, topic: s, canonicalAlias: `#${s}:x`, avatarUrl: s, memberCount: 1,
      worldReadable: true, guestCanJoin: false, joinRule: s, roomType: s,
    }));
    const widgetState = new Map(rooms.map((r, i) => [r.roomId, hostileRoomState(r.roomId, [BAD[i]!], TS)]));
    const ctx = { publicUrl: 'http://viewer.test', indexing: true, siteName: 'S', defaultServer: 'hs.example', widgetState };
    const view = buildDirectoryView({ rooms, nextBatch: BAD[0], prevBatch: BAD[1], totalEstimate: 1 }, { search: BAD[0], since: BAD[1] }, ctx);
    expect(view.rooms.length).toBe(rooms.length);
    expect(() => renderer.render('directory', view)).not.toThrow();
    const children: HierarchyRoom[] = rooms.map((r) => ({ ...r, childrenState: [] }));
    expect(buildSpaceChildren(children).length).toBe(rooms.length);
  });

  it('an event that a builder cannot render gets the neutral line, and the rest of the page renders', () => {
    const events: MatrixEvent[] = [0, 1, 2].map((i) => ({
      event_id: `$e${i}`, type: 'm.room.message', sender: '@a:x', origin_server_ts: TS + i, room_id: ROOM, content: { msgtype: 'm.text', body: `message ${i}` },
    }));
    let armed = false;
    Object.defineProperty(events[1]!.content, 'body', { get: () => { if (armed) throw new Error('cannot read this'); return 'x'; }, enumerable: true });
    const { html, timeline } = renderRoomPage(ROOM, [], events, [], () => { armed = true; });
    expect(timeline.count).toBe(3);
    expect(html).toContain('message 0');
    expect(html).toContain('message 2');
    expect(html).toContain('sent an event that cannot be shown');
    expect(containmentFindings(html, timeline)).toEqual([]);
  });
});
