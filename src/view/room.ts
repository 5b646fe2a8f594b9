import type { RoomSnapshot } from '../rooms/snapshot.js';
import type { RoomState } from '../rooms/state.js';
import { avatarLetter, utcDateTime } from './events/format.js';
import { plainExcerpt } from './html.js';
import type { PageMeta } from './page.js';
import { clip, roomDisplayName } from './text.js';
import { absoluteUrl, matrixToLink, roomLink, roomPath, roomSubPath, thumbnailPath } from './urls.js';
import { buildWidgets, type WidgetView } from './widgets.js';

/** What every page of a room shares: who the room is, and how to reach its parts. */
export interface RoomContext {
  /** The canonical alias when the room has one, else its ID: the form in every URL. */
  ref: string;
  roomId: string;
  name: string;
  topic: string | undefined;
  avatar: string | undefined;
  letter: string;
  alias: string | undefined;
  joinHref: string;
  links: { latest: string; info: string; members: string; widgets: string; calendar: string; threads: string; search: string };
  widgets: WidgetView[];
  /** The header's bar of widgets: each after the first with a separator before it. */
  widgetBar: Array<{ widget: WidgetView; separator: boolean }>;
  hasWidgets: boolean;
  /** "Widgets (2)", the header's link to them. */
  widgetsLabel: string;
  isSpace: boolean;
  /** `href` is undefined when the new room's ID is malformed. */
  tombstone: { href: string | undefined; body: string | undefined } | undefined;
  /** Set while the homeserver cannot be reached and the cached copy is shown. */
  outdated: boolean;
  /** The room is not in the public directory: its pages ask not to be indexed. */
  unlisted: boolean;
}

export interface SiteContext {
  publicUrl: string;
  siteName: string;
  indexing: boolean;
}

export function roomRef(state: Pick<RoomState, 'canonicalAlias' | 'roomId'>): string {
  return state.canonicalAlias ?? state.roomId;
}

export function buildRoomContext(snapshot: RoomSnapshot, published: boolean): RoomContext {
  const { state } = snapshot;
  const ref = roomRef(state);
  const name = roomDisplayName(state);
  const widgets = buildWidgets(state.widgetEvents, state.roomId);
  return {
    ref,
    roomId: state.roomId,
    name,
    topic: state.topic ? clip(state.topic, 1000) : undefined,
    avatar: thumbnailPath(state.avatarUrl, 96, 96, 'crop') ?? undefined,
    letter: avatarLetter(name),
    alias: state.canonicalAlias,
    joinHref: matrixToLink(ref),
    links: {
      latest: roomPath(ref),
      info: roomSubPath(ref, 'info'),
      members: roomSubPath(ref, 'members'),
      widgets: roomSubPath(ref, 'widgets'),
      calendar: roomSubPath(ref, 'calendar'),
      threads: roomSubPath(ref, 'threads'),
      search: roomSubPath(ref, 'search'),
    },
    widgets,
    widgetBar: widgets.map((widget, i) => ({ widget, separator: i > 0 })),
    hasWidgets: widgets.length > 0,
    widgetsLabel: `Widgets (${widgets.length})`,
    isSpace: state.roomType === 'm.space',
    tombstone: state.tombstone ? { href: roomLink(state.tombstone.replacementRoom), body: state.tombstone.body } : undefined,
    outdated: snapshot.outdatedSince !== undefined,
    unlisted: !published,
  };
}

/** A description for search results: the topic, else the first messages on the page. */
export function describeRoom(room: RoomContext, firstBodies: string[]): string {
  if (room.topic) return clip(room.topic, 200);
  const text = firstBodies.map((b) => plainExcerpt(b, 200)).join(' · ');
  return text ? clip(text, 200) : `Messages of the Matrix room ${room.name}, readable without an account.`;
}

export function roomMeta(
  room: RoomContext,
  site: SiteContext,
  page: { title: string; path: string; description: string; prev?: string | undefined; next?: string | undefined; noindex?: boolean },
): PageMeta {
  return {
    title: `${page.title} · ${site.siteName}`,
    description: page.description,
    canonical: absoluteUrl(site.publicUrl, page.path),
    noindex: !site.indexing || room.unlisted || page.noindex === true,
    prev: page.prev,
    next: page.next,
    image: room.avatar ? absoluteUrl(site.publicUrl, room.avatar) : undefined,
  };
}

export interface WidgetDetailView extends WidgetView {
  anchor: string;
  /** "Name (@user:server)", or the user ID when the name is not known. */
  addedBy: string;
  addedAt: string;
  addedIso: string;
  /** The raw state, pretty-printed and bounded, for the curious. */
  raw: string;
}

export function widgetDetails(widgets: readonly WidgetView[], names: ReadonlyMap<string, string> = new Map()): WidgetDetailView[] {
  return widgets.map((widget) => {
    const raw = JSON.stringify(widget.content, null, 2) ?? '';
    return {
      ...widget,
      anchor: `widget-${widget.eventId.replace(/[^A-Za-z0-9_-]/g, '_')}`,
      addedBy: names.has(widget.sender) && names.get(widget.sender) !== widget.sender ? `${names.get(widget.sender)} (${widget.sender})` : widget.sender,
      addedAt: utcDateTime(widget.ts),
      addedIso: new Date(widget.ts).toISOString(),
      raw: raw.length > 20_000 ? `${raw.slice(0, 20_000)}\n…` : raw,
    };
  });
}
