/**
 * Grammar checks for the identifiers that arrive in URLs. Anything that fails them is a 400
 * before any call to the homeserver is made.
 */

const SERVER = String.raw`(?:[A-Za-z0-9.\-]{1,255}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?`;
/** Room IDs before v12 are `!opaque:server`; from v12 on, `!` and an unpadded url-safe hash. */
const ROOM_ID = new RegExp(String.raw`^![A-Za-z0-9._~+/=\-]{1,255}(?::${SERVER})?$`);
const ALIAS = new RegExp(String.raw`^#[^\s:#]{1,255}:${SERVER}$`);
/** v1/v2 rooms: `$opaque:server`; v3: standard base64 with + and /; v4+: url-safe base64. */
const EVENT_ID = new RegExp(String.raw`^\$[A-Za-z0-9._~+/=\-]{1,255}(?::${SERVER})?$`);

export function isRoomId(value: string): boolean {
  return value.length <= 255 && ROOM_ID.test(value);
}

export function isRoomAlias(value: string): boolean {
  return value.length <= 255 && ALIAS.test(value);
}

export function isEventId(value: string): boolean {
  return value.length <= 255 && EVENT_ID.test(value);
}

export type RoomRef = { kind: 'id'; roomId: string } | { kind: 'alias'; alias: string };

/**
 * Reads the room part of a URL, already percent-decoded: a room ID, `#alias:server`, or
 * `alias:server` without the `#`. Returns null when it is none of them.
 */
export function parseRoomRef(segment: string): RoomRef | null {
  if (segment.startsWith('!')) return isRoomId(segment) ? { kind: 'id', roomId: segment } : null;
  const alias = segment.startsWith('#') ? segment : `#${segment}`;
  return isRoomAlias(alias) ? { kind: 'alias', alias } : null;
}
