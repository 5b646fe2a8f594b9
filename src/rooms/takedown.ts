import type { Logger } from '../log.js';
import type { MatrixEvent } from '../matrix/events.js';
import type { EpochChange, RoomEpochs } from './epochs.js';

/** A cache that can drop everything it holds of one room. */
export interface RoomScoped {
  forgetRoom(roomId: string): number;
}

/**
 * The archive's part: a redaction is applied to its copy (and so to its search index), and a
 * copy of a room that may no longer be shown is deleted.
 */
export interface ArchiveDeletion {
  redact(roomId: string, eventId: string, redaction: MatrixEvent): Promise<void>;
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
  const failed = (what: string, roomId: string) => (error: unknown): void => sinks.log.warn({ err: error, roomId }, `archive ${what} failed`);
  epochs.onChange((change: EpochChange) => {
    for (const cache of sinks.derived) cache.forgetRoom(change.roomId);
    // Recording the chunk that brought the redaction in applied it already, unless that write
    // failed (the archive only logs a failed record): applied again here, it cannot be lost.
    for (const redaction of change.redactions) {
      if (redaction.redacts) sinks.archive?.redact(change.roomId, redaction.redacts, redaction).catch(failed('redaction', change.roomId));
    }
    if (!change.withdrawn) return;
    for (const cache of sinks.withdrawn) cache.forgetRoom(change.roomId);
    sinks.archive?.deleteRoom(change.roomId).catch(failed('deletion', change.roomId));
  });
}
