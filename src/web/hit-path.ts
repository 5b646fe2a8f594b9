import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import { parseRoomRef } from '../matrix/ids.js';
import type { RoomCache } from '../rooms/cache.js';
import type { RoomResolver } from '../rooms/resolver.js';
import { roomRef } from '../view/room.js';
import { limitHeaders, type ClientLimiter } from './client-limit.js';
import type { PageCache } from './page-cache.js';
import { PAGE_PARAMS, pageKey } from './page-key.js';
import type { RequestContext } from './request-context.js';
import type { RequestObserver } from './request-log.js';
import { roomContextOf } from './room-loader.js';
import type { HeaderList } from './security.js';
import { sendKnown } from './send-rendered.js';

/**
 * The timeline routes (web/routes/room.ts) by path shape, with the pattern each is counted and
 * logged under. Only these: their caching options follow from the page key alone, so the
 * options a page was first sent with are the ones the route would send again. (A day page's
 * freshness changes when its day ends, under the same key; it takes the ordinary path.)
 */
const TIMELINE = /^\/room\/([^/?]+)(?:\/(event|thread)\/[^/?]+)?$/;
const PATTERNS = { '': '/room/:ref', event: '/room/:ref/event/:eventId', thread: '/room/:ref/thread/:rootId' } as const;
const NO_QUERY: Record<string, unknown> = {};

export interface HitPathDeps {
  resolver: RoomResolver;
  rooms: RoomCache;
  pages: PageCache;
  limiter: ClientLimiter;
  security: HeaderList;
  observer: RequestObserver;
}

/** What the hit path answered, for /metrics. */
export interface HitPathStats {
  hits: number;
}

/**
 * The cache hit of a room page, answered in front of express: no request and response
 * objects of its, no middleware chain, no router walk. A crawler or a CDN asks for the same
 * cached pages far more often than anything else, and express's own work was as much as the
 * page's. The hit keeps what every answer has: its log line and metrics (one observer), the
 * security headers (the list helmet made) and the client's rate limit (the same counts).
 *
 * A page is in the page cache only if its route built it for this very path, room, epoch,
 * snapshot version and listing, which proves what the route checks (the reference parses, the
 * denylist lets it through, the room is readable now, the URL is canonical, the query is
 * valid): so when the alias, the fresh snapshot and the page are all in memory, the answer is
 * the route's, written by the same functions with the same options. Anything else, however
 * slight (a stale room, a redirect, a repeated parameter, an Accept-Encoding not seen yet, a
 * client past its limit), returns false having written nothing, and express answers it.
 */
export function hitPath(deps: HitPathDeps, stats: HitPathStats): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const startedAt = process.hrtime.bigint();
    const url = req.url ?? '';
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    const match = TIMELINE.exec(path);
    if (!match) return false;
    // express's "simple" query parser; a repeated parameter is a 400 at the route, not this page.
    const query = mark < 0 ? NO_QUERY : parse(url.slice(mark + 1));
    if (PAGE_PARAMS.some((name) => query[name] !== undefined && typeof query[name] !== 'string')) return false;
    // Decoded as the router decodes `:ref`; what it would refuse is left to it.
    let raw: string;
    try {
      raw = decodeURIComponent(match[1]!);
    } catch {
      return false;
    }
    const ref = parseRoomRef(raw);
    if (!ref) return false;
    // Looked up without counting: if this gives up, the route reads the same entries.
    const roomId = deps.resolver.peek(ref, false);
    const snapshot = roomId === undefined ? undefined : deps.rooms.peek(roomId, false);
    if (!snapshot) return false;
    const canonical = roomRef(snapshot.state);
    if (raw !== (canonical.startsWith('#') ? canonical.slice(1) : canonical)) return false;
    const page = deps.pages.peek(pageKey({ path, query }, snapshot, roomContextOf(snapshot)));
    const options = page?.sentWith;
    if (!page || !options) return false;
    // Counted once: if the client is past its limit, the routes answer the 429 with this count.
    const taken = deps.limiter.take(req);
    if (taken && !taken.allowed) return false;
    const sent = sendKnown(req, res, page, options, deps.security, taken && limitHeaders(taken), () => {
      const context: RequestContext = { startedAt, upstreamCalls: 0 };
      deps.observer.watch(req, res, context, PATTERNS[(match[2] ?? '') as keyof typeof PATTERNS]);
    });
    if (!sent) return false;
    // A hit: counted in the caches as the route counts it (the peeks above touched their recency).
    if (ref.kind === 'alias') deps.resolver.cache.countHit();
    deps.rooms.cache.countHit();
    stats.hits++;
    return true;
  };
}
