/**
 * The envelope of a Matrix event, as checked at the edge. Everything from the homeserver is
 * untrusted: the envelope fields are verified here, `content` is only known to be an object
 * (anything else becomes `{}`), and every reader of `content` must check each field it uses.
 */
import { wellFormedJson } from './wellformed.js';

export interface MatrixEvent {
  event_id: string;
  type: string;
  sender: string;
  origin_server_ts: number;
  room_id?: string;
  state_key?: string;
  redacts?: string;
  content: Record<string, unknown>;
  unsigned?: Record<string, unknown>;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns the event if its envelope is well-formed, else null. Never throws. Every string in
 * it, content and unsigned included, is made well-formed first (wellformed.ts).
 */
export function parseEvent(raw: unknown): MatrixEvent | null {
  if (!isRecord(raw)) return null;
  wellFormedJson(raw);
  const { event_id, type, sender, origin_server_ts, room_id, state_key, redacts, content, unsigned } = raw;
  if (typeof event_id !== 'string' || typeof type !== 'string' || typeof sender !== 'string') return null;
  if (typeof origin_server_ts !== 'number' || !Number.isFinite(origin_server_ts)) return null;
  const event: MatrixEvent = { event_id, type, sender, origin_server_ts, content: isRecord(content) ? content : {} };
  if (typeof room_id === 'string') event.room_id = room_id;
  if (typeof state_key === 'string') event.state_key = state_key;
  // Since room version 11, `redacts` lives in content; older rooms have it at the top level.
  const redactsId = typeof redacts === 'string' ? redacts : event.content['redacts'];
  if (typeof redactsId === 'string') event.redacts = redactsId;
  if (isRecord(unsigned)) event.unsigned = unsigned;
  return event;
}

/** Parses a list, dropping malformed entries rather than failing the whole page. */
export function parseEvents(raw: unknown): MatrixEvent[] {
  if (!Array.isArray(raw)) return [];
  const events: MatrixEvent[] = [];
  for (const item of raw) {
    const event = parseEvent(item);
    if (event) events.push(event);
  }
  return events;
}
