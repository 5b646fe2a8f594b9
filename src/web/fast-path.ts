import type { RequestHandler } from 'express';
import { parseRoomRef } from '../matrix/ids.js';
import type { RoomCache } from '../rooms/cache.js';
import type { RoomResolver } from '../rooms/resolver.js';
import { roomRef } from '../view/room.js';
import { sendRendered, type PageCache } from './page-cache.js';
import { PAGE_PARAMS, pageKey } from './page-key.js';
import { roomContextOf } from './room-loader.js';

/**
 * The timeline routes (web/routes/room.ts) by path shape, with the pattern each is counted and
 * logged under. Only these: their caching options follow from the page key alone, so the
 * options a page was first sent with are the ones the route would send again. (A day page's
 * freshness changes when its day ends, under the same key; it takes the ordinary path.)
 */
const TIMELINE = /^\/room\/([^/]+)(?:\/(event|thread)\/[^/]+)?$/;
const PATTERNS = { '': '/room/:ref', event: '/room/:ref/event/:eventId', thread: '/room/:ref/thread/:rootId' } as const;

export interface FastPathDeps {
  resolver: RoomResolver;
  rooms: RoomCache;
  pages: PageCache;
}

/** What the fast path answered, for /metrics. */
export interface FastPathStats {
  hits: number;
}

/**
 * The cache hit of a room page, answered before the router walk. A page is in the page cache
 * only if its route built it for this very path, room, epoch, snapshot version and listing,
 * which proves what the route checks (the reference parses, the denylist lets it through, the
 * room is readable now, the URL is canonical, the query is valid): so when the alias, the
 * fresh snapshot and the page are all in memory, the answer is the route's, sent by the same
 * function with the same options. Anything else, however slight (a stale room, a redirect, a
 * repeated parameter), goes on to the route unchanged. Mount it after the request context,
 * metrics, request log, security headers and rate limit, so a hit keeps all of those.
 */
export function fastPath(deps: FastPathDeps, stats: FastPathStats = { hits: 0 }): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = req.path;
    const match = TIMELINE.exec(path);
    if (!match) return next();
    // The route's own query checks: a repeated parameter is a 400 there, not this page.
    if (req.url.includes('?')) {
      const query = req.query;
      if (PAGE_PARAMS.some((name) => query[name] !== undefined && typeof query[name] !== 'string')) return next();
    }
    // Decoded as the router decodes `:ref`; what it would refuse is left to it.
    let raw: string;
    try {
      raw = decodeURIComponent(match[1]!);
    } catch {
      return next();
    }
    const ref = parseRoomRef(raw);
    if (!ref) return next();
    // Looked up without counting: if this gives up, the route reads the same entries.
    const roomId = deps.resolver.peek(ref, false);
    const snapshot = roomId === undefined ? undefined : deps.rooms.peek(roomId, false);
    if (!snapshot) return next();
    const canonical = roomRef(snapshot.state);
    if (raw !== (canonical.startsWith('#') ? canonical.slice(1) : canonical)) return next();
    const page = deps.pages.peek(pageKey(req, snapshot, roomContextOf(snapshot)));
    const options = page?.sentWith;
    if (!page || !options) return next();
    // A hit: counted in the caches as the route counts it.
    deps.resolver.peek(ref);
    deps.rooms.peek(roomId!);
    stats.hits++;
    res.locals['route'] = PATTERNS[(match[2] ?? '') as keyof typeof PATTERNS];
    sendRendered(req, res, page, options);
  };
}
