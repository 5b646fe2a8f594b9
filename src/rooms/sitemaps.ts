import { NotFound } from '../errors.js';
import type { RoomRef } from '../matrix/ids.js';
import type { ListedRoom } from './directory.js';

/** How many chunks of history the day index may read for one room sitemap. */
const DAY_INDEX_BUDGET = 20;

/** The day archive's answer to "which days of this room have messages". */
export interface DayLister {
  listDays(roomId: string, budget: number): Promise<Array<{ day: string /* YYYY-MM-DD */; lastModified: number }>>;
}

export interface RoomDays {
  room: ListedRoom;
  days: Array<{ day: string; lastModified: number }>;
}

/** The loader of the sitemaps: the listed rooms, and one listed room's days. */
export class SitemapLoader {
  constructor(
    private readonly listedRooms: { get(): Promise<ListedRoom[]> },
    private readonly days: DayLister,
  ) {}

  /** Every world-readable room of the public directory, denylist applied. */
  rooms(): Promise<ListedRoom[]> {
    return this.listedRooms.get();
  }

  /** The days with messages of a listed room; only those have a sitemap (that also applies the denylist). */
  async roomDays(ref: RoomRef): Promise<RoomDays> {
    const given = ref.kind === 'id' ? ref.roomId : ref.alias;
    const room = (await this.listedRooms.get()).find((r) => r.ref === given || r.roomId === given);
    if (!room) throw new NotFound('This room is not in the public directory, so it has no sitemap.');
    return { room, days: await this.days.listDays(room.roomId, DAY_INDEX_BUDGET) };
  }
}
