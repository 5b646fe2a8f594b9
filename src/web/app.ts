import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express from 'express';
import type { Archive } from '../archive/archive.js';
import type { BackfillProgress } from '../archive/backfill.js';
import { registerArchiveMetrics } from './archive-metrics.js';
import { searchRoutes } from './routes/search.js';
import { archivePageRoutes } from './routes/archive-pages.js';
import type { Logger } from '../log.js';
import type { CallOutcome, HomeserverClient } from '../matrix/client.js';
import type { MediaFetcherOptions } from '../matrix/media.js';
import type { RoomCache } from '../rooms/cache.js';
import type { DayArchive } from '../rooms/days.js';
import type { SitemapLoader } from '../rooms/sitemaps.js';
import type { AboutLoader } from '../rooms/about.js';
import type { ArchivePages } from '../rooms/archive-pages.js';
import type { DirectoryPageLoader } from '../rooms/directory-page.js';
import type { TimelineLoader } from '../rooms/timeline.js';
import type { RoomResolver } from '../rooms/resolver.js';
import { publicDir } from '../paths.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { mediaRoutes } from './media.js';
import type { PageCache } from './page-cache.js';
import type { Renderer } from './render.js';
import { dayRoutes } from './routes/days.js';
import { directoryRoutes } from './routes/directory.js';
import { roomAboutRoutes } from './routes/room-about.js';
import { roomRoutes } from './routes/room.js';
import { healthRoutes } from './routes/health.js';
import { createMetrics, type CacheSource } from './metrics.js';
import { ClientLimiter, clientRateLimit } from './client-limit.js';
import { requestContext } from './request-context.js';
import { requestObserver } from './request-log.js';
import { securityHeaderList, securityHeaders } from './security.js';
import { cachePolicy, compressResponses } from './http-cache.js';
import { hitPath } from './hit-path.js';
import { feedRoutes } from './routes/feed.js';
import { seoRoutes } from './routes/seo.js';
import { staticAssetRoutes, type StaticAssets } from './static-assets.js';

export interface AppDeps {
  config: {
    publicUrl: string;
    indexing: boolean;
    freshnessMs: number;
    cdnMaxAgeSeconds: number;
    mediaMaxBytes: number;
    membersPageSize: number;
    /** Absent or 0: no per-client rate limit. */
    rateLimitPerMinute?: number;
    metricsToken?: string | undefined;
  };
  log: Logger;
  renderer: Renderer;
  /** For /readyz: whether the homeserver answered lately. */
  client: Pick<HomeserverClient, 'health' | 'load' | 'budget'>;
  media: MediaFetcherOptions;
  rooms: RoomCache;
  timeline: TimelineLoader;
  directoryPages: DirectoryPageLoader;
  about: AboutLoader;
  resolver: RoomResolver;
  days: DayArchive;
  pages: PageCache;
  sitemaps: SitemapLoader;
  /** The fingerprinted stylesheet and favicon (their URLs are in renderer.site). */
  assets: StaticAssets;
  /** Every read-through cache, for /metrics. */
  caches: readonly CacheSource[];
  /** The archive, for /metrics; absent with ARCHIVE=off. */
  archive?: Archive | undefined;
  /** The search, calendar and thread pages' loader; absent with ARCHIVE=off. */
  archivePages?: ArchivePages | undefined;
  backfill?: { progress: BackfillProgress } | undefined;
  /** HomeserverClient's `onCall` fans out to these; the app adds its metrics here. */
  upstreamListeners?: UpstreamListener[];
}

export type UpstreamListener = (endpoint: string, outcome: CallOutcome, durationMs: number) => void;

/** The viewer as an HTTP request listener: the cache-hit path, then express. */
export interface ViewerApp {
  (req: IncomingMessage, res: ServerResponse): void;
  listen(port: number, host: string, listening?: () => void): Server;
  listen(port: number, listening?: () => void): Server;
}

export interface AppHooks {
  /** Runs first on every request, however it is answered (the drain's `Connection: close`). */
  onRequest?: (res: ServerResponse) => void;
  /** false: every hit takes express (tests compare the two). */
  hitPath?: boolean;
}

/** Builds the app from its dependencies; the entry file only wires and listens. */
export function createApp(deps: AppDeps, hooks: AppHooks = {}): ViewerApp {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Heroku's router is the one proxy in front of us (web/client-limit.ts clientAddress reads it so too).
  app.set('trust proxy', 1);
  app.set('query parser', 'simple');
  // Observability first, so that every answer (errors, static files, 429s) is counted and logged.
  const metrics = createMetrics(deps.caches, deps.config.metricsToken, () => deps.client.budget.bytesInFlight);
  if (deps.archive) registerArchiveMetrics(metrics, deps.archive, deps.backfill);
  deps.upstreamListeners?.push((endpoint, outcome, ms) => metrics.observeUpstream(endpoint, outcome, ms));
  const observer = requestObserver(deps.log, metrics);
  const security = securityHeaderList(deps.config.publicUrl);
  const limiter = new ClientLimiter(deps.config.rateLimitPerMinute ?? 0);
  app.use(requestContext());
  app.use(observer.middleware);
  app.use(securityHeaders(security));
  // The operators' and static paths are not limited.
  app.use(clientRateLimit(limiter));
  // A cached room page is answered in front of express (web/hit-path.ts).
  const answered = { hits: 0 };
  const hit = hooks.hitPath === false ? () => false : hitPath({ resolver: deps.resolver, rooms: deps.rooms, pages: deps.pages, limiter, security, observer }, answered);
  // (Named as it was when hits were answered after express's middlewares: dashboards know it.)
  metrics.counter('page_fast_path_hits_total', 'Cached room pages answered in front of express', () => answered.hits);
  app.use(compressResponses());
  app.use(staticAssetRoutes(deps.assets));
  app.use(
    '/static',
    express.static(publicDir, { maxAge: '1d', index: false, fallthrough: true, dotfiles: 'ignore' }),
  );
  app.use(healthRoutes({ client: deps.client }));
  app.get('/metrics', metrics.endpoint);
  const cache = cachePolicy(deps.config.freshnessMs / 1000, deps.config.cdnMaxAgeSeconds);
  const roomDeps = {
    resolver: deps.resolver,
    rooms: deps.rooms,
    timeline: deps.timeline,
    pages: deps.pages,
    renderer: deps.renderer,
    site: { publicUrl: deps.config.publicUrl, siteName: deps.renderer.site.name, indexing: deps.config.indexing },
    cache,
    takedown: { viewerSeconds: Math.round(deps.config.freshnessMs / 1000) + 1, cdnSeconds: deps.config.cdnMaxAgeSeconds },
  };
  // Room pages are most of the traffic, so their routers come first.
  app.use(roomRoutes(roomDeps));
  app.use(feedRoutes(roomDeps));
  app.use(dayRoutes({ ...roomDeps, days: deps.days }));
  app.use(roomAboutRoutes({ ...roomDeps, about: deps.about, membersPageSize: deps.config.membersPageSize }));
  app.use(archivePageRoutes({ ...roomDeps, archivePages: deps.archivePages }));
  app.use(searchRoutes({ ...roomDeps, archivePages: deps.archivePages }));
  app.use(
    directoryRoutes({
      directoryPages: deps.directoryPages,
      renderer: deps.renderer,
      context: {
        publicUrl: deps.config.publicUrl,
        indexing: deps.config.indexing,
        siteName: deps.renderer.site.name,
        defaultServer: deps.renderer.site.serverName,
      },
      freshness: cache.live,
    }),
  );
  app.use(
    seoRoutes({
      publicUrl: deps.config.publicUrl,
      indexing: deps.config.indexing,
      sitemaps: deps.sitemaps,
      freshness: cache.settled,
    }),
  );
  app.use(mediaRoutes({ fetcher: deps.media, maxBytes: deps.config.mediaMaxBytes }));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.renderer, deps.log));
  const onRequest = hooks.onRequest;
  const viewer = ((req: IncomingMessage, res: ServerResponse) => {
    onRequest?.(res);
    let answered = false;
    try {
      answered = hit(req, res);
    } catch (error) {
      // A fault of the hit path must not take the process down: express answers instead.
      deps.log.error({ err: error, path: req.url }, 'hit path failed');
      if (res.headersSent) return void res.destroy();
    }
    if (!answered) app(req, res);
  }) as ViewerApp;
  viewer.listen = (port: number, ...rest: unknown[]): Server => createServer(viewer).listen(port, ...(rest as [string, () => void]));
  return viewer;
}
