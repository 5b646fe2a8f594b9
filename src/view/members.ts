import type { MatrixEvent } from '../matrix/events.js';
import type { PowerLevels } from '../rooms/state.js';
import { avatarLetter, cleanName } from './events/format.js';
import { clip } from './page.js';
import { roomSubPath, thumbnailPath } from './urls.js';

/** One member as sorted: cheap to make for tens of thousands. */
export interface MemberEntry {
  userId: string;
  /** The display name as sent (untrusted): cleaned only for the members shown. */
  rawName: unknown;
  avatarUrl: string | undefined;
  powerLevel: number;
  /** "Administrator", "Moderator", "Power level 10", or undefined for ordinary members. */
  role: string | undefined;
  /** What the list is sorted by after the power level: the name in lower case. */
  key: string;
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

/**
 * Members by power level (highest first), then by name, then by user ID. When the list is
 * partial (over the byte bound), the power-level holders it missed are added from the
 * power-levels event, so the people who run the room are always listed.
 */
export function buildMembers(memberEvents: readonly MatrixEvent[], power: PowerLevels, partial = false): MemberEntry[] {
  const members: MemberEntry[] = [];
  const add = (userId: string, rawName: unknown, avatarUrl: unknown): void => {
    const level = power.users[userId] ?? power.usersDefault;
    const role = roleLabel(level, power.usersDefault);
    const key = (typeof rawName === 'string' && rawName.trim() !== '' ? rawName : userId).toLowerCase();
    members.push({ userId, rawName, avatarUrl: typeof avatarUrl === 'string' ? avatarUrl : undefined, powerLevel: level, role, key });
  };
  const listed = new Set<string>();
  for (const event of memberEvents) {
    if (event.type !== 'm.room.member' || !event.state_key || event.content['membership'] !== 'join') continue;
    listed.add(event.state_key);
    add(event.state_key, event.content['displayname'], event.content['avatar_url']);
  }
  if (partial) {
    for (const [userId, level] of Object.entries(power.users)) {
      if (!listed.has(userId) && level !== power.usersDefault) add(userId, undefined, undefined);
    }
  }
  // Keys made once, compared cheaply: a collator on every comparison is too slow for a big room.
  return members.sort((a, b) => b.powerLevel - a.powerLevel || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
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

export function paginateMembers(all: MemberEntry[], ref: string, page: number, pageSize: number, whole: { note?: string | undefined; total?: number } = {}): MembersPage {
  const pages = Math.max(1, Math.ceil(all.length / pageSize));
  const current = Math.min(Math.max(1, page), pages);
  const href = (n: number): string => roomSubPath(ref, 'members', { page: n > 1 ? n : undefined });
  return {
    members: all.slice((current - 1) * pageSize, current * pageSize).map(shown),
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
