/**
 * The room page of a timeline, through the real view layer and templates, for the unit
 * suites that inspect pages as a browser parses them.
 */
import type { MatrixEvent } from '../../src/matrix/events.js';
import { buildSnapshot } from '../../src/rooms/snapshot.js';
import { buildRoomContext, roomMeta, type SiteContext } from '../../src/view/room.js';
import type { TimelinePageView } from '../../src/view/timeline-page.js';
import { buildTimeline, type TimelineView } from '../../src/view/timeline.js';
import { roomPath } from '../../src/view/urls.js';
import { createRenderer } from '../../src/web/render.js';

export const renderer = createRenderer(
  { name: 'Static viewer', homeserver: 'https://hs.example', serverName: 'hs.example', stylesheet: '/static/style.css', favicon: '/static/favicon.svg' },
  true,
);
const site: SiteContext = { publicUrl: 'http://viewer.test', siteName: 'Static viewer', indexing: true };

export const TS = Date.UTC(2025, 0, 15, 12);

/** m.room.message events with the given formatted bodies, one sender, a second apart. */
export function formattedMessages(roomId: string, bodies: readonly string[], tag = 'm'): MatrixEvent[] {
  return bodies.map((formatted, i) => ({
    event_id: `$${tag}${i}`, type: 'm.room.message', sender: '@alice:hs.example', origin_server_ts: TS + i * 1000, room_id: roomId,
    content: { msgtype: 'm.text', body: 'plain', format: 'org.matrix.custom.html', formatted_body: formatted },
  }));
}

/** `afterLoad` runs between the snapshot (the rooms/ layer) and the builders. */
export function renderRoomPage(
  roomId: string,
  state: MatrixEvent[],
  events: MatrixEvent[],
  members: MatrixEvent[] = [],
  afterLoad?: () => void,
): { html: string; timeline: TimelineView } {
  const snapshot = buildSnapshot(roomId, [...state, ...members], { events, start: 's', end: 'e', state: members }, TS + 1e7);
  afterLoad?.();
  const room = buildRoomContext(snapshot, true);
  const timeline = buildTimeline({ roomId, roomRef: room.ref, events, related: events, members, mode: 'main' });
  const path = roomPath(room.ref);
  const view: TimelinePageView = {
    meta: roomMeta(room, site, { title: room.name, path, description: 'd' }),
    room,
    heading: 'Latest messages',
    timeline,
    pagerTop: undefined,
    pager: undefined,
    latestHref: undefined,
    transparency: undefined,
    note: undefined,
    empty: timeline.count === 0,
    children: [],
    hasChildren: false,
    pins: [],
    hasPins: false,
  };
  return { html: renderer.render('room', view), timeline };
}
