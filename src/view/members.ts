import type { MatrixEvent } from '../matrix/events.js';
import { byName, type ListedMember, type MemberList } from '../rooms/members.js';
import type { PowerLevels } from '../rooms/state.js';
import { avatarLetter, cleanName } from './events/format.js';
import { clip } from './text.js';
import { neighbours } from './pager.js';
import { roomSubPath, thumbnailPath } from './urls.js';

/** One member in display order. */
export interface MemberEntry extends ListedMember {
  powerLevel: number;
  /** "Administrator", "Moderator", "Power level 10", or undefined for ordinary members. */
  role: string | undefined;
}

/** One member as shown: only the members of the page shown are made into these. */
export interface MemberView extends MemberEntry {
  name: string;
  avatar: string | undefined;
  letter: string;
}

export interface MembersPage {
  members: MemberView[];
  /** Said in plain words when the room is too big to list everyone. */
  note: string | undefined;
  page: number;
  pages: number;
  total: number;
  prevHref: string | undefined;
  nextHref: string | undefined;
}

export function roleLabel(level: number, defaultLevel: number): string | undefined {
  if (level >= 100) return 'Administrator';
  if (level >= 50) return 'Moderator';
  if (level !== defaultLevel) return `Power level ${level}`;
  return undefined;
}

/** What the page reads of a member list: its members in name order, and by user ID. */
export type NameOrderedMembers = Pick<MemberList, 'members' | 'byUser' | 'complete'>;

/**
 * The members of one page in display order: by power level (highest first), then by name,
 * then by user ID. The list comes in name order (rooms/members.ts sorts it once per answer),
 * and everyone without a power level of their own keeps that order: so only the power-level
 * holders (from the power-levels event, a few) are sorted here, and a page costs its own
 * size plus theirs, whatever the room's size. When the list is partial (over the byte bound),
 * the holders it missed are added, so the people who run the room are always listed.
 */
export function orderedMembers(list: NameOrderedMembers, power: PowerLevels): { total: number; slice(from: number, to: number): MemberEntry[] } {
  const entry = (member: ListedMember): MemberEntry => {
    const powerLevel = power.users[member.userId] ?? power.usersDefault;
    return { ...member, powerLevel, role: roleLabel(powerLevel, power.usersDefault) };
  };
  const above: MemberEntry[] = [];
  const below: MemberEntry[] = [];
  /** Where the listed holders are in the name order: the others' order skips them. */
  const skipped: number[] = [];
  for (const [userId, level] of Object.entries(power.users)) {
    if (level === power.usersDefault) continue;
    const listed = list.byUser.get(userId);
    if (!listed && list.complete) continue; // not a member
    const member = listed ?? { userId, rawName: undefined, avatarUrl: undefined, key: userId.toLowerCase() };
    (level > power.usersDefault ? above : below).push(entry(member));
    if (listed) skipped.push(indexOf(list.members, listed));
  }
  const byLevel = (a: MemberEntry, b: MemberEntry): number => b.powerLevel - a.powerLevel || byName(a, b);
  above.sort(byLevel);
  below.sort(byLevel);
  skipped.sort((a, b) => a - b);
  const middle = list.members.length - skipped.length;
  const total = above.length + middle + below.length;
  return {
    total,
    slice(from, to) {
      const out: MemberEntry[] = [];
      let i = Math.max(0, from);
      const end = Math.min(total, to);
      for (; i < end && i < above.length; i++) out.push(above[i]!);
      if (i < end && i < above.length + middle) {
        // The (i - above.length)th member not skipped: step over the skipped before it.
        let at = i - above.length;
        let s = 0;
        while (s < skipped.length && skipped[s]! <= at) (at++, s++);
        for (; i < end && i < above.length + middle; i++, at++) {
          while (s < skipped.length && skipped[s] === at) (at++, s++);
          out.push(entry(list.members[at]!));
        }
      }
      for (; i < end; i++) out.push(below[i - above.length - middle]!);
      return out;
    },
  };
}

/** Where `member` is in the name-ordered `members` (binary search). */
function indexOf(members: readonly ListedMember[], member: ListedMember): number {
  let lo = 0;
  let hi = members.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = byName(members[mid]!, member);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function shown(entry: MemberEntry): MemberView {
  const name = cleanName(entry.rawName) ?? entry.userId;
  return { ...entry, name, avatar: thumbnailPath(entry.avatarUrl, 32, 32, 'crop') ?? undefined, letter: avatarLetter(name) };
}

/** "This room has 100,000 members; the first 31,000 are listed", when the list is partial. */
export function partialNote(joinedCount: number, listed: number): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  return `This room has ${n(joinedCount)} members; the first ${n(listed)} are listed, with everyone who holds a power level. The list is too big to read whole.`;
}

export function membersPage(list: NameOrderedMembers, power: PowerLevels, ref: string, page: number, pageSize: number, whole: { note?: string | undefined; total?: number } = {}): MembersPage {
  const ordered = orderedMembers(list, power);
  const pages = Math.max(1, Math.ceil(ordered.total / pageSize));
  const current = Math.min(Math.max(1, page), pages);
  const href = (n: number): string => roomSubPath(ref, 'members', { page: n > 1 ? n : undefined });
  return {
    members: ordered.slice((current - 1) * pageSize, current * pageSize).map(shown),
    note: whole.note,
    page: current,
    pages,
    total: whole.total ?? ordered.total,
    ...neighbours(current, pages, href),
  };
}

/** Display names by user ID, for pages that name people (details, widgets). */
export function memberNames(memberEvents: readonly MatrixEvent[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const event of memberEvents) {
    if (event.type === 'm.room.member' && event.state_key) names.set(event.state_key, cleanName(event.content['displayname']) ?? event.state_key);
  }
  return names;
}
