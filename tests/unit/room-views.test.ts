import { describe, expect, it } from 'vitest';
import type { MatrixEvent } from '../../src/matrix/events.js';
import { rollBack, rollForward } from '../../src/rooms/profiles.js';
import { parsePowerLevels, parseRoomState } from '../../src/rooms/state.js';
import { buildInfo } from '../../src/view/info.js';
import { topServers } from '../../src/rooms/members.js';
import { membersPage } from '../../src/view/members.js';
import { nameOrdered } from '../support/member-list.js';
import { recordedState, recorded } from '../support/recorded.js';
import { parseEvents } from '../../src/matrix/events.js';

function member(userId: string, displayname: string | undefined, prev?: Record<string, unknown>): MatrixEvent {
  return {
    event_id: `$m-${userId}-${displayname}`,
    type: 'm.room.member',
    state_key: userId,
    sender: userId,
    origin_server_ts: 1,
    content: { membership: 'join', ...(displayname ? { displayname } : {}) },
    ...(prev ? { unsigned: { prev_content: prev } } : {}),
  };
}

describe('room state from recorded /state', () => {
  const state = parseRoomState('!lobby:localhost', recordedState('lobby-state'));

  it('reads name, topic, aliases, rules, version, creator and members', async () => {
    expect(state.name).toBe('Lobby');
    expect(state.canonicalAlias).toBe('#lobby:localhost');
    expect(state.historyVisibility).toBe('world_readable');
    expect(state.guestAccess).toBe('can_join');
    expect(state.roomVersion).toBe('11');
    expect(state.creator).toMatch(/^@seeder:/);
    expect(await topServers(new Map([['localhost', recordedState('lobby-state').filter((e) => e.type === 'm.room.member').length]]), 50)).toEqual(['localhost']);
    expect(state.avatarUrl).toMatch(/^mxc:\/\//);
  });

  it('fills in the spec’s defaults for missing power-level keys', () => {
    const levels = parsePowerLevels({ users: { '@a:x': 100, '@b:x': '50', '@c:x': 'lots' } }, '@a:x');
    expect(levels.users).toEqual({ '@a:x': 100, '@b:x': 50 });
    expect(levels).toMatchObject({ usersDefault: 0, eventsDefault: 0, stateDefault: 50, ban: 50, kick: 50, redact: 50, invite: 0 });
    expect(levels.notifications['room']).toBe(50);
    const none = parsePowerLevels(undefined, '@creator:x');
    expect(none.users).toEqual({ '@creator:x': 100 });
    expect(none.stateDefault).toBe(0);
  });

  it('builds the details page rows', () => {
    const info = buildInfo(state, new Map(), { joinedCount: 4, servers: ['localhost'], listedOf: undefined });
    const rows = Object.fromEntries(info.rows.map((r) => [r.label, r.value]));
    expect(rows['Room ID']).toBe('!lobby:localhost');
    expect(rows['Who can join']).toBe('Anyone can join');
    expect(rows['Encryption']).toBe('Not encrypted');
    expect(info.actionLevels.find((r) => r.label === 'Ban')?.level).toBe(50);
    expect(info.userLevels[0]?.level).toBe(100);
    expect(info.creatorsNote).toBeUndefined();
    expect(buildInfo({ ...state, roomVersion: '12' }, new Map(), { joinedCount: 4, servers: [], listedOf: undefined }).creatorsNote).toMatch(/unlimited power/);
  });
});

describe('members', () => {
  it('sorts by power level, then name, and labels roles', () => {
    const events = parseEvents((recorded('lobby-members') as { chunk: unknown }).chunk);
    const state = parseRoomState('!lobby:localhost', recordedState('lobby-state'));
    const members = membersPage(nameOrdered(events), state.powerLevels, '#lobby:localhost', 1, 100).members;
    expect(members[0]?.role).toBe('Administrator');
    const rest = members.slice(1).map((m) => m.name);
    expect(rest).toEqual([...rest].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
  });

  it('paginates with links both ways', () => {
    const many = Array.from({ length: 25 }, (_, i) => member(`@u${String(i).padStart(2, '0')}:x`, `User ${String(i).padStart(2, '0')}`));
    const all = nameOrdered(many);
    const none = parsePowerLevels({}, undefined);
    const page2 = membersPage(all, none, '#room:x', 2, 10);
    expect(page2.members.map((m) => m.name)[0]).toBe('User 10');
    expect(page2.prevHref).toBe('/room/room:x/members');
    expect(page2.nextHref).toBe('/room/room:x/members?page=3');
    expect(membersPage(all, none, '#room:x', 99, 10).page).toBe(3);
  });

  it('never shows control or direction-override characters in names', () => {
    const [shown] = membersPage(nameOrdered([member('@evil:x', 'Ev\u202eil\u0000 name')]), parsePowerLevels({}, undefined), '#r:x', 1, 10).members;
    expect(shown?.name).not.toMatch(/[\u0000-\u001f\u202a-\u202e]/);
    expect(shown?.name.replace(/\s+/g, '')).toBe('Evilname');
  });
});

describe('member state along the timeline', () => {
  it('rolls back display-name changes to what they were before later events', () => {
    const now = [member('@bob:x', 'Robert')];
    const later = [member('@bob:x', 'Robert', { membership: 'join', displayname: 'Bob' })];
    expect(rollBack(now, later).map((e) => e.content['displayname'])).toEqual(['Bob']);
    const joinedLater = [member('@new:x', 'Newcomer')];
    expect(rollBack([...now, ...joinedLater], joinedLater).map((e) => e.state_key)).toEqual(['@bob:x']);
  });

  it('rolls forward over a page’s member events', () => {
    const start = [member('@bob:x', 'Bob')];
    expect(rollForward(start, [member('@bob:x', 'Robert')]).map((e) => e.content['displayname'])).toEqual(['Robert']);
  });
});
