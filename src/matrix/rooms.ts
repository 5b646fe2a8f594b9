import type { HomeserverClient } from './client.js';
import { fetchPublicRooms, type PublicRoomsPage, type PublicRoomsQuery } from './directory.js';
import { MatrixApiError } from './errors.js';
import { isRecord, parseEvent, type MatrixEvent } from './events.js';
import { parseContext, parseHierarchy, parseMemberEvent, parseMessages, parseRelations, parseStateList, shapeError, type EventContext, type HierarchyPage, type MemberChunk, type RelationsPage, type TimelineChunk } from './room-answers.js';
import { readArray } from './json-array-stream.js';
import { wellFormedText } from './wellformed.js';

/**
 * Typed calls for reading one room without joining it. Each call fetches, then parses with
 * the pure functions of room-answers.ts, which throw BadGateway on a body of the wrong shape
 * so that a garbage answer never reaches the cache.
 */

const V1 = '/_matrix/client/v1';
/** Only the senders' member events, not the whole member list of a large room. */
const LAZY_MEMBERS = JSON.stringify({ lazy_load_members: true });

const room = (roomId: string): string => `/rooms/${encodeURIComponent(roomId)}`;

type Signal = AbortSignal | undefined;

export class RoomApi {
  constructor(private readonly client: HomeserverClient) {}

  get isGuest(): boolean {
    return this.client.session.isGuest;
  }

  /** The whole current state, members included: only where /context does not give the rest. */
  async state(roomId: string, signal: Signal): Promise<MatrixEvent[]> {
    return parseStateList(await this.client.get(`${room(roomId)}/state`, { endpoint: 'state', signal }));
  }

  /**
   * The room's state after `eventId` without its member list: Synapse's `/context` with a
   * `lazy_load_members` filter sends every non-member state event and the member events of
   * the senders it returns. A homeserver that sends no create event there gets `/state`
   * instead (still within the byte bound of every answer).
   */
  async stateAt(roomId: string, eventId: string, signal: Signal): Promise<MatrixEvent[]> {
    const context = await this.context(roomId, eventId, 0, signal);
    if (context.state.some((e) => e.type === 'm.room.create')) return context.state;
    return this.state(roomId, signal);
  }

  /** The current state without the member list: two small calls (the newest event, then its context). */
  async currentState(roomId: string, signal: Signal): Promise<MatrixEvent[]> {
    const newest = (await this.messages(roomId, undefined, 'b', 1, signal)).events[0];
    if (!newest) throw shapeError('messages');
    return this.stateAt(roomId, newest.event_id, signal);
  }

  /** The joined-member count from the room summary (MSC3266), or undefined where it is not served. */
  async joinedMembers(roomId: string, signal: Signal): Promise<number | undefined> {
    try {
      const raw = await this.client.get(`/room_summary/${encodeURIComponent(roomId)}`, { endpoint: 'summary', prefix: V1, signal });
      const count = isRecord(raw) ? raw['num_joined_members'] : undefined;
      return typeof count === 'number' && Number.isInteger(count) && count >= 0 ? count : undefined;
    } catch (error) {
      if (error instanceof MatrixApiError) return undefined;
      throw error;
    }
  }

  async messages(roomId: string, from: string | undefined, dir: 'b' | 'f', limit: number, signal: Signal): Promise<TimelineChunk> {
    const raw = await this.client.get(`${room(roomId)}/messages`, {
      endpoint: 'messages',
      query: { from, dir, limit, filter: LAZY_MEMBERS },
      signal,
    });
    return parseMessages(raw, dir);
  }

  async context(roomId: string, eventId: string, limit: number, signal: Signal): Promise<EventContext> {
    const raw = await this.client.get(`${room(roomId)}/context/${encodeURIComponent(eventId)}`, {
      endpoint: 'context',
      query: { limit, filter: LAZY_MEMBERS },
      signal,
    });
    return parseContext(raw);
  }

  async event(roomId: string, eventId: string, signal: Signal): Promise<MatrixEvent> {
    const raw = await this.client.get(`${room(roomId)}/event/${encodeURIComponent(eventId)}`, { endpoint: 'event', signal });
    const event = parseEvent(raw);
    if (!event) throw shapeError('event');
    return event;
  }

  /**
   * Joined members' member events, each parsed as it streams (never the whole list at once):
   * past the byte bound the call stops and the members that arrived whole are kept
   * (`complete: false`).
   */
  async members(roomId: string, signal: Signal): Promise<MemberChunk> {
    return this.client.get<MemberChunk>(`${room(roomId)}/members`, {
      endpoint: 'members',
      query: { membership: 'join' },
      signal,
      read: async (response) => {
        const { items, complete } = await readArray(response, 'chunk', parseMemberEvent);
        return { events: items, complete };
      },
    });
  }

  /**
   * The room's current history visibility, straight from its state: a guest is refused (403)
   * once it is no longer world-readable, whatever older events it may still be shown.
   * Undefined when the homeserver has no such state event to give (404).
   */
  async historyVisibility(roomId: string, signal: Signal): Promise<string | undefined> {
    try {
      const raw = await this.client.get(`${room(roomId)}/state/m.room.history_visibility/`, { endpoint: 'historyVisibility', signal });
      return isRecord(raw) && typeof raw['history_visibility'] === 'string' ? raw['history_visibility'] : undefined;
    } catch (error) {
      if (error instanceof MatrixApiError && error.httpStatus === 404) return undefined;
      throw error;
    }
  }

  /** One member's current member event, or undefined when the room has none for them. */
  async member(roomId: string, userId: string, signal: Signal): Promise<MatrixEvent | undefined> {
    try {
      const raw = await this.client.get(`${room(roomId)}/state/m.room.member/${encodeURIComponent(userId)}`, { endpoint: 'member', signal });
      if (!isRecord(raw)) throw shapeError('member');
      return { event_id: '', type: 'm.room.member', sender: userId, state_key: userId, origin_server_ts: 0, content: raw };
    } catch (error) {
      if (error instanceof MatrixApiError && (error.httpStatus === 404 || error.httpStatus === 403)) return undefined;
      throw error;
    }
  }

  async relations(
    roomId: string,
    eventId: string,
    relType: string,
    options: { from?: string | undefined; limit: number; dir?: 'b' | 'f' },
    signal: Signal,
  ): Promise<RelationsPage> {
    const raw = await this.client.get(`${room(roomId)}/relations/${encodeURIComponent(eventId)}/${encodeURIComponent(relType)}`, {
      endpoint: 'relations',
      prefix: V1,
      query: { from: options.from, limit: options.limit, dir: options.dir ?? 'f' },
      signal,
    });
    return parseRelations(raw);
  }

  async hierarchy(roomId: string, from: string | undefined, limit: number, signal: Signal): Promise<HierarchyPage> {
    const raw = await this.client.get(`${room(roomId)}/hierarchy`, {
      endpoint: 'hierarchy',
      prefix: V1,
      query: { from, limit, max_depth: 1 },
      signal,
    });
    return parseHierarchy(raw);
  }

  /** The room ID behind an alias, or undefined when the alias is unknown. */
  async resolveAlias(alias: string, signal: Signal): Promise<string | undefined> {
    try {
      const raw = await this.client.get(`/directory/room/${encodeURIComponent(alias)}`, { endpoint: 'directory', signal });
      if (!isRecord(raw) || typeof raw['room_id'] !== 'string') throw shapeError('directory');
      return wellFormedText(raw['room_id']);
    } catch (error) {
      if (error instanceof MatrixApiError && (error.httpStatus === 404 || error.errcode === 'M_NOT_FOUND')) return undefined;
      throw error;
    }
  }

  /**
   * The event closest to `ts` in direction `dir` (`/timestamp_to_event`), or undefined when
   * there is none. Guests may not call it (M_GUEST_ACCESS_FORBIDDEN); bot sessions may.
   */
  async timestampToEvent(roomId: string, ts: number, dir: 'b' | 'f', signal: Signal): Promise<{ eventId: string; ts: number } | undefined> {
    try {
      const raw = await this.client.get(`${room(roomId)}/timestamp_to_event`, { endpoint: 'timestampToEvent', prefix: V1, query: { ts, dir }, signal });
      if (!isRecord(raw) || typeof raw['event_id'] !== 'string' || typeof raw['origin_server_ts'] !== 'number') throw shapeError('timestamp_to_event');
      return { eventId: wellFormedText(raw['event_id']), ts: raw['origin_server_ts'] };
    } catch (error) {
      if (error instanceof MatrixApiError && error.httpStatus === 404 && error.errcode === 'M_NOT_FOUND') return undefined;
      throw error;
    }
  }

  /** Whether the room is published in the homeserver's public room directory. */
  async isPublished(roomId: string, signal: Signal): Promise<boolean> {
    const raw = await this.client.get(`/directory/list/room/${encodeURIComponent(roomId)}`, { endpoint: 'directoryVisibility', signal });
    return isRecord(raw) && raw['visibility'] === 'public';
  }

  /** One page of the public room directory. */
  async publicRooms(query: PublicRoomsQuery, signal: Signal): Promise<PublicRoomsPage> {
    return fetchPublicRooms(this.client, query, signal);
  }

  /**
   * Whether the homeserver knows the room at all, through the room summary (MSC3266, stable
   * in Synapse). Used only to tell "no such room" from "not readable" after a refusal.
   */
  async roomExists(roomId: string, signal: Signal): Promise<boolean | undefined> {
    try {
      const raw = await this.client.get(`/room_summary/${encodeURIComponent(roomId)}`, { endpoint: 'summary', prefix: V1, signal });
      return isRecord(raw) && raw['room_id'] === roomId;
    } catch (error) {
      if (error instanceof MatrixApiError) return error.httpStatus === 403 ? true : error.httpStatus === 404 || error.errcode === 'M_UNKNOWN' ? false : undefined;
      return undefined;
    }
  }
}
