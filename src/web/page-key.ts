import { roomKey } from '../rooms/epochs.js';
import type { RoomSnapshot } from '../rooms/snapshot.js';
import type { RoomContext } from '../view/room.js';

/** The query parameters that select what a room page shows; any others do not change it. */
export const PAGE_PARAMS = ['before', 'after', 'page'];

/**
 * What a rendered room page depends on: the room's epoch (so nothing rendered before the room
 * took something back is served again), the snapshot version, its path and the parameters
 * that pick its content, and the two flags that change its head (out of date, unlisted).
 */
export function pageKey(req: { path: string; query: Record<string, unknown> }, snapshot: RoomSnapshot, room: RoomContext): string {
  const params = PAGE_PARAMS.map((name) => {
    const value: unknown = req.query[name];
    return typeof value === 'string' ? `${name}=${value}` : '';
  }).join('&');
  return roomKey('page', snapshot.roomId, snapshot.epoch, String(snapshot.version), `${req.path}?${params}`, `${room.outdated ? 1 : 0}${room.unlisted ? 1 : 0}`);
}
