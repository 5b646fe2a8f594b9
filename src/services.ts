import type { Config } from './config.js';
import type { Logger } from './log.js';
import { HomeserverClient } from './matrix/client.js';
import { guestRegistrar } from './matrix/guest.js';
import type { MediaFetcherOptions } from './matrix/media.js';
import { quietSdkGlobalLogger } from './matrix/sdk-logger.js';
import { Session } from './matrix/session.js';
import type { PublicRoom } from './matrix/directory.js';
import { RoomApi } from './matrix/rooms.js';
import { RoomCache } from './rooms/cache.js';
import { DayArchive } from './rooms/days.js';
import { RoomEpochs } from './rooms/epochs.js';
import { dropWhatRoomsTakeBack, type RoomScoped } from './rooms/takedown.js';
import { RoomReader } from './rooms/reader.js';
import { AboutLoader } from './rooms/about.js';
import { TimelineLoader } from './rooms/timeline.js';
import { SitemapLoader } from './rooms/sitemaps.js';
import { ArchivePages } from './rooms/archive-pages.js';
import { DirectoryPageLoader } from './rooms/directory-page.js';
import { RoomResolver } from './rooms/resolver.js';
import { WidgetStateLookup } from './rooms/widget-state.js';
import { Denylist } from './rooms/denylist.js';
import { DirectoryService, ListedRooms } from './rooms/directory.js';
import type { AppDeps, UpstreamListener } from './web/app.js';
import { countUpstreamCall } from './web/request-context.js';
import { createPageCache } from './web/page-cache.js';
import { createRenderer } from './web/render.js';
import { loadStaticAssets } from './web/static-assets.js';
import { publicDir } from './paths.js';
import { Archive } from './archive/archive.js';
import { Backfill } from './archive/backfill.js';
import { createStore } from './archive/open.js';
import { recordingHomeserver } from './rooms/recording.js';
import type { Homeserver } from './rooms/homeserver.js';
import { describeForArchive } from './view/archive-text.js';
import { timelineRules } from './view/room-pages.js';

export interface Services extends AppDeps, InnerRoomServices {
  client: HomeserverClient;
  session: Session;
  upstreamListeners: UpstreamListener[];
  /** Runs only where the configuration allows it; start() after the archive's migrate(). */
  backfill: Backfill | undefined;
}

/** Builds every long-lived object from the config; the one place that wires layers together. */
export function createServices(config: Config, log: Logger, production: boolean): Services {
  quietSdkGlobalLogger();
  const session = new Session(guestRegistrar(config.homeserverUrl, config.upstreamTimeoutMs), config.accessToken);
  // Every homeserver call is counted against its request (for the log line); the app adds its metrics.
  const upstreamListeners: UpstreamListener[] = [countUpstreamCall];
  const client = new HomeserverClient({
    baseUrl: config.homeserverUrl,
    session,
    timeoutMs: config.upstreamTimeoutMs,
    concurrency: config.upstreamConcurrency,
    queueLimit: config.upstreamQueueLimit,
    maxAnswerBytes: config.upstreamMaxBytes,
    maxBytesInFlight: config.upstreamInFlightBytes,
    log,
    onCall: (endpoint, outcome, ms) => {
      for (const listener of upstreamListeners) listener(endpoint, outcome, ms);
    },
  });
  const denylist = new Denylist(config.denylist);
  const roomApi = new RoomApi(client);
  const store = createStore(config.archive);
  const archive = store ? new Archive(store, { describe: describeForArchive, onError: (error, what) => log.warn({ err: error, what }, 'archive write failed') }) : undefined;
  // With the archive on, everything read from the homeserver is written to it on the way.
  const api: Homeserver = archive ? recordingHomeserver(roomApi, archive) : roomApi;
  const room = createRoomServices(api, config, denylist, archive);
  const { rooms, listedRooms } = room;
  dropWhatRoomsTakeBack(room.epochs, { ...takenBackFrom(room), archive, log });
  const media: MediaFetcherOptions = { baseUrl: config.homeserverUrl, session, timeoutMs: config.upstreamTimeoutMs };
  const assets = loadStaticAssets(publicDir);
  const renderer = createRenderer(
    {
      name: 'Matrix Static Viewer',
      homeserver: new URL(config.homeserverUrl).host,
      // Replaced by discoverServerName() before the app is built.
      serverName: new URL(config.homeserverUrl).hostname,
      stylesheet: assets.stylesheet,
      favicon: assets.favicon,
    },
    production,
  );
  const backfill =
    archive && config.archive.kind !== 'off'
      ? new Backfill({
          archive,
          messages: (roomId, from, dir, limit, signal) => api.messages(roomId, from, dir, limit, signal),
          rooms: async () => (await listedRooms.get()).map((r) => ({ roomId: r.roomId, memberCount: r.memberCount })),
          busy: () => client.load.queued > 0,
          callsPerMinute: config.archive.backfillCallsPerMinute,
          chunk: config.archive.backfillChunk,
          maxEventsPerRoom: config.archive.maxEventsPerRoom,
          onError: (error, roomId) => log.warn({ err: error, roomId }, 'backfill call failed'),
        })
      : undefined;
  const archivePages = archive ? createArchivePages(archive, listedRooms, config, backfill) : undefined;
  return { config, log, renderer, client, ...room, media, session, upstreamListeners, assets, archive, archivePages, backfill };
}

/** The loader of the archive's pages (search, calendar, threads); `backfill` for the directory search's coverage line. */
export function createArchivePages(archive: Archive, listedRooms: ListedRooms, config: Pick<Config, 'timelinePageSize' | 'freshnessMs'>, backfill?: Pick<Backfill, 'progress'>): ArchivePages {
  return new ArchivePages(archive, {
    listedRooms,
    dayPageSize: config.timelinePageSize,
    isVisible: timelineRules.isVisible,
    freshnessMs: config.freshnessMs,
    backfilled: () => (backfill ? { done: backfill.progress.roomsDone, known: backfill.progress.roomsKnown } : undefined),
  });
}

/**
 * The homeserver's server name (what follows the colon in IDs), from `/account/whoami`.
 * Best effort: if the homeserver is down at start we fall back to its host name.
 */
export async function discoverServerName(client: HomeserverClient, fallback: string): Promise<string> {
  try {
    const whoami = await client.get<{ user_id?: unknown }>('/account/whoami', {
      endpoint: 'whoami',
      signal: AbortSignal.timeout(5000),
    });
    const userId = typeof whoami.user_id === 'string' ? whoami.user_id : '';
    const colon = userId.indexOf(':');
    return colon > 0 ? userId.slice(colon + 1) : fallback;
  } catch {
    return fallback;
  }
}

type RoomServiceConfig = Pick<Config, 'cacheMaxBytes' | 'directoryPageSize' | 'freshnessMs' | 'cacheTtlMs' | 'timelinePageSize'>;
export type RoomServices = Pick<AppDeps, 'directoryPages' | 'rooms' | 'timeline' | 'about' | 'resolver' | 'days' | 'pages' | 'sitemaps' | 'caches'> & InnerRoomServices;

/** What the loaders are built from: the app does not use these directly; takedown and tests look into their caches. */
interface InnerRoomServices {
  epochs: RoomEpochs;
  reader: RoomReader;
  directory: DirectoryService;
  widgetState: WidgetStateLookup;
  /** Every listed, readable room: for the backfill and the search of the public rooms. */
  listedRooms: ListedRooms;
}

/**
 * The caches the takedown drops a room from (rooms/takedown.ts): those derived from its
 * content when its epoch moves, and those of its state when it is withdrawn. Snapshots, the
 * day archive and the listings drop it themselves.
 */
export function takenBackFrom(room: Pick<RoomServices, 'reader' | 'pages' | 'widgetState'>): { derived: RoomScoped[]; withdrawn: RoomScoped[] } {
  return { derived: [room.reader.cache, room.reader.memberLists, room.pages], withdrawn: [room.widgetState.cache] };
}

/**
 * rooms/ over any Homeserver: the real one (RoomApi, recorded into the archive) or a test's
 * fake, so the whole app can be built without a homeserver.
 */
export function createRoomServices(api: Homeserver, config: RoomServiceConfig, denylist: Denylist, archive?: Archive): RoomServices {
  // CACHE_MAX_MB bounds every cache together: snapshots 47 %, member lists 28 %, timeline
  // pages, threads, reply targets and profiles 10 %, the day archive 7 %, rendered pages 6 %,
  // directory pages 1 %, widget counts 1 %.
  // Member lists have a share of their own: one list read to the byte bound (UPSTREAM_MAX_MB,
  // 8 MB) is 7.5-8.4 MB in memory, more than the reader's whole share, so it was never kept and
  // every members or info page of a big room read 8 MB again. 28 % keeps two such lists (25 %
  // kept the stand-in's two with 46 KB to spare); a bigger list is served but not kept. It
  // comes mostly from snapshots, whose miss costs two small calls, not megabytes.
  const share = (fraction: number): number => Math.floor(config.cacheMaxBytes * fraction);
  // Every cache derived from a room carries the room's epoch (rooms/epochs.ts).
  const epochs = new RoomEpochs();
  const resolver = new RoomResolver(api, denylist);
  // The aliases the directory's answers give are the links its readers follow next.
  const onListed = (listed: readonly PublicRoom[]): void => resolver.learn(listed);
  const directory = new DirectoryService(api, {
    epochs,
    onListed,
    pageSize: config.directoryPageSize,
    denylist,
    // The listing is read again as often as rooms are, so a room taken out leaves it as fast.
    ttlMs: config.freshnessMs,
    maxBytes: share(0.01),
  });
  // The sitemaps' room list: the whole directory, walked again at most once per freshness
  // interval and only when asked for (crawlers and the backfill ask rarely), because a room
  // taken out of the directory must leave the sitemaps within it even if nobody reads the
  // room; a room the viewer has seen taken back leaves it at once.
  const listedRooms = new ListedRooms(api, { denylist, epochs, ttlMs: config.freshnessMs, onListed });
  const rooms = new RoomCache(api, {
    maxBytes: share(0.47),
    freshnessMs: config.freshnessMs,
    reloadAfterMs: config.cacheTtlMs,
    epochs,
    knownUnlisted: (roomId) => listedRooms.unlisted(roomId),
  });
  const reader = new RoomReader(api, { pageSize: config.timelinePageSize, maxBytes: share(0.1), memberListBytes: share(0.28) });
  const days = new DayArchive(api, { pageSize: config.timelinePageSize, maxBytes: share(0.07), chunkBudget: 20, epochs, archive, isVisible: timelineRules.isVisible });
  const widgetState = new WidgetStateLookup(api, rooms, share(0.01));
  const pages = createPageCache(share(0.06));
  const caches = [rooms.cache, resolver.cache, reader.cache, reader.memberLists, days.chunks, days.indexer.indexes, widgetState.cache, pages, directory.cache, listedRooms.cache];
  // The timeline loader fetches by view/'s rules of what shows (wired here, the one place layers meet).
  const timeline = new TimelineLoader(reader, timelineRules);
  const directoryPages = new DirectoryPageLoader(directory, widgetState);
  const sitemaps = new SitemapLoader(listedRooms, days);
  return { directory, directoryPages, sitemaps, rooms, reader, timeline, about: new AboutLoader(reader, timelineRules.maxPins), resolver, widgetState, days, pages, listedRooms, caches, epochs };
}
