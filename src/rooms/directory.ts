import { LRUCache } from 'lru-cache';
import type { HomeserverClient } from '../matrix/client.js';
import { fetchPublicRooms, type PublicRoom, type PublicRoomsPage, type PublicRoomsQuery } from '../matrix/directory.js';
import { BadRequest, HomeserverTimeout, HomeserverUnavailable, RateLimited } from '../matrix/errors.js';
import type { Denylist } from './denylist.js';
import { estimateSize } from './snapshot.js';

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
  /** Upper bound of the cached pages' estimated size. */
  maxBytes: number;
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
  /** Why the last load of a key failed: with allowStaleOnFetchRejection, lru-cache's fetch
   * resolves to undefined instead of rejecting when there is no stale copy to serve. */
  private readonly failures = new LRUCache<string, { error: unknown }>({ max: 100 });

  constructor(
    source: HomeserverClient | PageFetcher,
    private readonly opts: DirectoryOptions,
  ) {
    this.fetchPage = typeof source === 'function' ? source : (query, signal) => fetchPublicRooms(source, query, signal);
    this.cache = new LRUCache<string, DirectoryPage, DirectoryQuery>({
      maxSize: opts.maxBytes,
      sizeCalculation: (page) => Math.max(1, estimateSize([page.rooms])),
      ttl: opts.ttlMs,
      allowStale: true,
      // A stale directory beats an error page while the homeserver is down.
      allowStaleOnFetchRejection: true,
      fetchMethod: (key, _stale, { context, signal }) =>
        this.load(context, signal).catch((error: unknown) => {
          this.failures.set(key, { error });
          throw error;
        }),
    });
  }

  async page(query: DirectoryQuery): Promise<DirectoryPage> {
    try {
      return await this.cached(query);
    } catch (error) {
      // A homeserver that serves the first page but fails on this one's token was given a bad token.
      const transient = error instanceof HomeserverUnavailable || error instanceof HomeserverTimeout || error instanceof RateLimited;
      if (query.since && !transient && (await this.cached({ ...query, since: undefined }).then(() => true, () => false))) {
        throw new BadRequest('That page of the room directory does not exist: its link is not valid. Start again from the first page.');
      }
      throw error;
    }
  }

  private async cached(query: DirectoryQuery): Promise<DirectoryPage> {
    const key = JSON.stringify([query.server ?? '', query.search ?? '', query.since ?? '']);
    const page = await this.cache.fetch(key, { context: query });
    if (page) return page;
    throw this.failures.get(key)?.error ?? new HomeserverUnavailable('the directory could not be loaded');
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
