import { isRecord, type MatrixEvent } from '../matrix/events.js';
import { isRoomAlias } from '../matrix/ids.js';
import { optionalString } from '../matrix/wellformed.js';

const validAlias = (value: unknown): string | undefined => (typeof value === 'string' && isRoomAlias(value) ? value : undefined);

export interface Profile {
  displayName: string | undefined;
  avatarUrl: string | undefined;
}

export interface PowerLevels {
  users: Record<string, number>;
  usersDefault: number;
  eventsDefault: number;
  stateDefault: number;
  ban: number;
  kick: number;
  redact: number;
  invite: number;
  events: Record<string, number>;
  notifications: Record<string, number>;
}

/**
 * The parts of a room's current state the pages show, every field checked. Members are not
 * part of it: a cold room never loads its member list (see rooms/members.ts).
 */
export interface RoomState {
  roomId: string;
  name: string | undefined;
  topic: string | undefined;
  avatarUrl: string | undefined;
  canonicalAlias: string | undefined;
  altAliases: string[];
  joinRule: string | undefined;
  historyVisibility: string | undefined;
  /** Who set the current history visibility, and when (ms): why the room is readable here. */
  historyVisibilitySetBy: string | undefined;
  historyVisibilitySetAt: number | undefined;
  guestAccess: string | undefined;
  encryption: string | undefined;
  roomVersion: string;
  roomType: string | undefined;
  creator: string | undefined;
  createdAt: number | undefined;
  predecessor: { roomId: string; eventId: string | undefined } | undefined;
  tombstone: { replacementRoom: string; body: string | undefined } | undefined;
  powerLevels: PowerLevels;
  /** Widget and layout state events, kept raw for the widgets view model. */
  widgetEvents: MatrixEvent[];
  /** `m.space.child` events with a `via` list: the children of a space. */
  spaceChildren: MatrixEvent[];
  /** Event IDs of the pinned messages (`m.room.pinned_events`), oldest pin first. */
  pinned: string[];
}

/** Widget state (Element's and the spec's type) and Element's layout of it. */
const WIDGET_STATE_TYPES = new Set(['im.vector.modular.widgets', 'm.widget', 'io.element.widgets.layout']);

const int = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isInteger(value) ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : fallback;

function intMap(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (!isRecord(value)) return out;
  for (const [key, level] of Object.entries(value)) {
    const n = int(level, NaN);
    if (Number.isFinite(n)) out[key] = n;
  }
  return out;
}

/**
 * Power levels with the spec's defaults for missing keys. Without any power-levels event
 * the creator has 100 (spec: "the room creator has a power level of 100"); from room v12 on,
 * creators have infinite power and are left out of `users`, which the info page explains.
 */
export function parsePowerLevels(content: Record<string, unknown> | undefined, creator: string | undefined): PowerLevels {
  if (!content) {
    return {
      users: creator ? { [creator]: 100 } : {},
      usersDefault: 0,
      eventsDefault: 0,
      stateDefault: 0,
      ban: 50,
      kick: 50,
      redact: 50,
      invite: 0,
      events: {},
      notifications: { room: 50 },
    };
  }
  return {
    users: intMap(content['users']),
    usersDefault: int(content['users_default'], 0),
    eventsDefault: int(content['events_default'], 0),
    stateDefault: int(content['state_default'], 50),
    ban: int(content['ban'], 50),
    kick: int(content['kick'], 50),
    redact: int(content['redact'], 50),
    invite: int(content['invite'], 0),
    events: intMap(content['events']),
    notifications: { room: 50, ...intMap(content['notifications']) },
  };
}

export function stateKeyed(events: readonly MatrixEvent[]): Map<string, MatrixEvent> {
  const map = new Map<string, MatrixEvent>();
  for (const event of events) {
    if (event.state_key === undefined) continue;
    map.set(`${event.type}\u0000${event.state_key}`, event);
  }
  return map;
}

export function parseRoomState(roomId: string, events: readonly MatrixEvent[]): RoomState {
  const byKey = stateKeyed(events);
  const content = (type: string, stateKey = ''): Record<string, unknown> | undefined => byKey.get(`${type}\u0000${stateKey}`)?.content;
  const create = byKey.get('m.room.create\u0000');
  const createContent = create?.content ?? {};
  const roomVersion = optionalString(createContent['room_version']) ?? '1';
  const creator = optionalString(createContent['creator']) ?? create?.sender;
  const predecessor = isRecord(createContent['predecessor']) ? createContent['predecessor'] : undefined;
  const aliases = content('m.room.canonical_alias');
  const tombstone = content('m.room.tombstone');
  const visibility = byKey.get('m.room.history_visibility\u0000');
  const widgetEvents: MatrixEvent[] = [];
  const spaceChildren: MatrixEvent[] = [];
  for (const event of byKey.values()) {
    if (WIDGET_STATE_TYPES.has(event.type)) {
      widgetEvents.push(event);
    } else if (event.type === 'm.space.child' && Array.isArray(event.content['via']) && event.content['via'].length > 0) {
      spaceChildren.push(event);
    }
  }
  return {
    roomId,
    name: optionalString(content('m.room.name')?.['name']),
    topic: optionalString(content('m.room.topic')?.['topic']),
    avatarUrl: optionalString(content('m.room.avatar')?.['url']),
    // Every link of the room is built from its alias: one that breaks the grammar is ignored.
    canonicalAlias: validAlias(aliases?.['alias']),
    altAliases: Array.isArray(aliases?.['alt_aliases']) ? aliases['alt_aliases'].filter((a): a is string => validAlias(a) !== undefined) : [],
    joinRule: optionalString(content('m.room.join_rules')?.['join_rule']),
    historyVisibility: optionalString(visibility?.content['history_visibility']),
    historyVisibilitySetBy: visibility?.sender,
    historyVisibilitySetAt: visibility?.origin_server_ts,
    guestAccess: optionalString(content('m.room.guest_access')?.['guest_access']),
    encryption: optionalString(content('m.room.encryption')?.['algorithm']),
    roomVersion,
    roomType: optionalString(createContent['type']),
    creator,
    createdAt: create?.origin_server_ts,
    predecessor: predecessor && typeof predecessor['room_id'] === 'string'
      ? { roomId: predecessor['room_id'], eventId: optionalString(predecessor['event_id']) }
      : undefined,
    tombstone: tombstone && typeof tombstone['replacement_room'] === 'string'
      ? { replacementRoom: tombstone['replacement_room'], body: optionalString(tombstone['body']) }
      : undefined,
    powerLevels: parsePowerLevels(content('m.room.power_levels'), creator),
    widgetEvents,
    spaceChildren,
    pinned: pinnedOf(content('m.room.pinned_events')),
  };
}

const EVENT_ID = /^\$[^\s/?#]{1,255}$/;

function pinnedOf(content: Record<string, unknown> | undefined): string[] {
  const pinned = content?.['pinned'];
  if (!Array.isArray(pinned)) return [];
  return [...new Set(pinned.filter((id): id is string => typeof id === 'string' && EVENT_ID.test(id)))].slice(-50);
}
