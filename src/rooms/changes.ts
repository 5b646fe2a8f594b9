import type { MatrixEvent } from '../matrix/events.js';
import type { EpochReason, RoomEpochs } from './epochs.js';
import type { RoomSnapshot } from './snapshot.js';
import type { RoomState } from './state.js';

export interface TakenBack {
  reasons: EpochReason[];
  /** The events the incoming redactions take back. */
  redacted: string[];
  /** The incoming redactions. */
  redactions: MatrixEvent[];
}

/**
 * What in a refresh may take back something a page showed: redactions among the incoming
 * events, and changes of the state that says what may be shown and how the room is named.
 * A message edit or a new message is not here: pages built from the snapshot follow those
 * by its version, and nothing derived elsewhere can show them wrongly.
 */
export function takenBack(
  before: { state: RoomState; published: boolean | undefined },
  after: { state: RoomState; published: boolean | undefined },
  incoming: readonly MatrixEvent[],
): TakenBack {
  const redactions = incoming.filter((e) => e.type === 'm.room.redaction' && e.redacts !== undefined);
  const redacted = redactions.map((e) => e.redacts!);
  const reasons: EpochReason[] = [];
  if (redacted.length > 0) reasons.push('redaction');
  const was = before.state;
  const now = after.state;
  if (was.historyVisibility !== now.historyVisibility) reasons.push('history-visibility');
  if (was.joinRule !== now.joinRule) reasons.push('join-rule');
  if (before.published !== after.published) reasons.push('publication');
  if (was.tombstone?.replacementRoom !== now.tombstone?.replacementRoom) reasons.push('tombstone');
  if (was.name !== now.name || was.topic !== now.topic || was.avatarUrl !== now.avatarUrl) reasons.push('profile');
  return { reasons, redacted, redactions };
}

/**
 * Gives a freshly loaded snapshot its epoch. `before` is the snapshot it follows on from, when
 * every event since then was seen (a catch-up); without one (a cold load, a reload) the viewer
 * cannot know what was taken back meanwhile, so the epoch moves. The directory's answer also
 * tells the listings whether they may name the room.
 */
export function stampEpoch(
  epochs: RoomEpochs,
  before: RoomSnapshot | undefined,
  after: RoomSnapshot,
  incoming: readonly MatrixEvent[],
  published: boolean | undefined,
): RoomSnapshot {
  const roomId = after.roomId;
  epochs.restore(roomId, { readable: true, listed: published !== false });
  // Leaving the directory moves the epoch by itself; the move below is then not made for it again.
  const unlisted = published === false && epochs.withdraw(roomId, 'unlisted');
  if (!before) {
    epochs.move(roomId, ['reload']);
  } else {
    const taken = takenBack(before, { state: after.state, published }, incoming);
    const reasons = unlisted ? taken.reasons.filter((reason) => reason !== 'publication') : taken.reasons;
    if (reasons.length > 0) epochs.move(roomId, reasons, taken.redactions);
  }
  return { ...after, epoch: epochs.of(roomId), epochSince: epochs.since(roomId), published };
}
