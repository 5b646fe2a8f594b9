import { parsePublicRoom, type PublicRoom } from './directory.js';
import { BadGateway } from '../errors.js';
import { isRecord, parseEvent, parseEvents, type MatrixEvent } from './events.js';
import { optionalString, wellFormedText } from './wellformed.js';

/**
 * The room answers' shapes, and the pure parsers that check them: a body of the wrong shape
 * is a BadGateway, so that a garbage answer never reaches the cache.
 */

/** Tokens too are made well-formed: they come back to us in links. */

export interface TimelineChunk {
  /** Chronological, oldest first, whatever the direction of the request. */
  events: MatrixEvent[];
  /** Token for the position before the oldest event (to page backwards). */
  start: string | undefined;
  /** Token for the position after the newest event (to page forwards). */
  end: string | undefined;
  /** Member events of the senders, as lazy loading returns them. */
  state: MatrixEvent[];
}

export interface EventContext {
  event: MatrixEvent;
  before: MatrixEvent[];
  after: MatrixEvent[];
  start: string | undefined;
  end: string | undefined;
  state: MatrixEvent[];
}

export interface MemberChunk {
  events: MatrixEvent[];
  /** False when the answer passed the byte bound and only its first members are here. */
  complete: boolean;
}

export interface RelationsPage {
  events: MatrixEvent[];
  nextBatch: string | undefined;
}

/**
 * A room in a space's hierarchy: the directory's summary of it. Its `children_state` (stripped
 * events, without event IDs) is not read: the pages list children, not their child links.
 */
export type HierarchyRoom = PublicRoom;

export interface HierarchyPage {
  rooms: HierarchyRoom[];
  nextBatch: string | undefined;
}

export function shapeError(what: string): BadGateway {
  return new BadGateway(`${what} answered with an unexpected shape`);
}

export function parseMessages(raw: unknown, dir: 'b' | 'f'): TimelineChunk {
  if (!isRecord(raw) || !Array.isArray(raw['chunk'])) throw shapeError('messages');
  const events = parseEvents(raw['chunk']);
  if (dir === 'b') events.reverse();
  const from = optionalString(raw['start']);
  const to = optionalString(raw['end']);
  return {
    events,
    // For dir=b the server's `end` is the older edge; for dir=f it is the newer one.
    start: dir === 'b' ? to : from,
    end: dir === 'b' ? from : to,
    state: parseEvents(raw['state']),
  };
}

export function parseContext(raw: unknown): EventContext {
  if (!isRecord(raw)) throw shapeError('context');
  const event = parseEvent(raw['event']);
  if (!event) throw shapeError('context');
  return {
    event,
    before: parseEvents(raw['events_before']).reverse(),
    after: parseEvents(raw['events_after']),
    start: optionalString(raw['start']),
    end: optionalString(raw['end']),
    state: parseEvents(raw['state']),
  };
}

export function parseStateList(raw: unknown): MatrixEvent[] {
  if (!Array.isArray(raw)) throw shapeError('state');
  return parseEvents(raw);
}

export function parseRelations(raw: unknown): RelationsPage {
  if (!isRecord(raw) || !Array.isArray(raw['chunk'])) throw shapeError('relations');
  return { events: parseEvents(raw['chunk']), nextBatch: optionalString(raw['next_batch']) };
}

export function parseHierarchy(raw: unknown): HierarchyPage {
  if (!isRecord(raw) || !Array.isArray(raw['rooms'])) throw shapeError('hierarchy');
  const rooms: HierarchyRoom[] = [];
  for (const entry of raw['rooms']) {
    const room = parsePublicRoom(entry);
    if (room) rooms.push(room);
  }
  return { rooms, nextBatch: optionalString(raw['next_batch']) };
}

/**
 * One element of a member list, checked as it arrives. `unsigned` (a leave's prev_content,
 * ages) is dropped: nothing reads it from a list, and it is much of a big list's weight.
 */
export function parseMemberEvent(raw: unknown): MatrixEvent | undefined {
  const event = parseEvent(raw);
  if (!event) return undefined;
  delete event.unsigned;
  return event;
}
