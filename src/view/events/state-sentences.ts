/**
 * State events as sentences built from parts (text, names, links), which the template
 * escapes: room name, topic, avatar, rules, power levels, creation, aliases, encryption,
 * widgets, upgrades and space children. Membership is in membership.ts.
 */
import { isRecord, type MatrixEvent } from '../../matrix/events.js';
import { roomPath } from '../urls.js';
import { describeWidgetEvent, isWidgetEventType } from '../widgets.js';
import { cleanLine } from './format.js';
import { membershipSentence } from './membership.js';
import type { ProfileHistory } from './profiles.js';
import type { SentencePart } from './types.js';

type Content = Record<string, unknown>;
const text = (value: string): SentencePart => ({ text: value });
const name = (value: string): SentencePart => ({ name: value });

const prevOf = (event: MatrixEvent): Content => {
  const prev = event.unsigned?.['prev_content'];
  return isRecord(prev) ? prev : {};
};

const ROOM_ID = /^![^\s/?#]{1,255}$/;

function roomLink(roomId: unknown, label: string): SentencePart {
  return typeof roomId === 'string' && ROOM_ID.test(roomId) ? { link: roomPath(roomId), text: label, external: false } : text(label);
}

function nameChange(event: MatrixEvent, field: 'name' | 'topic', what: string, max: number): SentencePart[] {
  const value = cleanLine(event.content[field], max);
  const before = cleanLine(prevOf(event)[field], max);
  if (value === null) return [text(` removed the ${what}`)];
  return [text(` ${before === null ? 'set' : 'changed'} the ${what} to “`), text(value), text('”')];
}

const JOIN_RULES: Record<string, string> = {
  public: ' made the room public: anyone can join',
  invite: ' made the room invite only',
  knock: ' made the room open to requests to join',
  restricted: ' made the room joinable by members of other rooms or spaces',
  knock_restricted: ' made the room joinable by members of other spaces, and open to requests to join',
  private: ' made the room private',
};

const VISIBILITY: Record<string, string> = {
  world_readable: ' made the history of the room readable by anyone',
  shared: ' made the history of the room readable by all members',
  invited: ' made the history of the room readable by members since they were invited',
  joined: ' made the history of the room readable by members since they joined',
};

function levels(content: Content): { users: Map<string, number>; usersDefault: number } {
  const int = (value: unknown): number | null =>
    typeof value === 'number' && Number.isInteger(value) ? value : typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : null;
  const users = new Map<string, number>();
  if (isRecord(content['users'])) {
    for (const [userId, level] of Object.entries(content['users'])) {
      const n = int(level);
      if (n !== null) users.set(userId, n);
    }
  }
  return { users, usersDefault: int(content['users_default']) ?? 0 };
}

/** The user IDs a power-levels event speaks of, so their names at the event can be found. */
export function powerLevelUsers(event: MatrixEvent): string[] {
  if (event.type !== 'm.room.power_levels') return [];
  return [...new Set([...levels(event.content).users.keys(), ...levels(prevOf(event)).users.keys()])].slice(0, 50);
}

const MAX_LEVEL_CHANGES = 10;

function powerLevels(event: MatrixEvent, profiles: ProfileHistory, sender: SentencePart): SentencePart[] {
  const now = levels(event.content);
  const before = levels(prevOf(event));
  const parts: SentencePart[] = [sender];
  const changed = powerLevelUsers(event)
    .map((userId) => ({ userId, from: before.users.get(userId) ?? before.usersDefault, to: now.users.get(userId) ?? now.usersDefault }))
    .filter(({ from, to }) => from !== to);
  changed.slice(0, MAX_LEVEL_CHANGES).forEach(({ userId, from, to }, i) => {
    parts.push(text(i === 0 ? ' changed the power level of ' : ', and of '), name(profiles.name(userId, event)), text(` from ${from} to ${to}`));
  });
  if (changed.length > MAX_LEVEL_CHANGES) parts.push(text(`, and of ${changed.length - MAX_LEVEL_CHANGES} more users`));
  const strip = (content: Content): string => JSON.stringify({ ...content, users: undefined, users_default: undefined });
  const otherChanges = strip(event.content) !== strip(prevOf(event)) || now.usersDefault !== before.usersDefault;
  if (changed.length === 0) parts.push(text(' changed the power levels of the room'));
  else if (otherChanges) parts.push(text(', and changed other power levels'));
  return parts;
}

function aliasList(content: Content): string[] {
  const alt = content['alt_aliases'];
  if (!Array.isArray(alt)) return [];
  return [...new Set(alt.map((alias) => cleanLine(alias)).filter((alias): alias is string => alias !== null))];
}

/** "…address #a" or "…addresses #a, #b and #c" (at most five named). */
function addresses(what: string, list: string[]): SentencePart[] {
  const shown = list.slice(0, 5);
  const parts: SentencePart[] = [text(` ${what} ${list.length === 1 ? 'address' : 'addresses'} `)];
  shown.forEach((alias, i) => {
    if (i > 0) parts.push(text(i === shown.length - 1 && list.length <= 5 ? ' and ' : ', '));
    parts.push({ code: alias });
  });
  if (list.length > 5) parts.push(text(` and ${list.length - 5} more`));
  return parts;
}

/** Which of the main and the alternative addresses changed, and to what. */
function canonicalAlias(event: MatrixEvent): SentencePart[] {
  const alias = cleanLine(event.content['alias']);
  const before = cleanLine(prevOf(event)['alias']);
  const alt = aliasList(event.content);
  const altBefore = aliasList(prevOf(event));
  const clauses: SentencePart[][] = [];
  if (alias !== null && alias !== before) clauses.push([text(` ${before === null ? 'set' : 'changed'} the main address of this room to `), { code: alias }]);
  if (alias === null && before !== null) clauses.push([text(' removed the main address of this room, '), { code: before }]);
  const added = alt.filter((a) => !altBefore.includes(a));
  const removed = altBefore.filter((a) => !alt.includes(a));
  if (added.length > 0) clauses.push(addresses('added the alternative', added));
  if (removed.length > 0) clauses.push(addresses('removed the alternative', removed));
  if (clauses.length === 0) return [text(' made no change to the addresses of this room')];
  return clauses.flatMap((clause, i) => (i === 0 ? clause : [text(i === clauses.length - 1 ? ', and' : ','), ...clause]));
}

function widget(event: MatrixEvent, roomId: string): SentencePart[] {
  const change = describeWidgetEvent(event, roomId);
  if (!change) return [text(' changed a widget')];
  const widgetName: SentencePart = change.widget?.href ? { link: change.widget.href, text: change.name, external: !change.widget.href.startsWith('/') } : name(change.name);
  const kind = change.kindLabel ? ` (${change.kindLabel})` : '';
  return [text(` ${change.action} the widget `), widgetName, text(kind)];
}

function spaceChild(event: MatrixEvent): SentencePart[] {
  const via = event.content['via'];
  const added = Array.isArray(via) && via.some((server) => typeof server === 'string');
  return added
    ? [text(' added '), roomLink(event.state_key, 'a room'), text(' to this space')]
    : [text(' removed a room from this space')];
}

/**
 * The sentence for a state event, or null when the type has no sentence (the caller shows
 * a neutral line). The sender's name is the first part of every sentence but the tombstone's.
 */
export function stateSentence(event: MatrixEvent, profiles: ProfileHistory, roomId: string): SentencePart[] | null {
  const sender = name(profiles.name(event.sender, event));
  const content = event.content;
  const with_ = (parts: SentencePart[]): SentencePart[] => [sender, ...parts];
  switch (event.type) {
    case 'm.room.member':
      return membershipSentence(event, profiles);
    case 'm.room.create': {
      const predecessor = isRecord(content['predecessor']) ? content['predecessor']['room_id'] : undefined;
      const parts = with_([text(' created the room')]);
      return predecessor === undefined ? parts : [...parts, text(', an upgrade of '), roomLink(predecessor, 'the previous room')];
    }
    case 'm.room.name':
      return with_(nameChange(event, 'name', 'room name', 200));
    case 'm.room.topic':
      return with_(nameChange(event, 'topic', 'topic', 300));
    case 'm.room.avatar':
      return with_([text(typeof content['url'] === 'string' && content['url'] !== '' ? ' changed the room avatar' : ' removed the room avatar')]);
    case 'm.room.join_rules': {
      const rule = content['join_rule'];
      const sentence = typeof rule === 'string' ? JOIN_RULES[rule] : undefined;
      return with_([text(sentence ?? ` changed the join rule to “${cleanLine(rule, 50) ?? 'unknown'}”`)]);
    }
    case 'm.room.history_visibility': {
      const value = content['history_visibility'];
      const sentence = typeof value === 'string' ? VISIBILITY[value] : undefined;
      return with_([text(sentence ?? ' changed who can read the history of the room')]);
    }
    case 'm.room.guest_access':
      return with_([text(content['guest_access'] === 'can_join' ? ' allowed guests to join the room' : ' prevented guests from joining the room')]);
    case 'm.room.power_levels':
      return powerLevels(event, profiles, sender);
    case 'm.room.canonical_alias':
      return with_(canonicalAlias(event));
    case 'm.room.encryption':
      return with_([text(' turned on end-to-end encryption; later messages cannot be shown here')]);
    case 'm.room.pinned_events':
      return with_([text(' changed the pinned messages')]);
    case 'm.room.server_acl':
      return with_([text(' changed the servers allowed to take part')]);
    case 'm.room.third_party_invite':
      return with_([text(' invited '), name(cleanLine(content['display_name'], 100) ?? 'someone'), text(' by e-mail or another identifier')]);
    case 'm.room.tombstone':
      return [
        text('This room has been replaced'),
        ...(typeof content['replacement_room'] === 'string' && ROOM_ID.test(content['replacement_room'])
          ? [text(': '), roomLink(content['replacement_room'], 'go to the new room')]
          : []),
        ...(cleanLine(content['body']) ? [text(` (“${cleanLine(content['body'])}”)`)] : []),
      ];
    case 'm.space.child':
      return with_(spaceChild(event));
    case 'm.space.parent':
      return with_([text(' changed the spaces this room belongs to')]);
    default:
      if (isWidgetEventType(event.type)) return with_(widget(event, roomId));
      return null;
  }
}
