import type { PublicRoomsPage, PublicRoomsQuery } from '../matrix/directory.js';
import type { MatrixEvent } from '../matrix/events.js';
import type { EventContext, HierarchyPage, InitialSync, RelationsPage, TimelineChunk } from '../matrix/rooms.js';

type Signal = AbortSignal | undefined;

/**
 * What rooms/ asks of the homeserver, as an interface: matrix/'s RoomApi and the directory
 * call implement it, and tests give fakes of the part a class uses, without casts. Each
 * class names only the calls it makes (the `Pick`s below).
 */
export interface Homeserver {
  /** Guests may not call timestamp_to_event. */
  readonly isGuest: boolean;
  initialSync(roomId: string, limit: number, signal: Signal): Promise<InitialSync>;
  state(roomId: string, signal: Signal): Promise<MatrixEvent[]>;
  messages(roomId: string, from: string | undefined, dir: 'b' | 'f', limit: number, signal: Signal): Promise<TimelineChunk>;
  context(roomId: string, eventId: string, limit: number, signal: Signal): Promise<EventContext>;
  event(roomId: string, eventId: string, signal: Signal): Promise<MatrixEvent>;
  members(roomId: string, signal: Signal): Promise<MatrixEvent[]>;
  relations(roomId: string, eventId: string, relType: string, options: { from?: string | undefined; limit: number; dir?: 'b' | 'f' }, signal: Signal): Promise<RelationsPage>;
  hierarchy(roomId: string, from: string | undefined, limit: number, signal: Signal): Promise<HierarchyPage>;
  resolveAlias(alias: string, signal: Signal): Promise<string | undefined>;
  timestampToEvent(roomId: string, ts: number, dir: 'b' | 'f', signal: Signal): Promise<{ eventId: string; ts: number } | undefined>;
  isPublished(roomId: string, signal: Signal): Promise<boolean>;
  roomExists(roomId: string, signal: Signal): Promise<boolean | undefined>;
  publicRooms(query: PublicRoomsQuery, signal: Signal): Promise<PublicRoomsPage>;
}

/** Snapshots: the cold load, catching up, and telling "unknown" from "unreadable". */
export type SnapshotSource = Pick<Homeserver, 'initialSync' | 'state' | 'messages' | 'roomExists'>;
/** Pages beyond the snapshot: before/after/around an event, threads, members, children, replies. */
export type TimelineSource = Pick<Homeserver, 'context' | 'messages' | 'event' | 'relations' | 'members' | 'hierarchy' | 'isPublished'>;
/** Day pages: the backwards index, or timestamp_to_event for a bot. */
export type DaySource = Pick<Homeserver, 'isGuest' | 'messages' | 'context' | 'timestampToEvent'>;
export type AliasSource = Pick<Homeserver, 'resolveAlias'>;
export type StateSource = Pick<Homeserver, 'state'>;
export type DirectorySource = Pick<Homeserver, 'publicRooms'>;
