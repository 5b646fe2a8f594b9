import type { InfoData, MembersData, WidgetsData } from '../rooms/about.js';
import { buildPins, type PinView } from './events/pins.js';
import { buildInfo, type InfoView } from './info.js';
import { memberNames, membersPage, partialNote, type MembersPage } from './members.js';
import type { PageMeta } from './page.js';
import { pageNote, stepPager, type Pager } from './pager.js';
import { roomMeta, widgetDetails, type RoomContext, type SiteContext, type WidgetDetailView } from './room.js';
import { buildSpaceChildren, type SpaceChildView } from './space.js';
import { buildTransparency, type TakedownBudget, type TransparencyView } from './transparency.js';
import { roomPath, roomSubPath } from './urls.js';

export interface InfoPageView {
  meta: PageMeta;
  room: RoomContext;
  info: InfoView;
  transparency: TransparencyView;
  pins: PinView[];
  hasPins: boolean;
  children: SpaceChildView[];
  hasChildren: boolean;
}

export interface MembersPageView {
  meta: PageMeta;
  room: RoomContext;
  page: MembersPage;
  /** "Page 2 of 3", when there are several. */
  pageNote: string | undefined;
  pager: Pager | undefined;
}

export interface WidgetsPageView {
  meta: PageMeta;
  room: RoomContext;
  widgets: WidgetDetailView[];
  latestHref: string;
}

/** `budget`: how long a takedown takes to leave this viewer and a CDN, for the transparency block. */
export function buildInfoPage(room: RoomContext, site: SiteContext, data: InfoData, budget: TakedownBudget): InfoPageView {
  const list = data.members;
  const names = memberNames(data.profiles);
  const pins = buildPins(data.pinned, [...data.snapshot.timeline, ...data.pinTargets], (userId) => names.get(userId) ?? userId, room.ref);
  const children = room.isSpace ? buildSpaceChildren(data.children) : [];
  const membership = { joinedCount: list?.joinedCount, servers: data.servers, serverCount: data.serverCount, listedOf: list && !list.complete ? list.members.length : undefined };
  return {
    meta: roomMeta(room, site, {
      title: `${room.name}: room details`,
      path: roomSubPath(room.ref, 'info'),
      // Not the topic again: that describes the room's main page.
      description: `Details of the Matrix room ${room.name}: addresses, version, join rules, encryption, members, widgets and how to join.`,
    }),
    room,
    info: buildInfo(data.snapshot.state, names, membership),
    transparency: buildTransparency(data.snapshot.state, { ref: room.ref, published: !room.unlisted, indexing: site.indexing, budget, names }),
    pins,
    hasPins: pins.length > 0,
    children,
    hasChildren: children.length > 0,
  };
}

export function buildMembersPage(room: RoomContext, site: SiteContext, data: MembersData, pageNumber: number, pageSize: number): MembersPageView {
  const list = data.members;
  const note = list.complete ? undefined : partialNote(list.joinedCount, list.members.length);
  const page = membersPage(list, data.snapshot.state.powerLevels, room.ref, pageNumber, pageSize, { note, total: list.joinedCount });
  return {
    meta: roomMeta(room, site, {
      title: `${room.name}: members${page.page > 1 ? `, page ${page.page}` : ''}`,
      path: roomSubPath(room.ref, 'members', { page: page.page > 1 ? page.page : undefined }),
      description: `The ${page.total} members of the Matrix room ${room.name}.`,
      prev: page.prevHref,
      next: page.nextHref,
      // Member lists are about people, not content: never indexed.
      noindex: true,
    }),
    room,
    page,
    pageNote: pageNote(page.page, page.pages),
    pager: stepPager({ label: 'Member pages' }, page.prevHref, page.nextHref),
  };
}

export function buildWidgetsPage(room: RoomContext, site: SiteContext, data: WidgetsData): WidgetsPageView {
  return {
    meta: roomMeta(room, site, {
      title: `${room.name}: widgets`,
      path: roomSubPath(room.ref, 'widgets'),
      description: `The ${room.widgets.length} widgets of the Matrix room ${room.name}, as links that open without JavaScript.`,
    }),
    room,
    widgets: widgetDetails(room.widgets, memberNames(data.profiles)),
    latestHref: roomPath(room.ref),
  };
}
