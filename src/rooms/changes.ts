import type { MatrixEvent } from '../matrix/events.js';
import type { EpochReason } from './epochs.js';
import type { RoomState } from './state.js';

export interface TakenBack {
  reasons: EpochReason[];
  /** The events the incoming redactions take back. */
  redacted: string[];
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
  const redacted = incoming.flatMap((e) => (e.type === 'm.room.redaction' && e.redacts ? [e.redacts] : []));
  const reasons: EpochReason[] = [];
  if (redacted.length > 0) reasons.push('redaction');
  const was = before.state;
  const now = after.state;
  if (was.historyVisibility !== now.historyVisibility) reasons.push('history-visibility');
  if (was.joinRule !== now.joinRule) reasons.push('join-rule');
  if (before.published !== after.published) reasons.push('publication');
  if (was.tombstone?.replacementRoom !== now.tombstone?.replacementRoom) reasons.push('tombstone');
  if (was.name !== now.name || was.topic !== now.topic || was.avatarUrl !== now.avatarUrl) reasons.push('profile');
  return { reasons, redacted };
}
