import type { MatrixEvent } from '../matrix/events.js';
import type { StateSource } from './homeserver.js';
import type { RoomCache } from './cache.js';
import { parseRoomState } from './state.js';
import { ReadThroughCache } from './read-through.js';

const TTL_MS = 10 * 60_000;

/**
 * The widget state of rooms listed in the directory, so it can say how many widgets each
 * has. A cached snapshot answers for free; otherwise the room's non-member state (two small
 * calls, never the member list), of which only the widget events are kept. Callers give a deadline: the directory never waits long for this.
 */
export class WidgetStateLookup {
  /** Public for /metrics. */
  readonly cache: ReadThroughCache<unknown>;

  constructor(
    private readonly api: StateSource,
    private readonly rooms: RoomCache,
    maxBytes: number,
  ) {
    this.cache = new ReadThroughCache<unknown>({ name: 'widget-state', maxBytes });
  }

  async forRooms(roomIds: readonly string[], deadlineMs: number): Promise<Map<string, MatrixEvent[]>> {
    const found = new Map<string, MatrixEvent[]>();
    const lookups = roomIds.map(async (roomId) => {
      const cached = this.rooms.lastKnown(roomId);
      const events = cached
        ? cached.state.widgetEvents
        : await this.cache.get(`widgets\u0000${roomId}`, TTL_MS, async () => parseRoomState(roomId, await this.api.currentState(roomId, undefined)).widgetEvents);
      found.set(roomId, events);
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
    // Lookups that fail or miss the deadline just leave their room without a count.
    await Promise.race([Promise.allSettled(lookups), deadline]);
    clearTimeout(timer);
    return new Map(found);
  }
}
