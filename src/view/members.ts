import type { MatrixEvent } from '../matrix/events.js';
import type { PowerLevels } from '../rooms/state.js';
import { avatarLetter, cleanName } from './events/format.js';
import { clip } from './page.js';
import { roomSubPath, thumbnailPath } from './urls.js';

export interface MemberView {
  userId: string;
  name: string;
  avatar: string | undefined;
  letter: string;
  powerLevel: number;
  /** "Administrator", "Moderator", "Power level 10", or undefined for ordinary members. */
  role: string | undefined;
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

/**
 * Members by power level (highest first), then by name, then by user ID. When the list is
 * partial (over the byte bound), the power-level holders it missed are added from the
 * power-levels event, so the people who run the room are always listed.
 */
export function buildMembers(memberEvents: readonly MatrixEvent[], power: PowerLevels, partial = false): MemberView[] {
  const members: MemberView[] = [];
  for (const event of memberEvents) {
    if (event.type !== 'm.room.member' || !event.state_key || event.content['membership'] !== 'join') continue;
    const userId = event.state_key;
    const name = cleanName(event.content['displayname']) ?? userId;
    const level = power.users[userId] ?? power.usersDefault;
    const avatarUrl = event.content['avatar_url'];
    members.push({
      userId,
      name,
      avatar: thumbnailPath(typeof avatarUrl === 'string' ? avatarUrl : undefined, 32, 32, 'crop') ?? undefined,
      letter: avatarLetter(name),
      powerLevel: level,
      role: roleLabel(level, power.usersDefault),
    });
  }
  if (partial) {
    const listed = new Set(members.map((m) => m.userId));
    for (const [userId, level] of Object.entries(power.users)) {
      if (listed.has(userId) || level === power.usersDefault) continue;
      members.push({ userId, name: userId, avatar: undefined, letter: avatarLetter(userId), powerLevel: level, role: roleLabel(level, power.usersDefault) });
    }
  }
  const collator = new Intl.Collator('en', { sensitivity: 'base' });
  return members.sort((a, b) => b.powerLevel - a.powerLevel || collator.compare(a.name, b.name) || a.userId.localeCompare(b.userId));
}

/** "This room has 100,000 members; the first 31,000 are listed", when the list is partial. */
export function partialNote(joinedCount: number, listed: number): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  return `This room has ${n(joinedCount)} members; the first ${n(listed)} are listed, with everyone who holds a power level. The list is too big to read whole.`;
}

export function paginateMembers(all: MemberView[], ref: string, page: number, pageSize: number, whole: { note?: string | undefined; total?: number } = {}): MembersPage {
  const pages = Math.max(1, Math.ceil(all.length / pageSize));
  const current = Math.min(Math.max(1, page), pages);
  const href = (n: number): string => (n === 1 ? roomSubPath(ref, 'members') : `${roomSubPath(ref, 'members')}?page=${n}`);
  return {
    members: all.slice((current - 1) * pageSize, current * pageSize),
    note: whole.note,
    page: current,
    pages,
    total: whole.total ?? all.length,
    prevHref: current > 1 ? href(current - 1) : undefined,
    nextHref: current < pages ? href(current + 1) : undefined,
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
