/**
 * For crawlers: `/robots.txt`, the sitemap index `/sitemap.xml`, the room sitemaps
 * `/sitemaps/rooms-{n}.xml` (every world-readable room of the public directory, following
 * every `since` page, denylist applied) and one sitemap per room, `/sitemaps/room/{ref}.xml`,
 * listing its day pages.
 */
import { Router } from 'express';
import type { HomeserverClient } from '../../matrix/client.js';
import { fetchPublicRooms, type PublicRoom } from '../../matrix/directory.js';
import { NotFound } from '../../matrix/errors.js';
import { parseRoomRef } from '../../matrix/ids.js';
import type { Denylist } from '../../rooms/denylist.js';
import { MAX_URLS, robotsTxt, sitemapIndexXml, splitForSitemaps, urlsetXml, type SitemapUrl } from '../../view/sitemap.js';
import { absoluteUrl, dayPath, roomPath, roomSegment } from '../../view/urls.js';
import { cacheControl, sendPage, type Freshness } from '../http-cache.js';

/** The day archive's answer to "which days of this room have messages". */
export interface DayLister {
  listDays(roomId: string): Promise<Array<{ day: string /* YYYY-MM-DD */; lastModified: number }>>;
}

/** A room as the sitemaps know it: from the public directory. */
export interface ListedRoom {
  roomId: string;
  /** Canonical alias when it has one, else the room ID: the form in its URLs. */
  ref: string;
}

export type ListedRoomsSource = (signal: AbortSignal) => Promise<ListedRoom[]>;

/** Every page of the homeserver's public directory, world-readable rooms only, denylist applied. */
export function publicDirectorySource(client: HomeserverClient, denylist: Denylist, opts: { pageSize?: number; maxPages?: number } = {}): ListedRoomsSource {
  const limit = opts.pageSize ?? 500;
  const maxPages = opts.maxPages ?? 2000;
  return async (signal) => {
    const rooms = new Map<string, ListedRoom>();
    const tokens = new Set<string>();
    let since: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const result = await fetchPublicRooms(client, { limit, since }, signal);
      for (const room of result.rooms) if (include(room, denylist)) rooms.set(room.roomId, { roomId: room.roomId, ref: room.canonicalAlias ?? room.roomId });
      // A token seen before would loop forever; a missing one is the end.
      if (!result.nextBatch || tokens.has(result.nextBatch) || result.rooms.length === 0) break;
      tokens.add(result.nextBatch);
      since = result.nextBatch;
    }
    return [...rooms.values()].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  };
}

function include(room: PublicRoom, denylist: Denylist): boolean {
  return room.worldReadable && !denylist.denies(room.roomId, [room.canonicalAlias]);
}

/** The listed rooms, fetched at most once per `ttlMs`, one fetch at a time; stale while refreshing. */
export class ListedRooms {
  private value: { rooms: ListedRoom[]; at: number } | undefined;
  private pending: Promise<ListedRoom[]> | undefined;

  constructor(
    private readonly source: ListedRoomsSource,
    private readonly ttlMs: number,
    private readonly timeoutMs = 120_000,
  ) {}

  async get(): Promise<ListedRoom[]> {
    const now = Date.now();
    if (this.value && now - this.value.at < this.ttlMs) return this.value.rooms;
    const refresh = this.refresh();
    if (this.value) {
      refresh.catch(() => undefined);
      return this.value.rooms;
    }
    return refresh;
  }

  private refresh(): Promise<ListedRoom[]> {
    this.pending ??= this.source(AbortSignal.timeout(this.timeoutMs))
      .then((rooms) => {
        this.value = { rooms, at: Date.now() };
        return rooms;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}

export interface SeoRouteDeps {
  publicUrl: string;
  indexing: boolean;
  rooms: ListedRooms;
  days: DayLister;
  /** Cache-Control of the sitemaps and robots.txt. */
  freshness: Freshness;
}

/** `/sitemaps/room/{segment}.xml`, the segment as in the room's own URLs. */
export function roomSitemapPath(ref: string): string {
  return `/sitemaps/room/${roomSegment(ref)}.xml`;
}

export function roomsSitemapPath(part: number): string {
  return `/sitemaps/rooms-${part}.xml`;
}

export function seoRoutes(deps: SeoRouteDeps): Router {
  const router = Router();
  const abs = (path: string): string => absoluteUrl(deps.publicUrl, path);
  const xml = 'application/xml; charset=utf-8';

  router.get('/robots.txt', (_req, res) => {
    res.set('Cache-Control', cacheControl(deps.freshness)).type('text/plain; charset=utf-8');
    res.send(robotsTxt({ indexing: deps.indexing, sitemap: abs('/sitemap.xml') }));
  });

  // With indexing switched off there are no sitemaps at all.
  router.use(['/sitemap.xml', '/sitemaps'], (_req, _res, next) => {
    next(deps.indexing ? undefined : new NotFound('Search engine indexing is switched off on this viewer.'));
  });

  const roomParts = async (): Promise<{ rooms: ListedRoom[]; parts: SitemapUrl[][] }> => {
    const rooms = await deps.rooms.get();
    return { rooms, parts: splitForSitemaps(rooms.map((room) => ({ loc: abs(roomPath(room.ref)) }))) };
  };

  router.get('/sitemap.xml', async (req, res) => {
    const { rooms, parts } = await roomParts();
    const entries = [
      ...parts.map((_, i) => ({ loc: abs(roomsSitemapPath(i + 1)) })),
      ...rooms.map((room) => ({ loc: abs(roomSitemapPath(room.ref)) })),
    ];
    // A sitemap index has the same 50,000-entry limit; past it, rooms' day sitemaps are left out.
    sendPage(req, res, sitemapIndexXml(entries.slice(0, MAX_URLS)), { type: xml, ...deps.freshness });
  });

  router.get('/sitemaps/:file', async (req, res, next) => {
    const match = /^rooms-([1-9]\d{0,5})\.xml$/.exec(req.params['file'] ?? '');
    if (!match) return next();
    const { parts } = await roomParts();
    const part = parts[Number(match[1]) - 1];
    if (!part) throw new NotFound('There is no such sitemap.');
    sendPage(req, res, urlsetXml(part), { type: xml, ...deps.freshness });
  });

  router.get('/sitemaps/room/:file', async (req, res) => {
    const file = req.params['file'] ?? '';
    const ref = file.endsWith('.xml') ? parseRoomRef(file.slice(0, -4)) : null;
    if (!ref) throw new NotFound('There is no such sitemap.');
    const given = ref.kind === 'id' ? ref.roomId : ref.alias;
    // Only rooms of the public directory have a sitemap: that also applies the denylist.
    const room = (await deps.rooms.get()).find((r) => r.ref === given || r.roomId === given);
    if (!room) throw new NotFound('This room is not in the public directory, so it has no sitemap.');
    const days = await deps.days.listDays(room.roomId);
    const urls = days.map((d) => ({ loc: abs(dayPath(room.ref, d.day)), lastmod: d.lastModified }));
    // One room has far fewer than 50,000 days (137 years); the first part is the whole list.
    const lastModified = days.reduce((max, d) => Math.max(max, d.lastModified), 0) || undefined;
    sendPage(req, res, urlsetXml(splitForSitemaps(urls)[0] ?? []), { type: xml, ...deps.freshness, lastModified });
  });

  return router;
}
