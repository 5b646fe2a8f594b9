/**
 * Every hostile payload in every place of an event or of room state that an attacker
 * controls, through the real view layer (buildSnapshot, buildRoomContext, buildTimeline,
 * buildInfo, widgetDetails) and the real templates, then parsed with cheerio: the rendered
 * pages must hold no script, no event handler, no foreign inline style and no link or source
 * with a scheme outside http, https, ftp, mailto and magnet (plus `geo:lat,lon`); and every
 * event stays in its own entry, every message inside it (support/containment.ts).
 */
import { buildPins } from '../../src/view/events/pins.js';
import { buildTransparency } from '../../src/view/transparency.js';
import { describe, expect, it } from 'vitest';
import type { MatrixEvent } from '../../src/matrix/events.js';
import { buildSnapshot } from '../../src/rooms/snapshot.js';
import { cleanName } from '../../src/view/events/format.js';
import { feedAlternate } from '../../src/view/feed.js';
import { buildInfo } from '../../src/view/info.js';
import { buildDiscussion } from '../../src/view/discussion.js';
import { buildRoomContext, describeRoom, roomMeta, widgetDetails, type SiteContext } from '../../src/view/room.js';
import type { TimelinePageView } from '../../src/view/timeline-page.js';
import { stepPager } from '../../src/view/pager.js';
import { buildTimeline, type TimelineView } from '../../src/view/timeline.js';
import { roomPath, roomSubPath } from '../../src/view/urls.js';
import { createRenderer } from '../../src/web/render.js';
import { containmentFindings } from '../support/containment.js';
import { hostileRoomState, hostileTimeline } from '../support/hostile-events.js';
import { elementFindings, htmlFindings, parseElements, urlProblem } from '../support/xss-detect.js';
import { xssPayloads } from '../support/xss-payloads.js';

const PAYLOADS = xssPayloads();
/** Payloads per rendered page: ~45 events each, so a page holds about a thousand events. */
const BATCH = 24;
const TS = Date.UTC(2025, 0, 15, 12);

const renderer = createRenderer(
  { name: 'Static viewer', homeserver: 'https://hs.example', serverName: 'hs.example', stylesheet: '/static/style.css', favicon: '/static/favicon.svg' },
  // Cached templates (as in production): the output is the same, and thousands of includes
  // are not recompiled each time.
  true,
);
const site: SiteContext = { publicUrl: 'http://viewer.test', siteName: 'Static viewer', indexing: true };

interface Rendered {
  name: string;
  html: string;
  /** Room pages: the timeline they show, for the containment check. */
  timeline?: TimelineView;
}

/** The room, info and widgets pages of one room whose state and timeline are made of `payloads`. */
function renderBatch(
  payloads: readonly string[],
  batch: number,
  modes: ReadonlyArray<'main' | 'thread'> = ['main'],
): { pages: Rendered[]; contexts: number; events: number } {
  const roomId = `!xss${batch}:evil.example`;
  const events: MatrixEvent[] = [];
  const members: MatrixEvent[] = [];
  let contexts = 0;
  payloads.forEach((payload, i) => {
    const built = hostileTimeline(payload, { roomId, tag: `b${batch}p${i}`, ts: TS + i * 1000 });
    events.push(...built.events);
    members.push(...built.members);
    contexts += built.contexts.length;
  });
  const stateEvents = [...hostileRoomState(roomId, payloads, TS - 100_000), ...members];
  const snapshot = buildSnapshot(roomId, stateEvents, { events, start: 's', end: 'e', state: members }, TS + 1e6);
  const pages: Rendered[] = [];
  const budget = { viewerSeconds: 11, cdnSeconds: 3600 };
  {
    const published = batch % 2 === 0;
    const room = buildRoomContext(snapshot, published);
    const highlight = events[Math.floor(events.length / 2)]?.event_id;
    for (const mode of modes) {
      const timeline = buildTimeline({ roomId, roomRef: room.ref, events, related: events, members, highlight, mode });
      const path = roomPath(room.ref);
      const view: TimelinePageView = {
        meta: {
          ...roomMeta(room, site, {
            title: `${room.name}: ${payloads[0]}`,
            path,
            description: describeRoom(room, payloads.slice(0, 3)),
            prev: roomPath(room.ref, { before: events[0]?.event_id }),
            next: roomPath(room.ref, { after: events.at(-1)?.event_id }),
          }),
          alternates: [feedAlternate(room)],
        },
        // The thread page's schema.org microdata (<meta>/<link> made of the messages).
        discussion: mode === 'thread' ? buildDiscussion({ timeline, publicUrl: site.publicUrl, pagePath: path, headline: payloads[0] }) : undefined,
        room,
        heading: `Messages ${payloads[0]}`,
        timeline,
        pagerTop: stepPager({ label: 'Earlier messages', prev: 'Earlier messages' }, roomPath(room.ref, { before: events[0]?.event_id }), undefined),
        pager: stepPager({ label: 'More messages' }, roomPath(room.ref, { before: events[0]?.event_id }), roomPath(room.ref, { after: events.at(-1)?.event_id })),
        latestHref: room.links.latest,
        // Pins made of the hostile messages too.
        pins: buildPins(events.slice(0, 3).map((e) => e.event_id), events, (userId) => userId, room.ref),
        hasPins: true,
        note: payloads[1],
        transparency: buildTransparency(snapshot.state, { ref: room.ref, published, indexing: true, budget }),
        empty: timeline.count === 0,
        children: [],
        hasChildren: false,
      };
      pages.push({ name: `room ${mode} published=${published}`, html: renderer.render('room', view), timeline });
    }
    const names = new Map(members.map((m) => [m.state_key ?? '', cleanName(m.content['displayname']) ?? m.state_key ?? '']));
    const about = { meta: roomMeta(room, site, { title: room.name, path: roomSubPath(room.ref, 'info'), description: describeRoom(room, []) }), room };
    const infoView = { ...about, transparency: buildTransparency(snapshot.state, { ref: room.ref, published, indexing: true, budget, names }), info: buildInfo(snapshot.state, names, { joinedCount: members.length, servers: [], listedOf: undefined }), children: [], hasChildren: false, pins: buildPins(events.slice(-3).map((e) => e.event_id), events, (userId) => names.get(userId) ?? userId, room.ref), hasPins: true };
    pages.push({ name: `info published=${published}`, html: renderer.render('info', infoView) });
    const widgetsView = { ...about, widgets: widgetDetails(room.widgets), latestHref: roomPath(room.ref) };
    pages.push({ name: `widgets published=${published}`, html: renderer.render('widgets', widgetsView) });
  }
  return { pages, contexts, events: events.length };
}

const BATCHES: string[][] = [];
for (let i = 0; i < PAYLOADS.length; i += BATCH) BATCHES.push(PAYLOADS.slice(i, i + BATCH));

describe('the checker', () => {
  it('allows our own links and rejects script schemes in their encodings', () => {
    for (const ok of ['/room/x', '#e-1', 'https://example.org/', 'HTTP://x', 'mailto:a@b', 'magnet:?xt=1', 'ftp://x/', 'geo:1.5,-2']) {
      expect(urlProblem(ok), ok).toBeNull();
    }
    for (const bad of ['javascript:xss()', ' JaVa\tScRiPt:x', 'java\nscript:x', '\x01javascript:x', 'data:text/html,x', 'vbscript:x', '//evil.example/', '/\\evil.example', 'x.html', 'geo:1,2;x=<b>']) {
      expect(urlProblem(bad), JSON.stringify(bad)).not.toBeNull();
    }
  });

  it('catches script, handlers, styles, frames and bad links in a page', () => {
    const html = '<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0;url=javascript:xss()"><base href="//evil"></head><body>'
      + '<script>xss()</script><img src="x" onerror="xss()"><a href="&#106;avascript:xss()">a</a><span style="color:red">s</span>'
      + '<iframe src="/x"></iframe><svg><a xlink:href="javascript:x">b</a></svg><form action="https://evil.example"></form><math></math>'
      + '<object data="data:text/html,x"></object><embed src="/e"></body></html>';
    const found = htmlFindings(html).join('\n');
    for (const expected of ['<meta http-equiv', 'element <base>', 'protocol-relative', 'element <script>', 'handler onerror', 'scheme javascript:',
      'style="color:red"', 'element <iframe>', 'element <svg>', 'element <math>', 'element <object>', 'scheme data:', 'element <embed>', 'x" on <img>: not site-relative']) {
      expect(found).toContain(expected);
    }
  });
});

describe('hostile payloads through the real view layer and templates', () => {
  it('has enough payloads', () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(200);
  });

  it.each(BATCHES.map((payloads, i) => [i, payloads] as const))('batch %i: no script, handler, foreign style or scheme survives', { timeout: 30_000 }, (i, payloads) => {
    const { pages, contexts, events } = renderBatch(payloads, i);
    expect(contexts).toBeGreaterThan(payloads.length * 40);
    for (const { name, html, timeline } of pages) {
      const elements = parseElements(html);
      expect(elementFindings(elements), name).toEqual([]);
      // Every event in its own entry, every message inside it, as a browser parses the page.
      if (timeline) expect(containmentFindings(html, timeline), name).toEqual([]);
      // The pages are what they claim to be: a whole document with the events in it.
      expect(elements.some((e) => e.name === 'main'), name).toBe(true);
      if (name.startsWith('room main')) {
        const shown = elements.filter((e) => e.name === 'li' && e.attrs.some(([a, v]) => a === 'class' && v.startsWith('event '))).length;
        expect(shown, name).toBeGreaterThan(events / 2);
      }
    }
  });

  it('holds in a thread page too', { timeout: 30_000 }, () => {
    const { pages } = renderBatch(PAYLOADS.slice(0, 24), 1000, ['thread']);
    for (const { name, html, timeline } of pages) {
      expect(htmlFindings(html), name).toEqual([]);
      if (timeline) expect(containmentFindings(html, timeline), name).toEqual([]);
    }
    expect(pages[0]!.html).toContain('itemprop="comment"');
  });

  it('covers every payload in every context', () => {
    const { contexts } = renderBatch(PAYLOADS.slice(0, 1), 999);
    // Logged for the record: payloads × contexts actually rendered.
    console.info(`xss-pages: ${PAYLOADS.length} payloads × ${contexts} contexts = ${PAYLOADS.length * contexts} placements, in ${BATCHES.length} rooms × 3 pages (room, info, widgets)`);
    expect(contexts).toBeGreaterThanOrEqual(40);
  });
});
