import type { MatrixEvent } from '../matrix/events.js';
import type { MemberChunk } from '../matrix/rooms.js';
import type { MemberSource } from './homeserver.js';
import { roomKey, type EpochedRoom } from './epochs.js';
import type { ReadThroughCache } from './read-through.js';

/** A room's joined members, as far as the byte bound of one answer reaches. */
export interface MemberList {
  /** Joined members' member events: all of them, or the first that fit the bound. */
  events: MatrixEvent[];
  /** Whether `events` is the whole list. */
  complete: boolean;
  /** Joined members in all, from the room summary; the list's length where there is none. */
  joinedCount: number;
}

const TTL_MS = 60_000;
/** Heap bytes of one kept member event (user ID, name, avatar), estimated. */
const MEMBER_BYTES = 400;
/** Pages that name people look up at most this many of them one by one. */
const MAX_PROFILE_LOOKUPS = 12;

/**
 * The only reader of member lists, for the members page and the info page's servers: a cold
 * room page never needs one. Other pages name people from the lazily loaded member events
 * they already have, and look up the few that are missing one by one.
 */
export class RoomMembers {
  constructor(
    private readonly api: MemberSource,
    private readonly cache: ReadThroughCache<unknown>,
  ) {}

  list(room: EpochedRoom): Promise<MemberList> {
    const { roomId } = room;
    return this.cache.get(roomKey('members', roomId, room.epoch), TTL_MS, async () => {
      const [chunk, count] = await Promise.all([
        this.api.members(roomId, undefined),
        this.api.joinedMembers(roomId, undefined).catch(() => undefined),
      ]);
      return toList(chunk, count);
    }, (list) => 2048 + list.events.length * MEMBER_BYTES);
  }

  /** Member events of `userIds` not in `known`, each looked up alone (a few at most). */
  async profiles(room: EpochedRoom, userIds: Iterable<string>, known: readonly MatrixEvent[]): Promise<MatrixEvent[]> {
    const { roomId } = room;
    const have = new Set(known.map((e) => e.state_key));
    const wanted = [...new Set(userIds)].filter((id) => !have.has(id)).slice(0, MAX_PROFILE_LOOKUPS);
    const found = await Promise.all(
      wanted.map((userId) =>
        this.cache.get(roomKey('member', roomId, room.epoch, userId), TTL_MS, () => this.api.member(roomId, userId, undefined)).catch(() => undefined),
      ),
    );
    return [...known, ...found.filter((e): e is MatrixEvent => e !== undefined)];
  }
}

/** Only what the pages read of each member is kept: a long list is held many times over otherwise. */
function compact(event: MatrixEvent): MatrixEvent {
  const { displayname, avatar_url } = event.content;
  return { event_id: event.event_id, type: event.type, sender: event.sender, state_key: event.state_key ?? '', origin_server_ts: 0, content: { membership: 'join', displayname, avatar_url } };
}

function toList(chunk: MemberChunk, count: number | undefined): MemberList {
  const events = chunk.events.filter((e) => e.type === 'm.room.member' && e.state_key && e.content['membership'] === 'join').map(compact);
  return { events, complete: chunk.complete, joinedCount: chunk.complete ? events.length : Math.max(count ?? 0, events.length) };
}

/** Servers of the listed members, most members first. */
export function serversOf(events: readonly MatrixEvent[]): string[] {
  const counts = new Map<string, number>();
  for (const event of events) {
    const server = event.state_key?.slice(event.state_key.indexOf(':') + 1);
    if (server) counts.set(server, (counts.get(server) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([server]) => server);
}
