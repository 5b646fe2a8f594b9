import type { PublicRoomsPage, PublicRoomsQuery } from '../matrix/directory.js';
import type { MatrixEvent } from '../matrix/events.js';
import type { EventContext, HierarchyPage, MemberChunk, RelationsPage, TimelineChunk } from '../matrix/room-answers.js';

type Signal = AbortSignal | undefined;

/**
 * What rooms/ asks of the homeserver, as an interface: matrix/'s RoomApi and the directory
 * call implement it, and tests give fakes of the part a class uses, without casts. Each
 * class names only the calls it makes (the `Pick`s below).
 */
export interface Homeserver {
  /** Guests may not call timestamp_to_event. */
  readonly isGuest: boolean;
  state(roomId: string, signal: Signal): Promise<MatrixEvent[]>;
  /** The non-member state at an event (Synapse's /context with lazily loaded members). */
  stateAt(roomId: string, eventId: string, signal: Signal): Promise<MatrixEvent[]>;
  /** The current non-member state, never the member list. */
  currentState(roomId: string, signal: Signal): Promise<MatrixEvent[]>;
  historyVisibility(roomId: string, signal: Signal): Promise<string | undefined>;
  /** Joined members in all, from the room summary, where the homeserver has one. */
  joinedMembers(roomId: string, signal: Signal): Promise<number | undefined>;
  messages(roomId: string, from: string | undefined, dir: 'b' | 'f', limit: number, signal: Signal): Promise<TimelineChunk>;
  context(roomId: string, eventId: string, limit: number, signal: Signal): Promise<EventContext>;
  event(roomId: string, eventId: string, signal: Signal): Promise<MatrixEvent>;
  members(roomId: string, signal: Signal): Promise<MemberChunk>;
  member(roomId: string, userId: string, signal: Signal): Promise<MatrixEvent | undefined>;
  relations(roomId: string, eventId: string, relType: string, options: { from?: string | undefined; limit: number; dir?: 'b' | 'f' }, signal: Signal): Promise<RelationsPage>;
  hierarchy(roomId: string, from: string | undefined, limit: number, signal: Signal): Promise<HierarchyPage>;
  resolveAlias(alias: string, signal: Signal): Promise<string | undefined>;
  timestampToEvent(roomId: string, ts: number, dir: 'b' | 'f', signal: Signal): Promise<{ eventId: string; ts: number } | undefined>;
  isPublished(roomId: string, signal: Signal): Promise<boolean>;
  roomExists(roomId: string, signal: Signal): Promise<boolean | undefined>;
  publicRooms(query: PublicRoomsQuery, signal: Signal): Promise<PublicRoomsPage>;
}

/** Snapshots: the cold load, catching up, and telling "unknown" from "unreadable". */
export type SnapshotSource = Pick<Homeserver, 'stateAt' | 'messages' | 'roomExists' | 'isPublished'>;
/** Pages beyond the snapshot: before/after/around an event, threads, members, children, replies. */
export type TimelineSource = Pick<Homeserver, 'context' | 'messages' | 'event' | 'relations' | 'hierarchy' | 'isPublished'> & MemberSource;
/** Member lists for the members and info pages, and single profiles. */
export type MemberSource = Pick<Homeserver, 'members' | 'member' | 'joinedMembers'>;
/** Day pages: the backwards index, or timestamp_to_event for a bot. */
export type DaySource = Pick<Homeserver, 'isGuest' | 'messages' | 'context' | 'timestampToEvent'>;
export type AliasSource = Pick<Homeserver, 'resolveAlias'>;
export type StateSource = Pick<Homeserver, 'currentState'>;
export type DirectorySource = Pick<Homeserver, 'publicRooms'>;
