import type { MatrixEvent } from '../matrix/events.js';
import type { MemberChunk } from '../matrix/room-answers.js';
import type { MemberSource } from './homeserver.js';
import { roomKey, type EpochedRoom } from './epochs.js';
import type { ReadThroughCache } from './read-through.js';
import { forEachInSlices, sortInSlices } from '../slices.js';

/** One joined member as listed: what the members page and the info page read of them. */
export interface ListedMember {
  userId: string;
  /** The display name as sent (untrusted): cleaned only for the members shown. */
  rawName: unknown;
  avatarUrl: string | undefined;
  /** What the list is ordered by, then the user ID: the name (else the user ID) in lower case. */
  key: string;
}

/** A room's joined members, as far as the byte bound of one answer reaches. */
export interface MemberList {
  /** Joined members in name order (`byName`): all of them, or the first that fit the bound. */
  members: ListedMember[];
  byUser: ReadonlyMap<string, ListedMember>;
  /** The servers of the listed members, most members first: the first SERVERS_KEPT. */
  servers: string[];
  /** How many servers the listed members are on in all. */
  serverCount: number;
  /** Whether `members` is the whole list. */
  complete: boolean;
  /** Joined members in all, from the room summary; the list's length where there is none. */
  joinedCount: number;
}

/** More than the info page shows (50): it says how many more there are. */
export const SERVERS_KEPT = 100;
const TTL_MS = 60_000;
/** Heap bytes of one listed member (user ID, name, avatar, key, its map entry): 250 measured
 * with short names, and some room for longer ones. */
const MEMBER_BYTES = 300;
/** A list's estimated heap bytes, as its cache counts them. */
export const memberListSize = (list: MemberList): number => 2048 + list.members.length * MEMBER_BYTES + list.servers.length * 64;
/** Pages that name people look up at most this many of them one by one. */
const MAX_PROFILE_LOOKUPS = 12;

/**
 * The only reader of member lists, for the members page and the info page's servers: a cold
 * room page never needs one. Other pages name people from the lazily loaded member events
 * they already have, and look up the few that are missing one by one.
 */
export class RoomMembers {
  /**
   * `lists` holds whole member lists (a cache of their own: one list at the byte bound is
   * megabytes); `profiles` the single member events, a few hundred bytes each.
   */
  constructor(
    private readonly api: MemberSource,
    private readonly lists: ReadThroughCache<MemberList>,
    private readonly profileCache: ReadThroughCache<unknown>,
  ) {}

  list(room: EpochedRoom): Promise<MemberList> {
    const { roomId } = room;
    return this.lists.get(roomKey('members', roomId, room.epoch), TTL_MS, async () => {
      const [chunk, count] = await Promise.all([
        this.api.members(roomId, undefined),
        this.api.joinedMembers(roomId, undefined).catch(() => undefined),
      ]);
      return toList(chunk, count);
    }, memberListSize);
  }

  /** Member events of `userIds` not in `known`, each looked up alone (a few at most). */
  async profiles(room: EpochedRoom, userIds: Iterable<string>, known: readonly MatrixEvent[]): Promise<MatrixEvent[]> {
    const { roomId } = room;
    const have = new Set(known.map((e) => e.state_key));
    const wanted = [...new Set(userIds)].filter((id) => !have.has(id)).slice(0, MAX_PROFILE_LOOKUPS);
    const found = await Promise.all(
      wanted.map((userId) =>
        this.profileCache.get(roomKey('member', roomId, room.epoch, userId), TTL_MS, () => this.api.member(roomId, userId, undefined)).catch(() => undefined),
      ),
    );
    return [...known, ...found.filter((e): e is MatrixEvent => e !== undefined)];
  }
}

/** The listed member of a joined member's event, or undefined for any other event. */
export function listedMember(event: MatrixEvent): ListedMember | undefined {
  if (event.type !== 'm.room.member' || !event.state_key || event.content['membership'] !== 'join') return undefined;
  const userId = event.state_key;
  const rawName = event.content['displayname'];
  const avatarUrl = event.content['avatar_url'];
  const key = (typeof rawName === 'string' && rawName.trim() !== '' ? rawName : userId).toLowerCase();
  return { userId, rawName, avatarUrl: typeof avatarUrl === 'string' ? avatarUrl : undefined, key };
}

/**
 * The list's order: by key, then by user ID. Plain comparisons of keys made once: a collator
 * on every comparison is too slow for a big room.
 */
export function byName(a: Pick<ListedMember, 'key' | 'userId'>, b: Pick<ListedMember, 'key' | 'userId'>): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}

const serverOf = (userId: string): string => userId.slice(userId.indexOf(':') + 1);

/**
 * The list made once per answer, in slices that yield (slices.ts): a big room's tens of
 * thousands of members are never checked, counted or sorted in one task. The pages then read
 * it without sorting again (view/members.ts).
 */
async function toList(chunk: MemberChunk, count: number | undefined): Promise<MemberList> {
  const members: ListedMember[] = [];
  const byUser = new Map<string, ListedMember>();
  const servers = new Map<string, number>();
  await forEachInSlices(chunk.events, (event) => {
    const member = listedMember(event);
    if (!member || byUser.has(member.userId)) return;
    members.push(member);
    byUser.set(member.userId, member);
    const server = serverOf(member.userId);
    if (server) servers.set(server, (servers.get(server) ?? 0) + 1);
  });
  return {
    members: await sortInSlices(members, byName),
    byUser,
    servers: await topServers(servers, SERVERS_KEPT),
    serverCount: servers.size,
    complete: chunk.complete,
    joinedCount: chunk.complete ? members.length : Math.max(count ?? 0, members.length),
  };
}

/** The `n` servers with the most members (then by name), without sorting them all. */
export async function topServers(counts: ReadonlyMap<string, number>, n: number): Promise<string[]> {
  const before = (a: [string, number], b: [string, number]): boolean => a[1] > b[1] || (a[1] === b[1] && a[0] < b[0]);
  const top: Array<[string, number]> = [];
  await forEachInSlices([...counts], (entry) => {
    if (top.length === n && !before(entry, top[n - 1]!)) return;
    let at = top.length;
    while (at > 0 && before(entry, top[at - 1]!)) at--;
    top.splice(at, 0, entry);
    if (top.length > n) top.pop();
  });
  return top.map(([server]) => server);
}

/** Member events (made from the list) of those of `userIds` it holds, for pages that name them. */
export function memberEventsOf(list: MemberList | undefined, userIds: Iterable<string>): MatrixEvent[] {
  const events: MatrixEvent[] = [];
  for (const userId of new Set(userIds)) {
    const member = list?.byUser.get(userId);
    if (!member) continue;
    events.push({ event_id: '', type: 'm.room.member', sender: userId, state_key: userId, origin_server_ts: 0, content: { membership: 'join', displayname: member.rawName, avatar_url: member.avatarUrl } });
  }
  return events;
}
