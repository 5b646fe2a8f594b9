import type { MatrixEvent } from '../matrix/events.js';
import type { DirectoryPage, DirectoryQuery } from '../rooms/directory.js';
import type { DirectoryPageData } from '../rooms/directory-page.js';
import type { PageMeta } from './page.js';
import { stepPager, type Pager } from './pager.js';
import { roomCard, type RoomCardView } from './room-card.js';
import { clip, counted } from './text.js';
import { absoluteUrl, directoryPath, roomPath } from './urls.js';
import { buildWidgets, countWidgets } from './widgets.js';

export interface DirectoryRoomView extends RoomCardView {
  href: string;
  widgetCount: number | undefined;
  /** "2 widgets", or undefined when it has none or they are not known. */
  widgets: string | undefined;
}

export interface DirectoryView {
  meta: PageMeta;
  heading: string;
  search: string;
  server: string;
  rooms: DirectoryRoomView[];
  /** Said in place of the list when the page has no room. */
  empty: string | undefined;
  pager: Pager | undefined;
  /** True when this is not the first page, so "first page" is worth offering. */
  paged: boolean;
  firstHref: string;
}

export interface DirectoryContext {
  publicUrl: string;
  indexing: boolean;
  siteName: string;
  /** The homeserver's own server name, shown when no other server is asked for. */
  defaultServer: string;
  /** Widget state events of the listed rooms, where known. */
  widgetState?: ReadonlyMap<string, MatrixEvent[]>;
}

function widgetCount(events: MatrixEvent[] | undefined, roomId: string): number | undefined {
  return events ? countWidgets(buildWidgets(events, roomId)).listed : undefined;
}

/** The directory page from its loaded data (rooms/directory-page.ts). */
export function buildDirectoryPage(data: DirectoryPageData, ctx: Omit<DirectoryContext, 'widgetState'>): DirectoryView {
  return buildDirectoryView(data.page, data.query, { ...ctx, widgetState: data.widgetState });
}

export function buildDirectoryView(page: DirectoryPage, query: DirectoryQuery, ctx: DirectoryContext): DirectoryView {
  const rooms = page.rooms.map((room): DirectoryRoomView => {
    const widgets = widgetCount(ctx.widgetState?.get(room.roomId), room.roomId);
    return {
      ...roomCard(room, { linked: true, avatarSize: 64, topicMax: 500 }),
      href: roomPath(room.canonicalAlias ?? room.roomId),
      widgetCount: widgets,
      widgets: widgets ? counted(widgets, 'widget', 'widgets') : undefined,
    };
  });
  const base = { q: query.search, server: query.server };
  const nextHref = page.nextBatch ? directoryPath({ ...base, since: page.nextBatch }) : undefined;
  // A prev token on the first page would lead back past the start.
  const prevHref = query.since && page.prevBatch ? directoryPath({ ...base, since: page.prevBatch }) : undefined;
  const serverName = query.server ?? ctx.defaultServer;
  const searching = Boolean(query.search);
  // Later pages are named by their first room, so every page's title is its own.
  const later = query.since ? `, from “${rooms[0]?.name ?? 'the next page'}”` : '';
  const title = searching
    ? `Rooms matching “${clip(query.search ?? '', 60)}” on ${serverName} · ${ctx.siteName}`
    : `Public Matrix rooms on ${serverName}${later} · ${ctx.siteName}`;
  return {
    meta: {
      title,
      description: `Read the public, world-readable Matrix rooms of ${serverName} without an account.`,
      canonical: absoluteUrl(ctx.publicUrl, directoryPath({ ...base, since: query.since })),
      // Search results and other servers' directories are not pages a search engine should keep.
      noindex: !ctx.indexing || searching || Boolean(query.server),
      prev: prevHref,
      next: nextHref,
    },
    heading: `${searching ? 'Search results' : 'Public rooms'}${query.server ? ` on ${query.server}` : ''}`,
    search: query.search ?? '',
    server: query.server ?? '',
    rooms,
    empty: rooms.length > 0 ? undefined : `No readable rooms ${searching ? 'match this search' : 'on this page'}.${nextHref ? ' There may be more on the next page.' : ''}`,
    pager: stepPager({ label: 'Directory pages' }, prevHref, nextHref),
    paged: Boolean(query.since),
    firstHref: directoryPath(base),
  };
}
