import type { MatrixEvent } from '../matrix/events.js';

/**
 * Member state moved along a stretch of timeline, so that each page gets the member events
 * as of just after its newest event: the pages show senders as they were at each event.
 */

function isMember(event: MatrixEvent): boolean {
  return event.type === 'm.room.member' && typeof event.state_key === 'string';
}

/** Members after `events`, given members before them (or at the first of them). */
export function rollForward(members: readonly MatrixEvent[], events: readonly MatrixEvent[]): MatrixEvent[] {
  const byUser = new Map<string, MatrixEvent>();
  for (const event of members) if (isMember(event)) byUser.set(event.state_key!, event);
  for (const event of events) if (isMember(event)) byUser.set(event.state_key!, event);
  return [...byUser.values()];
}

/**
 * Members before `later` (chronological), given members after them: each member event in
 * `later` is undone with its `unsigned.prev_content`, newest first.
 */
export function rollBack(members: readonly MatrixEvent[], later: readonly MatrixEvent[]): MatrixEvent[] {
  const byUser = new Map<string, MatrixEvent>();
  for (const event of members) if (isMember(event)) byUser.set(event.state_key!, event);
  for (let i = later.length - 1; i >= 0; i--) {
    const event = later[i]!;
    if (!isMember(event)) continue;
    const prev = event.unsigned?.['prev_content'];
    if (prev && typeof prev === 'object' && !Array.isArray(prev)) {
      byUser.set(event.state_key!, { ...event, content: prev as Record<string, unknown>, unsigned: {} });
    } else {
      byUser.delete(event.state_key!);
    }
  }
  return [...byUser.values()];
}
