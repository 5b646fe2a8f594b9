import type { Request, Response } from 'express';
import { BadRequest } from '../errors.js';
import { isEventId, parseRoomRef } from '../matrix/ids.js';
import type { RoomCache } from '../rooms/cache.js';
import type { RoomResolver } from '../rooms/resolver.js';
import type { RoomSnapshot } from '../rooms/snapshot.js';
import { buildRoomContext, roomRef, type RoomContext } from '../view/room.js';

export interface RoomDeps {
  resolver: RoomResolver;
  rooms: RoomCache;
}

export interface LoadedRoom {
  snapshot: RoomSnapshot;
  room: RoomContext;
}

/**
 * Resolves `/room/{ref}…` to a snapshot, or answers for it: 400 for a malformed reference,
 * 404/403 through the typed errors, and a permanent redirect when the URL does not name the
 * room in its canonical form (its canonical alias without `#`, else its ID). `pathOf` gives
 * this page's path for a room reference (a builder of view/urls.ts); the redirect goes there,
 * with the query kept.
 */
export async function loadRoom(req: Request, res: Response, deps: RoomDeps, pathOf: (ref: string) => string): Promise<LoadedRoom | undefined> {
  const raw: unknown = req.params['ref'];
  const ref = typeof raw === 'string' ? parseRoomRef(raw) : null;
  if (!ref) throw new BadRequest('That is not a Matrix room ID (!id:server) or room address (#name:server).');
  // A cache hit takes the synchronous path through each cache.
  const roomId = deps.resolver.peek(ref) ?? (await deps.resolver.resolve(ref));
  const snapshot = deps.rooms.peek(roomId) ?? (await deps.rooms.get(roomId));
  const canonical = roomRef(snapshot.state);
  // The canonical segment is the alias without its `#`; `/room/%23alias` redirects to it too.
  const canonicalSegment = canonical.startsWith('#') ? canonical.slice(1) : canonical;
  if (raw !== canonicalSegment) {
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    res.redirect(301, `${pathOf(canonical)}${query}`);
    return undefined;
  }
  return { snapshot, room: roomContextOf(snapshot) };
}

/** Snapshots never change (publication included), so each one's context is built once. */
const contexts = new WeakMap<RoomSnapshot, RoomContext>();

export function roomContextOf(snapshot: RoomSnapshot): RoomContext {
  let room = contexts.get(snapshot);
  if (!room) {
    // Unknown (the directory did not answer) counts as unlisted: noindex rather than indexed.
    room = buildRoomContext(snapshot, snapshot.published === true);
    contexts.set(snapshot, room);
  }
  return room;
}

/** An event ID from the path or query, checked; a malformed one is a 400. */
export function eventIdParam(value: unknown): string {
  if (typeof value !== 'string' || !isEventId(value)) throw new BadRequest('That is not a Matrix event ID.');
  return value;
}
