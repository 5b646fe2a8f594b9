import { LRUCache } from 'lru-cache';
import type { HomeserverClient } from '../matrix/client.js';
import { fetchPublicRooms, type PublicRoom, type PublicRoomsPage, type PublicRoomsQuery } from '../matrix/directory.js';
import type { Denylist } from './denylist.js';

export interface DirectoryQuery {
  server?: string | undefined;
  search?: string | undefined;
  since?: string | undefined;
}

export interface DirectoryPage {
  /** World-readable, not denied rooms only. */
  rooms: PublicRoom[];
  nextBatch: string | undefined;
  prevBatch: string | undefined;
  totalEstimate: number | undefined;
}

export interface DirectoryOptions {
  pageSize: number;
  denylist: Denylist;
  ttlMs: number;
  /** Upstream pages read at most for one viewer page, so a directory of closed rooms stays cheap. */
  maxUpstreamPages?: number;
}

type PageFetcher = (query: PublicRoomsQuery, signal?: AbortSignal) => Promise<PublicRoomsPage>;

/**
 * The public room directory as the viewer shows it: only rooms a guest may read. Rooms that
 * are not world-readable are filtered out, so one upstream page can leave a short viewer page;
 * we keep pulling through `since` until the page is full, and the next link continues from
 * the last upstream page read, so following the links reaches every room.
 */
export class DirectoryService {
  private readonly cache: LRUCache<string, DirectoryPage, DirectoryQuery>;
  private readonly fetchPage: PageFetcher;

  constructor(
    source: HomeserverClient | PageFetcher,
    private readonly opts: DirectoryOptions,
  ) {
    this.fetchPage = typeof source === 'function' ? source : (query, signal) => fetchPublicRooms(source, query, signal);
    this.cache = new LRUCache<string, DirectoryPage, DirectoryQuery>({
      max: 500,
      ttl: opts.ttlMs,
      allowStale: true,
      // A stale directory beats an error page while the homeserver is down.
      allowStaleOnFetchRejection: true,
      fetchMethod: (_key, _stale, { context, signal }) => this.load(context, signal),
    });
  }

  async page(query: DirectoryQuery): Promise<DirectoryPage> {
    const key = JSON.stringify([query.server ?? '', query.search ?? '', query.since ?? '']);
    const page = await this.cache.fetch(key, { context: query });
    if (!page) throw new Error('directory fetch returned nothing');
    return page;
  }

  private async load(query: DirectoryQuery, signal: AbortSignal): Promise<DirectoryPage> {
    const rooms: PublicRoom[] = [];
    const seen = new Set<string>();
    let since = query.since;
    let prevBatch: string | undefined;
    let nextBatch: string | undefined;
    let totalEstimate: number | undefined;
    const maxPages = this.opts.maxUpstreamPages ?? 10;
    for (let read = 0; read < maxPages; read++) {
      const upstream = await this.fetchPage(
        { server: query.server, search: query.search, since, limit: this.opts.pageSize },
        signal,
      );
      if (read === 0) {
        prevBatch = upstream.prevBatch;
        totalEstimate = upstream.totalEstimate;
      }
      for (const room of upstream.rooms) {
        if (!room.worldReadable || seen.has(room.roomId)) continue;
        if (this.opts.denylist.denies(room.roomId, [room.canonicalAlias])) continue;
        seen.add(room.roomId);
        rooms.push(room);
      }
      nextBatch = upstream.nextBatch;
      // A token that does not move would loop forever on a misbehaving server.
      if (!nextBatch || nextBatch === since || rooms.length >= this.opts.pageSize) break;
      since = nextBatch;
    }
    return { rooms, nextBatch, prevBatch, totalEstimate };
  }
}
