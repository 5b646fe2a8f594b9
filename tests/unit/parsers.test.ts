/**
 * Every parse… function of matrix/ on an answer recorded from the seeded Synapse
 * (scripts/record-fixtures.ts), and on a body of the wrong shape, which must be a BadGateway
 * so that garbage never reaches a cache.
 */
import { describe, expect, it } from 'vitest';
import { parsePublicRoom, parsePublicRoomsPage } from '../../src/matrix/directory.js';
import { BadGateway } from '../../src/errors.js';
import { parseEvent, parseEvents } from '../../src/matrix/events.js';
import { parseContext, parseHierarchy, parseMessages, parseRelations, parseStateList } from '../../src/matrix/room-answers.js';
import { recorded } from '../support/recorded.js';

const chronological = (events: ReadonlyArray<{ origin_server_ts: number }>): boolean => events.every((e, i) => i === 0 || events[i - 1]!.origin_server_ts <= e.origin_server_ts);

describe('parsers on recorded answers', () => {
  it('parseMessages: a backwards page comes out oldest first, with its tokens and lazy-loaded members', () => {
    for (const name of ['lobby-messages', 'pagination-messages-page', 'widgets-messages']) {
      const raw = recorded(name) as { chunk: unknown[]; state: unknown[] };
      const chunk = parseMessages(raw, 'b');
      expect(chunk.events.length, name).toBe(raw.chunk.length);
      expect(chronological(chunk.events), name).toBe(true);
      expect(chunk.start, name).toBeTruthy();
      expect(chunk.state.every((e) => e.type === 'm.room.member'), name).toBe(true);
      expect(chunk.state.length, name).toBe(raw.state.length);
    }
    // Forwards, the order is the server's.
    const raw = recorded('pagination-messages-page') as { chunk: Array<{ event_id: string }> };
    expect(parseMessages(raw, 'f').events[0]!.event_id).toBe(raw.chunk[0]!.event_id);
  });

  it('parseContext: the event, its neighbours in order, tokens and state', () => {
    const context = parseContext(recorded('lobby-context-reply'));
    expect(context.event.content['body']).toContain('Thanks Alice, that is the reply.');
    expect(context.before).toHaveLength(5);
    expect(context.after).toHaveLength(5);
    expect(context.start).toMatch(/^t/);
    expect(context.end).toMatch(/^t/);
    expect(context.state.length).toBe(12);
  });

  it('parseStateList: every state event of a room, state keys kept', () => {
    for (const name of ['lobby-state', 'widgets-state']) {
      const state = parseStateList(recorded(name));
      expect(state.length, name).toBe((recorded(name) as unknown[]).length);
      expect(state.every((e) => typeof e.state_key === 'string'), name).toBe(true);
      expect(state.some((e) => e.type === 'm.room.create'), name).toBe(true);
    }
    expect(parseStateList(recorded('widgets-state')).filter((e) => e.type === 'im.vector.modular.widgets' || e.type === 'm.widget').length).toBeGreaterThan(0);
  });

  it('parseRelations: a thread’s replies, each pointing at the root', () => {
    const page = parseRelations(recorded('lobby-thread'));
    expect(page.events).toHaveLength(3);
    const roots = new Set(page.events.map((e) => (e.content['m.relates_to'] as { event_id?: string } | undefined)?.event_id));
    expect(roots.size).toBe(1);
    expect(page.nextBatch).toBeUndefined();
  });

  it('parseHierarchy: the space and its children', () => {
    const page = parseHierarchy(recorded('space-hierarchy'));
    expect(page.rooms.map((r) => r.name)).toEqual(['Seed Space', 'Lobby', 'Pagination', 'Space Garden', 'Space Library']);
    expect(page.rooms[0]!.roomType).toBe('m.space');
    expect(page.rooms.slice(1).every((r) => r.worldReadable)).toBe(true);
    expect(page.nextBatch).toBeUndefined();
  });

  it('parsePublicRoomsPage and parsePublicRoom: the directory, world-readability and counts checked', () => {
    const page = parsePublicRoomsPage(recorded('public-rooms'));
    expect(page.rooms).toHaveLength(7);
    expect(page.totalEstimate).toBe(7);
    const membersOnly = page.rooms.find((r) => r.canonicalAlias === '#members-only:localhost')!;
    expect(membersOnly.worldReadable).toBe(false);
    expect(page.rooms.find((r) => r.canonicalAlias === '#lobby:localhost')).toMatchObject({ worldReadable: true, memberCount: 4, name: 'Lobby' });
    expect(parsePublicRoom({ room_id: '!x:y', num_joined_members: -3, world_readable: 'yes' })).toMatchObject({ memberCount: 0, worldReadable: false });
    expect(parsePublicRoom({ name: 'no id' })).toBeNull();
  });

  it('parseEvents and parseEvent: recorded members and messages', () => {
    const members = parseEvents((recorded('lobby-members') as { chunk: unknown[] }).chunk);
    expect(members).toHaveLength(4);
    expect(members.every((e) => e.type === 'm.room.member' && e.state_key?.startsWith('@'))).toBe(true);
    const first = (recorded('lobby-messages') as { chunk: unknown[] }).chunk[0];
    expect(parseEvent(first)?.event_id).toMatch(/^\$/);
    expect(parseEvent({ type: 'm.room.message' })).toBeNull();
  });

  it('answers of the wrong shape are a BadGateway', () => {
    for (const bad of [null, 'text', 42, { chunk: 'no' }, {}]) {
      expect(() => parseMessages(bad, 'b')).toThrow(BadGateway);
      expect(() => parseContext(bad)).toThrow(BadGateway);
      expect(() => parseStateList(bad)).toThrow(BadGateway);
      expect(() => parseRelations(bad)).toThrow(BadGateway);
      expect(() => parseHierarchy(bad)).toThrow(BadGateway);
      expect(() => parsePublicRoomsPage(bad)).toThrow(BadGateway);
    }
  });
});
