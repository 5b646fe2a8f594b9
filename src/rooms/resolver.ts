import { LRUCache } from 'lru-cache';
import { NotFound } from '../matrix/errors.js';
import type { RoomRef } from '../matrix/ids.js';
import type { RoomApi } from '../matrix/rooms.js';
import type { Denylist } from './denylist.js';

const ALIAS_TTL_MS = 5 * 60_000;
const UNKNOWN_ALIAS_TTL_MS = 30_000;

/**
 * Turns a room reference from a URL into a room ID: aliases through the homeserver's room
 * directory, cached (unknown aliases only briefly). Denied rooms are reported as unknown.
 */
export class RoomResolver {
  private readonly aliases = new LRUCache<string, { roomId: string | null }>({
    max: 10_000,
    ttl: ALIAS_TTL_MS,
    fetchMethod: async (alias, _stale, { signal }) => {
      const roomId = await this.api.resolveAlias(alias, signal);
      return { roomId: roomId ?? null };
    },
  });

  constructor(
    private readonly api: RoomApi,
    private readonly denylist: Denylist,
  ) {}

  /** The room ID when it is known without asking the homeserver (the cache-hit path). */
  known(ref: RoomRef): string | undefined {
    if (ref.kind === 'id') return this.denylist.denies(ref.roomId) ? undefined : ref.roomId;
    const roomId = this.aliases.get(ref.alias)?.roomId;
    return roomId && !this.denylist.denies(roomId, [ref.alias]) ? roomId : undefined;
  }

  async resolve(ref: RoomRef): Promise<string> {
    if (ref.kind === 'id') {
      if (this.denylist.denies(ref.roomId)) throw unknownRoom();
      return ref.roomId;
    }
    if (this.denylist.denies('', [ref.alias])) throw unknownRoom();
    // Aliases are case-sensitive in Matrix, so the key is the alias as given.
    const key = ref.alias;
    const entry = await this.aliases.fetch(key);
    if (!entry?.roomId) {
      // Remember an unknown alias for a shorter time than a known one.
      this.aliases.set(key, { roomId: null }, { ttl: UNKNOWN_ALIAS_TTL_MS });
      throw new NotFound(`No room has the address ${ref.alias}.`);
    }
    if (this.denylist.denies(entry.roomId, [ref.alias])) throw unknownRoom();
    return entry.roomId;
  }
}

function unknownRoom(): NotFound {
  return new NotFound('There is no room at this address.');
}
