/**
 * The operator's denylist: room IDs (`!…`), aliases (`#…`) and server names. A room is
 * denied when its ID, any of its aliases, or the server of its ID or of an alias is listed.
 * Room IDs of version 12 and later have no server part, so for them only aliases say where
 * a room lives.
 */
export class Denylist {
  private readonly rooms = new Set<string>();
  private readonly aliases = new Set<string>();
  private readonly servers = new Set<string>();

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      if (entry.startsWith('!')) this.rooms.add(entry);
      else if (entry.startsWith('#')) this.aliases.add(entry.toLowerCase());
      else this.servers.add(entry.toLowerCase());
    }
  }

  get isEmpty(): boolean {
    return this.rooms.size + this.aliases.size + this.servers.size === 0;
  }

  denies(roomId: string, aliases: readonly (string | undefined)[] = []): boolean {
    if (this.rooms.has(roomId)) return true;
    const roomServer = serverOf(roomId);
    if (roomServer && this.servers.has(roomServer)) return true;
    for (const alias of aliases) {
      if (!alias) continue;
      if (this.aliases.has(alias.toLowerCase())) return true;
      const server = serverOf(alias);
      if (server && this.servers.has(server)) return true;
    }
    return false;
  }
}

/** The server part of a `!id:server` or `#alias:server`, lower-cased; none for v12 room IDs. */
export function serverOf(id: string): string | undefined {
  const colon = id.indexOf(':');
  return colon > 0 ? id.slice(colon + 1).toLowerCase() : undefined;
}
