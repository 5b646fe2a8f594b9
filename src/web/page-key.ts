import type { Request } from 'express';
import type { RoomSnapshot } from '../rooms/snapshot.js';
import type { RoomContext } from '../view/room.js';

/** The query parameters that select what a room page shows; any others do not change it. */
const PAGE_PARAMS = ['before', 'after', 'page'];

/**
 * What a rendered room page depends on: its path, the parameters that pick its content, the
 * snapshot version, and the two flags that change its head (out of date, unlisted).
 */
export function pageKey(req: Request, snapshot: RoomSnapshot, room: RoomContext): string {
  const params = PAGE_PARAMS.map((name) => {
    const value: unknown = req.query[name];
    return typeof value === 'string' ? `${name}=${value}` : '';
  }).join('&');
  return `${req.path}?${params}\u0000${snapshot.roomId}\u0000${snapshot.version}\u0000${room.outdated ? 1 : 0}${room.unlisted ? 1 : 0}`;
}
