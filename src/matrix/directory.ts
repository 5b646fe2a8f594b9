import type { HomeserverClient } from './client.js';
import { BadGateway } from '../errors.js';
import { isRecord } from './events.js';
import { isRoomAlias, isRoomId } from './ids.js';
import { optionalString, wellFormedJson } from './wellformed.js';

/** One entry of `/publicRooms`, every field checked: the directory is untrusted input. */
export interface PublicRoom {
  roomId: string;
  name: string | undefined;
  topic: string | undefined;
  canonicalAlias: string | undefined;
  avatarUrl: string | undefined;
  memberCount: number;
  worldReadable: boolean;
  guestCanJoin: boolean;
  joinRule: string | undefined;
  roomType: string | undefined;
}

export interface PublicRoomsPage {
  rooms: PublicRoom[];
  nextBatch: string | undefined;
  prevBatch: string | undefined;
  totalEstimate: number | undefined;
}

export interface PublicRoomsQuery {
  server?: string | undefined;
  search?: string | undefined;
  since?: string | undefined;
  limit: number;
}

/** Null for an entry without a valid room ID: it could not be opened. Strings are made well-formed. */
export function parsePublicRoom(raw: unknown): PublicRoom | null {
  if (!isRecord(raw)) return null;
  wellFormedJson(raw);
  if (typeof raw['room_id'] !== 'string' || !isRoomId(raw['room_id'])) return null;
  const alias = optionalString(raw['canonical_alias']);
  const members = raw['num_joined_members'];
  return {
    roomId: raw['room_id'],
    name: optionalString(raw['name']),
    topic: optionalString(raw['topic']),
    canonicalAlias: alias !== undefined && isRoomAlias(alias) ? alias : undefined,
    avatarUrl: optionalString(raw['avatar_url']),
    memberCount: typeof members === 'number' && Number.isInteger(members) && members >= 0 ? members : 0,
    worldReadable: raw['world_readable'] === true,
    guestCanJoin: raw['guest_can_join'] === true,
    joinRule: optionalString(raw['join_rule']),
    roomType: optionalString(raw['room_type']),
  };
}

export function parsePublicRoomsPage(raw: unknown): PublicRoomsPage {
  if (!isRecord(raw) || !Array.isArray(raw['chunk'])) throw new BadGateway('publicRooms answered without a chunk');
  wellFormedJson(raw);
  const rooms: PublicRoom[] = [];
  for (const entry of raw['chunk']) {
    const room = parsePublicRoom(entry);
    if (room) rooms.push(room);
  }
  const total = raw['total_room_count_estimate'];
  return {
    rooms,
    nextBatch: optionalString(raw['next_batch']),
    prevBatch: optionalString(raw['prev_batch']),
    totalEstimate: typeof total === 'number' ? total : undefined,
  };
}

/** POST is the only form of `/publicRooms` that takes a search filter. */
export async function fetchPublicRooms(client: HomeserverClient, query: PublicRoomsQuery, signal?: AbortSignal): Promise<PublicRoomsPage> {
  const body: Record<string, unknown> = { limit: query.limit };
  if (query.since) body['since'] = query.since;
  if (query.search) body['filter'] = { generic_search_term: query.search };
  const raw = await client.post('/publicRooms', {
    endpoint: 'publicRooms',
    query: { server: query.server },
    body,
    signal,
  });
  return parsePublicRoomsPage(raw);
}
