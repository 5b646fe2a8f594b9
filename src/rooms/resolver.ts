import { NotFound } from '../errors.js';
import type { RoomRef } from '../matrix/ids.js';
import type { Denylist } from './denylist.js';
import type { AliasSource } from './homeserver.js';
import { ReadThroughCache } from './read-through.js';

const ALIAS_TTL_MS = 5 * 60_000;

/**
 * Turns a room reference from a URL into a room ID: aliases through the homeserver's room
 * directory, cached (unknown aliases only for the short negative TTL). Denied rooms are
 * reported as unknown.
 */
export class RoomResolver {
  /** Public for /metrics. */
  readonly cache = new ReadThroughCache<string>({ name: 'aliases', maxBytes: 4 * 2 ** 20, sizeOf: (roomId) => 200 + roomId.length * 2 });

  constructor(
    private readonly api: AliasSource,
    private readonly denylist: Denylist,
  ) {}

  /** The room ID when it is known without asking the homeserver (the cache-hit path). */
  peek(ref: RoomRef, count = true): string | undefined {
    if (ref.kind === 'id') return this.denylist.denies(ref.roomId) ? undefined : ref.roomId;
    const roomId = this.cache.peek(ref.alias, count);
    return roomId && !this.denylist.denies(roomId, [ref.alias]) ? roomId : undefined;
  }

  /**
   * Rooms the public directory listed, with their canonical aliases: a crawler or a reader
   * arriving from the directory or a sitemap follows exactly these links, so their aliases
   * are known without asking the homeserver again (it said so in the same answer).
   */
  learn(rooms: Iterable<{ roomId: string; canonicalAlias: string | undefined }>): void {
    for (const room of rooms) {
      if (room.canonicalAlias !== undefined) this.cache.set(room.canonicalAlias, room.roomId, ALIAS_TTL_MS);
    }
  }

  async resolve(ref: RoomRef): Promise<string> {
    if (ref.kind === 'id') {
      if (this.denylist.denies(ref.roomId)) throw unknownRoom();
      return ref.roomId;
    }
    if (this.denylist.denies('', [ref.alias])) throw unknownRoom();
    // Aliases are case-sensitive in Matrix, so the key is the alias as given.
    const alias = ref.alias;
    const roomId = await this.cache.get(alias, ALIAS_TTL_MS, async () => {
      const found = await this.api.resolveAlias(alias, undefined);
      if (!found) throw new NotFound(`No room has the address ${alias}.`);
      return found;
    });
    if (this.denylist.denies(roomId, [alias])) throw unknownRoom();
    return roomId;
  }
}

function unknownRoom(): NotFound {
  return new NotFound('There is no room at this address.');
}
