import type { Logger } from '../log.js';
import type { EpochChange, RoomEpochs } from './epochs.js';

/** A cache that can drop everything it holds of one room. */
export interface RoomScoped {
  forgetRoom(roomId: string): number;
}

/** The archive's part: a copy of a room that may no longer be shown is deleted. */
export interface ArchiveDeletion {
  deleteRoom(roomId: string): Promise<void>;
}

/**
 * When a room's epoch moves, the caches of what is derived from its content drop the room's
 * entries (their keys carry the old epoch, so they would never be found again, but they must
 * not be kept either); when the room may no longer be shown at all, the caches of its state
 * and the archive's copy go too. Snapshots, the day archive and the listings act on the
 * same changes themselves.
 */
export function dropWhatRoomsTakeBack(
  epochs: RoomEpochs,
  sinks: { derived: RoomScoped[]; withdrawn: RoomScoped[]; archive: ArchiveDeletion | undefined; log: Logger },
): void {
  epochs.onChange((change: EpochChange) => {
    for (const cache of sinks.derived) cache.forgetRoom(change.roomId);
    if (!change.withdrawn) return;
    for (const cache of sinks.withdrawn) cache.forgetRoom(change.roomId);
    sinks.archive?.deleteRoom(change.roomId).catch((error: unknown) => sinks.log.warn({ err: error, roomId: change.roomId }, 'archive deletion failed'));
  });
}
