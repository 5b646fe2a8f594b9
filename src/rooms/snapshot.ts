import type { MatrixEvent } from '../matrix/events.js';
import type { TimelineChunk } from '../matrix/room-answers.js';
import { parseRoomState, type RoomState } from './state.js';

/**
 * One room as the cache holds it: its current state, the latest window of its timeline, and
 * the member events of the window's senders (the pages work out from these the names and
 * avatars as they were at each event). Snapshots are immutable: a refresh makes a new one.
 */
export interface RoomSnapshot {
  roomId: string;
  state: RoomState;
  /** Non-member state events, kept so that a state change can be applied without refetching. */
  stateEvents: MatrixEvent[];
  /** Chronological, newest last. */
  timeline: MatrixEvent[];
  /** Current member events of the senders in `timeline`, by user ID. */
  members: Map<string, MatrixEvent>;
  /** Where forward pagination continues from. */
  forwardToken: string | undefined;
  /** Bumped whenever anything a page shows may have changed; part of every ETag. */
  version: number;
  /**
   * The room's epoch when the snapshot was made (rooms/epochs.ts): part of the key of every
   * entry derived from the room, so nothing from before a redaction or a change of what may
   * be shown is found again.
   */
  epoch: number;
  /** When that epoch began: pages are never older than this (for Last-Modified). */
  epochSince: number;
  /** Whether the room is in the public directory; undefined when that could not be found out. */
  published: boolean | undefined;
  /** When the newest thing in the snapshot happened (for Last-Modified). */
  lastModified: number;
  loadedAt: number;
  refreshedAt: number;
  /** Set while refreshes fail: pages say the room may be out of date. */
  outdatedSince: number | undefined;
  /** Estimated bytes held, for the cache's maxSize. */
  size: number;
}

/** Enough for a full page even when many events are hidden (reactions, edits, thread replies). */
export const WINDOW_EVENTS = 200;

function sendersOf(events: readonly MatrixEvent[]): Set<string> {
  const senders = new Set<string>();
  for (const event of events) {
    senders.add(event.sender);
    if (event.type === 'm.room.member' && event.state_key) senders.add(event.state_key);
  }
  return senders;
}

export function estimateSize(parts: unknown[]): number {
  // JSON length times two approximates the heap cost of the parsed objects.
  return 2 * parts.reduce<number>((sum, part) => sum + JSON.stringify(part).length, 0) + 2048;
}

function finish(snapshot: Omit<RoomSnapshot, 'size'>): RoomSnapshot {
  return { ...snapshot, size: estimateSize([snapshot.stateEvents, snapshot.timeline, [...snapshot.members.values()]]) };
}

function newestTs(events: readonly MatrixEvent[], fallback: number): number {
  return events.reduce((max, e) => Math.max(max, e.origin_server_ts), fallback);
}

/** Builds a snapshot from the room's full current state and its latest timeline chunk. */
export function buildSnapshot(roomId: string, stateEvents: MatrixEvent[], chunk: TimelineChunk, now: number): RoomSnapshot {
  const timeline = chunk.events.slice(-WINDOW_EVENTS);
  const senders = sendersOf(timeline);
  const members = new Map<string, MatrixEvent>();
  for (const event of [...chunk.state, ...stateEvents]) {
    if (event.type === 'm.room.member' && event.state_key && senders.has(event.state_key)) members.set(event.state_key, event);
  }
  const state = parseRoomState(roomId, stateEvents);
  return finish({
    roomId,
    state,
    stateEvents: stateEvents.filter((e) => e.type !== 'm.room.member'),
    timeline,
    members,
    forwardToken: chunk.end,
    version: 1,
    epoch: 0,
    epochSince: now,
    published: undefined,
    lastModified: newestTs([...timeline, ...stateEvents.filter((e) => e.type !== 'm.room.member')], state.createdAt ?? now),
    loadedAt: now,
    refreshedAt: now,
    outdatedSince: undefined,
  });
}

/** A change of state other than membership (member events carry their own news). */
export function hasStateChange(chunk: TimelineChunk): boolean {
  return chunk.events.some((e) => e.state_key !== undefined && e.type !== 'm.room.member');
}

/**
 * Appends a forward chunk that holds no state changes (the cache refetches state when it
 * does). New senders' member events come from the chunk's lazy-loaded state.
 */
export function appendChunk(snapshot: RoomSnapshot, chunk: TimelineChunk, now: number): RoomSnapshot {
  if (chunk.events.length === 0) {
    return { ...snapshot, forwardToken: chunk.end ?? snapshot.forwardToken, refreshedAt: now, outdatedSince: undefined };
  }
  const known = new Set(snapshot.timeline.map((e) => e.event_id));
  const fresh = chunk.events.filter((e) => !known.has(e.event_id));
  const timeline = applyRedactions([...snapshot.timeline, ...fresh], fresh).slice(-WINDOW_EVENTS);
  const senders = sendersOf(timeline);
  const members = new Map<string, MatrixEvent>();
  for (const [userId, event] of snapshot.members) if (senders.has(userId)) members.set(userId, event);
  // The chunk's lazy state is as of its start; its own member events are newer.
  for (const event of [...chunk.state, ...fresh]) {
    if (event.type === 'm.room.member' && event.state_key && senders.has(event.state_key)) members.set(event.state_key, event);
  }
  return finish({
    ...snapshot,
    timeline,
    members,
    forwardToken: chunk.end ?? snapshot.forwardToken,
    version: snapshot.version + (fresh.length > 0 ? 1 : 0),
    lastModified: newestTs(fresh, snapshot.lastModified),
    refreshedAt: now,
    outdatedSince: undefined,
  });
}

/**
 * A redaction that arrives after its target was cached must remove the target's content from
 * the cache too, not only from the page: the cache must not keep what was taken back.
 */
export function applyRedactions(timeline: MatrixEvent[], incoming: readonly MatrixEvent[]): MatrixEvent[] {
  const redactions = new Map<string, MatrixEvent>();
  for (const event of incoming) if (event.type === 'm.room.redaction' && event.redacts) redactions.set(event.redacts, event);
  if (redactions.size === 0) return timeline;
  return timeline.map((event) => {
    const redaction = redactions.get(event.event_id);
    if (!redaction) return event;
    return { ...event, content: {}, unsigned: { ...event.unsigned, redacted_because: redaction } };
  });
}

/**
 * When a page built from the snapshot last changed, for Last-Modified: its newest content
 * (`contentTs`, the snapshot's by default), but never before the room's epoch began, so a
 * conditional request with If-Modified-Since after a redaction gets the new page, not a 304.
 */
export function lastChanged(snapshot: RoomSnapshot, contentTs = snapshot.lastModified): number {
  return Math.max(contentTs, snapshot.epochSince);
}
