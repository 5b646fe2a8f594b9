import { createHash } from 'node:crypto';
import { isEventId, isRoomId, SERVER_NAME } from '../matrix/ids.js';
import { wellFormedText } from '../matrix/wellformed.js';

/**
 * The one place that builds the viewer's own URLs. Every link and redirect goes through
 * here, so IDs are always percent-encoded the same way (matrix-static's hand-built paths
 * are the counter-example).
 */

/**
 * encodeURIComponent that never throws: strings are made well-formed at the matrix/ edge, and
 * this holds for any string that reaches a link another way (a lone surrogate would throw).
 */
export function encodeComponent(value: string): string {
  return encodeURIComponent(wellFormedText(value));
}

/**
 * Percent-encodes one path segment. `:`, `@` and `!` are legal in a path segment (RFC 3986
 * pchar) and keep Matrix IDs readable; everything else that encodeURIComponent escapes,
 * including `/`, `+`, `=`, `$` and `#`, stays escaped.
 */
export function encodeSegment(value: string): string {
  return encodeComponent(value).replace(/%3A/gi, ':').replace(/%40/gi, '@').replace(/%21/gi, '!');
}

/** The segment that names a room: an alias loses its `#`, a room ID stays as it is. */
export function roomSegment(roomIdOrAlias: string): string {
  return encodeSegment(roomIdOrAlias.startsWith('#') ? roomIdOrAlias.slice(1) : roomIdOrAlias);
}

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export interface DirectoryQuery {
  q?: string;
  server?: string;
  since?: string;
}

export function directoryPath(query: DirectoryQuery = {}): string {
  return withQuery('/', { q: query.q, server: query.server, since: query.since });
}

/** `ref` is the room's canonical alias when it has one, else its room ID. */
export function roomPath(ref: string, query: Record<string, string | number | undefined> = {}): string {
  return withQuery(`/room/${roomSegment(ref)}`, query);
}

/** The page of a room named by the homeserver, or undefined when its ID is malformed (no link). */
export function roomLink(roomId: string): string | undefined {
  return isRoomId(roomId) ? roomPath(roomId) : undefined;
}

/** The pages under a room's path other than its timeline, days, events and threads. */
export type RoomSubPage = 'info' | 'members' | 'widgets' | 'feed.atom' | 'search' | 'calendar' | 'threads';

export function roomSubPath(ref: string, page: RoomSubPage, query: Record<string, string | number | undefined> = {}): string {
  return withQuery(`${roomPath(ref)}/${page}`, query);
}

export function eventPath(ref: string, eventId: string): string {
  return `${roomPath(ref)}/event/${encodeSegment(eventId)}`;
}

/** The permalink with a fragment, so the browser scrolls to the highlighted event. */
export function eventLink(ref: string, eventId: string): string {
  return `${eventPath(ref, eventId)}#${eventAnchor(eventId)}`;
}

/**
 * Where an event of a page links to: its permalink, or, when the homeserver gave it an ID
 * that breaks the grammar (so no permalink route would take it), its place on its day page.
 */
export function eventPlace(ref: string, eventId: string, day: string): string {
  return isEventId(eventId) ? eventLink(ref, eventId) : `${dayPath(ref, day)}#${eventAnchor(eventId)}`;
}

/**
 * An `id` attribute value for an event, safe in HTML and in a URL fragment: a short hash of
 * the event ID. It appears twice per event on every page (the id and its permalink's
 * fragment), so its length counts toward the 40 KB a page may weigh; 60 bits make a clash on
 * one page practically impossible.
 */
export function eventAnchor(eventId: string): string {
  return `e-${createHash('sha256').update(eventId).digest('base64url').slice(0, 10)}`;
}

export function threadPath(ref: string, rootId: string): string {
  return `${roomPath(ref)}/thread/${encodeSegment(rootId)}`;
}

export function dayPath(ref: string, day: string, page = 1): string {
  const [yyyy, mm, dd] = day.split('-');
  return withQuery(`${roomPath(ref)}/date/${yyyy}/${mm}/${dd}`, { page: page > 1 ? page : undefined });
}

/** The search form's fields, as they appear in a search's address. */
export interface SearchQuery {
  q: string;
  from: string;
  to: string;
  sort: 'relevance' | 'new';
}

/** The query string of a search: `q` always (a search without words is still the form), the rest when set. */
export function searchQueryString(form: SearchQuery, page = 1): string {
  const params = new URLSearchParams();
  params.set('q', form.q);
  if (form.from) params.set('from', form.from);
  if (form.to) params.set('to', form.to);
  if (form.sort === 'new') params.set('sort', 'new');
  if (page > 1) params.set('page', String(page));
  return params.toString();
}

/** The search of one room (`roomRef`) or of the public rooms; with `form`, that search's page. */
export function searchPath(roomRef: string | undefined, form?: SearchQuery, page = 1): string {
  const path = roomRef ? roomSubPath(roomRef, 'search') : '/search';
  return form ? `${path}?${searchQueryString(form, page)}` : path;
}

/** The Atom feed of a search of the public rooms. */
export function searchFeedPath(form: SearchQuery): string {
  return `/search.atom?${searchQueryString(form)}`;
}

export const SITEMAP_INDEX_PATH = '/sitemap.xml';

/** `/sitemaps/rooms-{n}.xml`: part `n` (from 1) of the list of every listed room's page. */
export function roomsSitemapPath(part: number): string {
  return `/sitemaps/rooms-${part}.xml`;
}

/** `/sitemaps/room/{segment}.xml`, the segment as in the room's own URLs: the room's day pages. */
export function roomSitemapPath(ref: string): string {
  return `/sitemaps/room/${roomSegment(ref)}.xml`;
}

/** matrix.to is the client-neutral way to offer "open in your Matrix client". */
export function matrixToLink(roomIdOrAlias: string, eventId?: string): string {
  const target = encodeComponent(roomIdOrAlias) + (eventId ? `/${encodeComponent(eventId)}` : '');
  return `https://matrix.to/#/${target}`;
}

export interface MxcParts {
  server: string;
  mediaId: string;
}

const MXC = new RegExp(String.raw`^mxc://(${SERVER_NAME})/([A-Za-z0-9_-]+)$`);

/** Parses `mxc://server/mediaId` strictly; anything else is null and is never linked. */
export function parseMxc(uri: unknown): MxcParts | null {
  if (typeof uri !== 'string' || uri.length > 512) return null;
  const match = MXC.exec(uri);
  if (!match?.[1] || !match[2]) return null;
  return { server: match[1], mediaId: match[2] };
}

type Size = readonly [width: number, height: number];

/** Synapse's default thumbnail sizes: images in messages ask for these, so that they hit thumbnails it already has. */
export const DEFAULT_THUMBNAILS: readonly Size[] = [[32, 32], [96, 96], [320, 240], [640, 480], [800, 600]];

/**
 * The one table of thumbnail sizes: Synapse's defaults and the avatar sizes of the pages.
 * The links this viewer writes ask for these, and its media proxy snaps anything else it is
 * asked for to one of them, so a crawler cannot make the homeserver render endless variants.
 */
export const THUMBNAIL_SIZES: readonly Size[] = [[32, 32], [48, 48], [64, 64], ...DEFAULT_THUMBNAILS.slice(1)];

/** The smallest size of `sizes` that holds `width` × `height`, else the largest. */
export function thumbnailBox(width: number, height: number, sizes: readonly Size[] = THUMBNAIL_SIZES): Size {
  return sizes.find(([tw, th]) => tw >= width && th >= height) ?? sizes[sizes.length - 1]!;
}

export function thumbnailPath(mxc: unknown, width: number, height: number, method: 'crop' | 'scale' = 'crop'): string | null {
  const parts = parseMxc(mxc);
  if (!parts) return null;
  return withQuery(`/media/thumbnail/${encodeSegment(parts.server)}/${encodeSegment(parts.mediaId)}`, {
    width,
    height,
    method,
  });
}

export function downloadPath(mxc: unknown, filename?: string): string | null {
  const parts = parseMxc(mxc);
  if (!parts) return null;
  const name = filename && filename.trim() ? `/${encodeSegment(filename.trim().slice(0, 200))}` : '';
  return `/media/download/${encodeSegment(parts.server)}/${encodeSegment(parts.mediaId)}${name}`;
}

export function absoluteUrl(publicUrl: string, path: string): string {
  return new URL(path, publicUrl).toString();
}
