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

/** Members by power level (highest first), then by name, then by user ID. */
export function buildMembers(memberEvents: readonly MatrixEvent[], power: PowerLevels): MemberView[] {
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
  const collator = new Intl.Collator('en', { sensitivity: 'base' });
  return members.sort((a, b) => b.powerLevel - a.powerLevel || collator.compare(a.name, b.name) || a.userId.localeCompare(b.userId));
}

export function paginateMembers(all: MemberView[], ref: string, page: number, pageSize: number): MembersPage {
  const pages = Math.max(1, Math.ceil(all.length / pageSize));
  const current = Math.min(Math.max(1, page), pages);
  const href = (n: number): string => (n === 1 ? roomSubPath(ref, 'members') : `${roomSubPath(ref, 'members')}?page=${n}`);
  return {
    members: all.slice((current - 1) * pageSize, current * pageSize),
    page: current,
    pages,
    total: all.length,
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
