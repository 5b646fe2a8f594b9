import type { MatrixEvent } from '../../src/matrix/events.js';
import { byName, listedMember, type ListedMember } from '../../src/rooms/members.js';
import type { NameOrderedMembers } from '../../src/view/members.js';

/** A small member list in name order, made at once (the loader makes big ones in slices). */
export function nameOrdered(events: readonly MatrixEvent[], complete = true): NameOrderedMembers {
  const byUser = new Map<string, ListedMember>();
  for (const event of events) {
    const member = listedMember(event);
    if (member && !byUser.has(member.userId)) byUser.set(member.userId, member);
  }
  return { members: [...byUser.values()].sort(byName), byUser, complete };
}
