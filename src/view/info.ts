import type { RoomState } from '../rooms/state.js';
import { cleanName, utcDateTime } from './events/format.js';
import { roomLink } from './urls.js';

export interface InfoRow {
  label: string;
  value: string;
  /** A site-relative or matrix.to link for the value. */
  href?: string | undefined;
}

export interface PowerRow {
  label: string;
  level: number;
}

export interface InfoView {
  rows: InfoRow[];
  aliases: string[];
  /** The room has more than one address: they are listed. */
  listAliases: boolean;
  servers: string[];
  serversMore: number;
  /** "a.org, b.org and 3 more", or undefined when none is known. */
  serversLine: string | undefined;
  /** Said when the servers are those of the first members only (the room is too big to list). */
  serversNote: string | undefined;
  /** `label`: the name, with the user ID after it when they differ. */
  userLevels: Array<{ userId: string; name: string; level: number; label: string }>;
  hasUserLevels: boolean;
  actionLevels: PowerRow[];
  creatorsNote: string | undefined;
}

const JOIN_RULES: Record<string, string> = {
  public: 'Anyone can join',
  invite: 'Invite only',
  knock: 'Anyone can ask to join',
  restricted: 'Members of certain other rooms can join',
  knock_restricted: 'Members of certain rooms can join; others can ask',
  private: 'Private',
};

const VISIBILITY: Record<string, string> = {
  world_readable: 'Anyone, without joining (this is why it can be shown here)',
  shared: 'Members, including history from before they joined',
  invited: 'Members, from when they were invited',
  joined: 'Members, from when they joined',
};

const GUEST: Record<string, string> = { can_join: 'Guests can join', forbidden: 'Guests cannot join' };

/** Room versions 12 and later give creators unlimited power instead of a level. */
function creatorsRule(version: string): boolean {
  const n = Number(version);
  return Number.isFinite(n) && n >= 12;
}

/** What the info page knows of the membership: the count, and the servers of the members listed. */
export interface MembershipFacts {
  joinedCount: number | undefined;
  /** The servers with the most members first (those listed, or the first of them). */
  servers: readonly string[];
  /** How many servers in all, when more than `servers` holds. */
  serverCount?: number;
  /** How many members the servers come from, when that is not all of them (the byte bound). */
  listedOf: number | undefined;
}

export function buildInfo(state: RoomState, names: ReadonlyMap<string, string>, membership: MembershipFacts): InfoView {
  const rows: InfoRow[] = [];
  const add = (label: string, value: string | undefined, href?: string): void => {
    if (value !== undefined && value !== '') rows.push({ label, value, href });
  };
  add('Room ID', state.roomId);
  add('Address', state.canonicalAlias);
  add('Type', state.roomType === 'm.space' ? 'Space' : state.roomType ?? 'Room');
  add('Room version', state.roomVersion);
  add('Created', state.createdAt !== undefined ? utcDateTime(state.createdAt) : undefined);
  add('Created by', state.creator ? `${names.get(state.creator) ?? state.creator} (${state.creator})` : undefined);
  add('Who can join', state.joinRule ? JOIN_RULES[state.joinRule] ?? state.joinRule : 'Invite only (no join rule set)');
  add('Who can read the history', state.historyVisibility ? VISIBILITY[state.historyVisibility] ?? state.historyVisibility : undefined);
  add('Guest access', state.guestAccess ? GUEST[state.guestAccess] ?? state.guestAccess : 'Guests cannot join');
  add('Encryption', state.encryption ? `End-to-end encrypted (${state.encryption}); new messages cannot be shown here` : 'Not encrypted');
  if (membership.joinedCount !== undefined) add('Joined members', membership.joinedCount.toLocaleString('en-US'));
  if (state.predecessor) add('Previous room', state.predecessor.roomId, roomLink(state.predecessor.roomId));
  if (state.tombstone) add('Replaced by', state.tombstone.replacementRoom, roomLink(state.tombstone.replacementRoom));

  const pl = state.powerLevels;
  const userLevels = Object.entries(pl.users)
    .map(([userId, level]) => {
      const name = cleanName(names.get(userId)) ?? userId;
      return { userId, name, level, label: name !== userId ? `${name} (${userId})` : name };
    })
    .sort((a, b) => b.level - a.level || a.userId.localeCompare(b.userId));
  const actionLevels: PowerRow[] = [
    { label: 'Default level of new members', level: pl.usersDefault },
    { label: 'Send messages', level: pl.eventsDefault },
    { label: 'Change settings (state events)', level: pl.stateDefault },
    { label: 'Invite', level: pl.invite },
    { label: 'Kick', level: pl.kick },
    { label: 'Ban', level: pl.ban },
    { label: 'Remove others’ messages', level: pl.redact },
    { label: 'Notify the whole room (@room)', level: pl.notifications['room'] ?? 50 },
    ...Object.entries(pl.events)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, level]) => ({ label: `Send ${type}`, level })),
  ];
  const aliases = [state.canonicalAlias, ...state.altAliases].filter((a): a is string => Boolean(a));
  const servers = membership.servers.slice(0, 50);
  const serversMore = Math.max(0, Math.max(membership.serverCount ?? 0, membership.servers.length) - 50);
  return {
    rows,
    aliases: [...new Set(aliases)],
    listAliases: new Set(aliases).size > 1,
    servers,
    serversMore,
    serversLine: servers.length === 0 ? undefined : `${servers.join(', ')}${serversMore > 0 ? ` and ${serversMore} more` : ''}`,
    serversNote:
      membership.listedOf !== undefined
        ? `These are the servers of the first ${membership.listedOf.toLocaleString('en-US')} members only: the room is too big to list them all.`
        : undefined,
    userLevels,
    hasUserLevels: userLevels.length > 0,
    actionLevels,
    creatorsNote: creatorsRule(state.roomVersion)
      ? 'In this room version the room’s creators have unlimited power and are not listed with a level.'
      : undefined,
  };
}
