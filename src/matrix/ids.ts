/**
 * Grammar checks for the identifiers that arrive in URLs. Anything that fails them is a 400
 * before any call to the homeserver is made.
 */

const LABEL = String.raw`[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?`;
/**
 * A server name: a DNS name (or IPv4 address) of dot-separated labels, or an `[IPv6]` literal,
 * with an optional port. The one grammar for every place a server is named: room and event
 * IDs, aliases, `mxc://` URIs, `?server=` and the media routes. It is stricter than the spec's
 * `1*255 dns-char` (no empty label, none that begins or ends with `-`): such a name reaches no
 * server, and refusing it at the edge costs nothing. Whole values stay within 255 characters.
 */
export const SERVER_NAME = String.raw`(?:${LABEL}(?:\.${LABEL})*|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?`;
const SERVER_ONLY = new RegExp(`^${SERVER_NAME}$`);
/** Room IDs before v12 are `!opaque:server`; from v12 on, `!` and an unpadded url-safe hash. */
const ROOM_ID = new RegExp(String.raw`^![A-Za-z0-9._~+/=\-]{1,255}(?::${SERVER_NAME})?$`);
const ALIAS = new RegExp(String.raw`^#[^\s:#]{1,255}:${SERVER_NAME}$`);
/** v1/v2 rooms: `$opaque:server`; v3: standard base64 with + and /; v4+: url-safe base64. */
const EVENT_ID = new RegExp(String.raw`^\$[A-Za-z0-9._~+/=\-]{1,255}(?::${SERVER_NAME})?$`);

export function isServerName(value: string): boolean {
  return value.length <= 255 && SERVER_ONLY.test(value);
}

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
