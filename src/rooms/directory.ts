import type { PublicRoom, PublicRoomsPage, PublicRoomsQuery } from '../matrix/directory.js';
import { BadRequest, HomeserverTimeout, HomeserverUnavailable, RateLimited } from '../errors.js';
import type { Denylist } from './denylist.js';
import type { RoomEpochs } from './epochs.js';
import type { DirectorySource } from './homeserver.js';
import { ReadThroughCache } from './read-through.js';
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
  /** What the viewer knows rooms took back: such rooms leave the listing before the directory says so. */
  epochs: RoomEpochs;
  onListed?: OnListed;
}

/** A room as the sitemaps know it: from the public directory. */
export interface ListedRoom {
  roomId: string;
  /** Canonical alias when it has one, else the room ID: the form in its URLs. */
  ref: string;
  /** Joined members, as the directory says: the backfill reads the biggest rooms first. */
  memberCount: number;
}

/** Hears of the readable rooms each directory answer lists (the resolver learns their aliases). */
export type OnListed = (rooms: readonly PublicRoom[]) => void;

interface Walk {
  rooms: PublicRoom[];
  first: PublicRoomsPage | undefined;
  nextBatch: string | undefined;
  /** The pages ran out: every room the directory lists was read. */
  complete: boolean;
}

/**
 * Reads the directory's pages from `query.since` on, keeping world-readable, not denied rooms
 * once each, until `full` says so, the pages end, or a token comes round again (a token that
 * does not move would loop forever on a misbehaving server).
 */
async function walk(
  source: DirectorySource,
  denylist: Denylist,
  epochs: RoomEpochs,
  query: PublicRoomsQuery,
  maxPages: number,
  full: (rooms: readonly PublicRoom[]) => boolean,
  signal: AbortSignal | undefined,
  onListed: OnListed | undefined,
): Promise<Walk> {
  const rooms: PublicRoom[] = [];
  const seen = new Set<string>();
  const tokens = new Set<string>(query.since ? [query.since] : []);
  let first: PublicRoomsPage | undefined;
  let since = query.since;
  let nextBatch: string | undefined;
  for (let read = 0; read < maxPages; read++) {
    const upstream = await source.publicRooms({ ...query, since }, signal);
    first ??= upstream;
    for (const room of upstream.rooms) {
      if (!room.worldReadable) epochs.listedUnreadable(room.roomId);
      if (!room.worldReadable || seen.has(room.roomId)) continue;
      if (denylist.denies(room.roomId, [room.canonicalAlias])) continue;
      seen.add(room.roomId);
      rooms.push(room);
    }
    onListed?.(upstream.rooms.filter((room) => room.worldReadable));
    nextBatch = upstream.nextBatch;
    if (!nextBatch || tokens.has(nextBatch) || full(rooms)) break;
    tokens.add(nextBatch);
    since = nextBatch;
  }
  return { rooms, first, nextBatch, complete: nextBatch === undefined };
}

/** Rooms the viewer has seen leave the directory or stop being readable are left out at once. */
function listable<T extends { roomId: string }>(rooms: readonly T[], epochs: RoomEpochs): T[] {
  return rooms.filter((room) => epochs.withdrawal(room.roomId) === undefined);
}

/**
 * The public room directory as the viewer shows it: only rooms a guest may read. Rooms that
 * are not world-readable are filtered out, so one upstream page can leave a short viewer page;
 * we keep pulling through `since` until the page is full, and the next link continues from
 * the last upstream page read, so following the links reaches every room. A page just
 * expired (within the cache's stale limit) is served while it is refreshed.
 */
export class DirectoryService {
  /** Public for /metrics. */
  readonly cache: ReadThroughCache<DirectoryPage>;

  constructor(
    private readonly source: DirectorySource,
    private readonly opts: DirectoryOptions,
  ) {
    this.cache = new ReadThroughCache<DirectoryPage>({
      name: 'directory',
      maxBytes: opts.maxBytes,
      // The request that finds the page expired waits up to a second for the new one.
      serveStaleAfterMs: 1000,
      sizeOf: (page) => estimateSize([page.rooms]),
    });
  }

  async page(query: DirectoryQuery): Promise<DirectoryPage> {
    try {
      const page = await this.cached(query);
      return { ...page, rooms: listable(page.rooms, this.opts.epochs) };
    } catch (error) {
      // A homeserver that serves the first page but fails on this one's token (Synapse: a 500)
      // was given a bad token.
      const transient = error instanceof HomeserverUnavailable || error instanceof HomeserverTimeout || error instanceof RateLimited;
      if (query.since && !transient && (await this.cached({ ...query, since: undefined }).then(() => true, () => false))) {
        throw new BadRequest('That page of the room directory does not exist: its link is not valid. Start again from the first page.');
      }
      throw error;
    }
  }

  private cached(query: DirectoryQuery): Promise<DirectoryPage> {
    const key = JSON.stringify([query.server ?? '', query.search ?? '', query.since ?? '']);
    return this.cache.get(key, this.opts.ttlMs, async () => {
      const pageSize = this.opts.pageSize;
      const read = await walk(this.source, this.opts.denylist, this.opts.epochs, { ...query, limit: pageSize }, this.opts.maxUpstreamPages ?? 10, (rooms) => rooms.length >= pageSize, undefined, this.opts.onListed);
      return { rooms: read.rooms, nextBatch: read.nextBatch, prevBatch: read.first?.prevBatch, totalEstimate: read.first?.totalEstimate };
    });
  }
}

export interface ListedRoomsOptions {
  denylist: Denylist;
  epochs: RoomEpochs;
  ttlMs: number;
  pageSize?: number;
  maxPages?: number;
  timeoutMs?: number;
  onListed?: OnListed;
}

/**
 * Every listed, readable room, for the sitemaps and the backfill: the whole directory, walked
 * at most once per `ttlMs` and only when asked for, the list served while it is walked again
 * only within the cache's stale limit. `ttlMs` is the freshness interval: a room taken out of
 * the directory leaves the sitemaps as fast as it leaves the directory's pages, even when
 * nobody reads the room (its own refresh would tell the listings sooner).
 */
export class ListedRooms {
  /** Public for /metrics. */
  readonly cache: ReadThroughCache<ListedRoom[]>;
  /** The readable rooms of the last walk that reached the directory's end, however old. */
  private lastComplete: ReadonlySet<string> | undefined;

  constructor(
    private readonly source: DirectorySource,
    private readonly opts: ListedRoomsOptions,
  ) {
    this.cache = new ReadThroughCache<ListedRoom[]>({ name: 'listed-rooms', maxBytes: 64 * 2 ** 20, serveStaleAfterMs: 0 });
  }

  /**
   * Whether the last whole walk of the directory left the room out, so a cold load need not
   * ask (RoomCache): it is noindex until its first refresh asks, the safe side. The other way
   * round, "it was listed", is never taken from a walk: a room taken out of the directory must
   * be noindex from its next refresh on.
   */
  unlisted(roomId: string): boolean {
    return this.lastComplete !== undefined && !this.lastComplete.has(roomId);
  }

  async get(): Promise<ListedRoom[]> {
    return listable(await this.walked(), this.opts.epochs);
  }

  private walked(): Promise<ListedRoom[]> {
    return this.cache.get('all', this.opts.ttlMs, async () => {
      const signal = AbortSignal.timeout(this.opts.timeoutMs ?? 120_000);
      const read = await walk(this.source, this.opts.denylist, this.opts.epochs, { limit: this.opts.pageSize ?? 500 }, this.opts.maxPages ?? 2000, () => false, signal, this.opts.onListed);
      if (read.complete) this.lastComplete = new Set(read.rooms.map((room) => room.roomId));
      const rooms = read.rooms.map((room) => ({ roomId: room.roomId, ref: room.canonicalAlias ?? room.roomId, memberCount: room.memberCount }));
      return rooms.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    });
  }
}
