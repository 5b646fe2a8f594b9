import { NotFound } from '../errors.js';
import { MatrixApiError } from '../matrix/errors.js';
import { isRecord, type MatrixEvent } from '../matrix/events.js';
import type { HierarchyRoom } from '../matrix/room-answers.js';
import type { TimelineSource } from './homeserver.js';
import { RoomMembers, type MemberList } from './members.js';
import { rollBack, rollForward } from './profiles.js';
import { roomKey, type EpochedRoom } from './epochs.js';
import type { RoomSnapshot } from './snapshot.js';
import { ReadThroughCache } from './read-through.js';

/** A stretch of timeline for one page, with what the view needs around it. */
export interface TimelinePage {
  /** Chronological raw events, hidden kinds included. */
  events: MatrixEvent[];
  /** Member events as of just after the newest event. */
  members: MatrixEvent[];
  /** Whether there is anything before the first / after the last event. */
  hasEarlier: boolean;
  hasLater: boolean;
}

export interface ContextPage extends TimelinePage {
  event: MatrixEvent;
}

export interface ThreadPage {
  root: MatrixEvent;
  replies: MatrixEvent[];
  truncated: boolean;
}

export interface ReaderOptions {
  pageSize: number;
  /** The bound of the cache of pages, threads, single events, profiles and children. */
  maxBytes: number;
  /** The bound of the cache of member lists (rooms/members.ts). */
  memberListBytes: number;
}

const PAST_PAGE_TTL = 10 * 60_000;
const MEMBERS_TTL = 60_000;
const MAX_THREAD_PAGES = 10;
const MAX_REPLY_FETCHES = 5;

const isCreate = (event: MatrixEvent | undefined): boolean => event?.type === 'm.room.create';

/**
 * Reads the parts of a room that are not in its snapshot: pages before and after an event,
 * an event in context, a thread, the member list and a space's children. Everything is
 * anchored on event IDs, so page URLs stay the same however many messages arrive later.
 */
export class RoomReader {
  /** Public for /metrics and the takedown (as `memberLists`). */
  readonly cache: ReadThroughCache<unknown>;
  readonly memberLists: ReadThroughCache<MemberList>;
  private readonly members: RoomMembers;

  constructor(
    private readonly api: TimelineSource,
    private readonly opts: ReaderOptions,
  ) {
    this.cache = new ReadThroughCache<unknown>({ name: 'reader', maxBytes: opts.maxBytes });
    this.memberLists = new ReadThroughCache<MemberList>({ name: 'members', maxBytes: opts.memberListBytes });
    this.members = new RoomMembers(api, this.memberLists, this.cache);
  }

  /** The latest events: the tail of the snapshot that holds `pageSize` visible events. */
  latest(snapshot: RoomSnapshot, isVisible: (event: MatrixEvent) => boolean): TimelinePage {
    const timeline = snapshot.timeline;
    let start = timeline.length;
    let visible = 0;
    while (start > 0 && visible < this.opts.pageSize) {
      start--;
      if (isVisible(timeline[start]!)) visible++;
    }
    const events = timeline.slice(start);
    return {
      events,
      members: [...snapshot.members.values()],
      hasEarlier: events.length > 0 && !isCreate(events[0]),
      hasLater: false,
    };
  }

  /** `pageSize` raw events strictly before `eventId`. */
  async before(snapshot: RoomSnapshot, eventId: string): Promise<TimelinePage> {
    const index = snapshot.timeline.findIndex((e) => e.event_id === eventId);
    if (index >= this.opts.pageSize) {
      // Inside the cached window: no upstream call at all.
      const events = snapshot.timeline.slice(index - this.opts.pageSize, index);
      return {
        events,
        members: rollBack([...snapshot.members.values()], snapshot.timeline.slice(index)),
        hasEarlier: !isCreate(events[0]),
        hasLater: true,
      };
    }
    return this.cache.get(roomKey('before', snapshot.roomId, snapshot.epoch, eventId), PAST_PAGE_TTL, async () => {
      const anchor = await this.api.context(snapshot.roomId, eventId, 0, undefined).catch(notFoundEvent);
      if (!anchor.start) return { events: [], members: [], hasEarlier: false, hasLater: true };
      const chunk = await this.api.messages(snapshot.roomId, anchor.start, 'b', this.opts.pageSize, undefined);
      const full = chunk.events.length >= this.opts.pageSize;
      return {
        events: chunk.events,
        members: chunk.state,
        hasEarlier: full && Boolean(chunk.start) && !isCreate(chunk.events[0]),
        hasLater: true,
      };
    });
  }

  /** `pageSize` raw events strictly after `eventId`. */
  async after(snapshot: RoomSnapshot, eventId: string): Promise<TimelinePage> {
    const index = snapshot.timeline.findIndex((e) => e.event_id === eventId);
    if (index >= 0) {
      const events = snapshot.timeline.slice(index + 1, index + 1 + this.opts.pageSize);
      const later = snapshot.timeline.slice(index + 1 + events.length);
      return {
        events,
        members: rollBack([...snapshot.members.values()], later),
        hasEarlier: true,
        hasLater: later.length > 0,
      };
    }
    return this.cache.get(roomKey('after', snapshot.roomId, snapshot.epoch, eventId), MEMBERS_TTL, async () => {
      const anchor = await this.api.context(snapshot.roomId, eventId, 0, undefined).catch(notFoundEvent);
      if (!anchor.end) return { events: [], members: [], hasEarlier: true, hasLater: false };
      const chunk = await this.api.messages(snapshot.roomId, anchor.end, 'f', this.opts.pageSize, undefined);
      return {
        events: chunk.events,
        // Lazy-loaded state of a forward page is as of its first event; move it to its end.
        members: rollForward(chunk.state, chunk.events),
        hasEarlier: true,
        hasLater: chunk.events.length >= this.opts.pageSize,
      };
    });
  }

  /** An event with up to `pageSize / 2` events on either side. */
  async around(snapshot: RoomSnapshot, eventId: string): Promise<ContextPage> {
    return this.cache.get(roomKey('around', snapshot.roomId, snapshot.epoch, eventId), MEMBERS_TTL, async () => {
      const context = await this.api.context(snapshot.roomId, eventId, this.opts.pageSize, undefined).catch(notFoundEvent);
      const events = [...context.before, context.event, ...context.after];
      return {
        event: context.event,
        events,
        members: rollForward(context.state, [context.event, ...context.after]),
        hasEarlier: context.before.length > 0 && !isCreate(events[0]) && Boolean(context.start),
        hasLater: context.after.length > 0 && Boolean(context.end),
      };
    });
  }

  /** A thread's root and every reply, oldest first, up to a bound. */
  async thread(room: EpochedRoom, rootId: string): Promise<ThreadPage> {
    const { roomId } = room;
    return this.cache.get(roomKey('thread', roomId, room.epoch, rootId), MEMBERS_TTL, async () => {
      const root = await this.api.event(roomId, rootId, undefined).catch(notFoundEvent);
      const replies: MatrixEvent[] = [];
      let from: string | undefined;
      let pages = 0;
      do {
        const page = await this.api.relations(roomId, rootId, 'm.thread', { from, limit: 100, dir: 'f' }, undefined);
        replies.push(...page.events);
        from = page.nextBatch;
        pages++;
      } while (from && pages < MAX_THREAD_PAGES);
      return { root, replies, truncated: Boolean(from) };
    });
  }

  /** Joined members, within the byte bound (for the members page and the info page's servers). */
  memberList(room: EpochedRoom): Promise<MemberList> {
    return this.members.list(room);
  }

  /** `known` member events, with those of the other `userIds` looked up one by one (a few at most). */
  profiles(room: EpochedRoom, userIds: Iterable<string>, known: readonly MatrixEvent[]): Promise<MatrixEvent[]> {
    return this.members.profiles(room, userIds, known);
  }

  /** A space's children, one level deep, the space itself left out. */
  async children(room: EpochedRoom): Promise<HierarchyRoom[]> {
    const { roomId } = room;
    return this.cache.get(roomKey('hierarchy', roomId, room.epoch), MEMBERS_TTL, async () => {
      const rooms: HierarchyRoom[] = [];
      let from: string | undefined;
      let pages = 0;
      do {
        const page = await this.api.hierarchy(roomId, from, 50, undefined);
        rooms.push(...page.rooms.filter((room) => room.roomId !== roomId));
        from = page.nextBatch;
        pages++;
      } while (from && pages < 5);
      return rooms;
    });
  }

  /**
   * The events that the page's replies quote but that are not on the page, fetched (a few
   * at most) so each reply can show what it answers. Failures just leave the quote out.
   */
  async replyTargets(room: EpochedRoom, events: readonly MatrixEvent[], known: readonly MatrixEvent[]): Promise<MatrixEvent[]> {
    const targets = events.map(replyTarget).filter((id): id is string => id !== undefined);
    return this.eventsById(room, targets, [...events, ...known], MAX_REPLY_FETCHES);
  }

  /**
   * The events of `ids` that are not among `known`, fetched one by one (at most `max`) and
   * cached; the ones that fail are left out. For pinned messages and reply quotes.
   */
  async eventsById(room: EpochedRoom, ids: readonly string[], known: readonly MatrixEvent[], max: number): Promise<MatrixEvent[]> {
    const { roomId } = room;
    const have = new Set(known.map((e) => e.event_id));
    const wanted = new Set(ids.filter((id) => !have.has(id)));
    const fetches = [...wanted].slice(0, max).map((id) =>
      this.cache
        .get(roomKey('event', roomId, room.epoch, id), PAST_PAGE_TTL, () => this.api.event(roomId, id, undefined))
        .catch(() => undefined),
    );
    return (await Promise.all(fetches)).filter((e): e is MatrixEvent => e !== undefined);
  }
}

export function replyTarget(event: MatrixEvent): string | undefined {
  const relates = event.content['m.relates_to'];
  if (!isRecord(relates)) return undefined;
  const reply = relates['m.in_reply_to'];
  return isRecord(reply) && typeof reply['event_id'] === 'string' ? reply['event_id'] : undefined;
}

function notFoundEvent(error: unknown): never {
  if (error instanceof MatrixApiError && (error.httpStatus === 404 || error.httpStatus === 403)) {
    throw new NotFound('This room has no event with that ID, or it cannot be shown.');
  }
  throw error;
}
