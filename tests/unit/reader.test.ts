import { describe, expect, it } from 'vitest';
import type { MatrixEvent } from '../../src/matrix/events.js';
import type { EventContext, TimelineChunk } from '../../src/matrix/room-answers.js';
import type { TimelineSource } from '../../src/rooms/homeserver.js';
import { RoomReader } from '../../src/rooms/reader.js';
import type { RoomSnapshot } from '../../src/rooms/snapshot.js';

function message(n: number): MatrixEvent {
  return { event_id: `$m${n}`, type: 'm.room.message', sender: '@a:x', origin_server_ts: n, content: { body: `Message ${n}` } };
}
function reaction(n: number): MatrixEvent {
  return { event_id: `$r${n}`, type: 'm.reaction', sender: '@a:x', origin_server_ts: n, content: {} };
}

const all = Array.from({ length: 100 }, (_, i) => message(i + 1));
const snapshot = { roomId: '!r:x', timeline: all.slice(60), members: new Map() } as unknown as RoomSnapshot;

class Api {
  calls: string[] = [];
  async context(_r: string, eventId: string): Promise<EventContext> {
    this.calls.push(`context ${eventId}`);
    const index = all.findIndex((e) => e.event_id === eventId);
    return { event: all[index]!, before: [], after: [], start: String(index), end: String(index + 1), state: [] };
  }
  async messages(_r: string, from: string, dir: 'b' | 'f', limit: number): Promise<TimelineChunk> {
    this.calls.push(`messages ${dir} ${from}`);
    const at = Number(from);
    const events = dir === 'b' ? all.slice(Math.max(0, at - limit), at) : all.slice(at, at + limit);
    return { events, start: undefined, end: undefined, state: [] };
  }
  asApi(): TimelineSource {
    const unused = (): never => {
      throw new Error('not used by these tests');
    };
    return { context: this.context.bind(this), messages: this.messages.bind(this), event: unused, relations: unused, members: unused, joinedMembers: unused, member: unused, hierarchy: unused, isPublished: unused };
  }
}

describe('RoomReader', () => {
  it('takes the latest page from the snapshot, counting only visible events', () => {
    const reader = new RoomReader(new Api().asApi(), { pageSize: 10, maxBytes: 1e6, memberListBytes: 1e6 });
    const mixed = { ...snapshot, timeline: [...all.slice(80, 90), reaction(91), reaction(92), ...all.slice(92)] } as RoomSnapshot;
    const page = reader.latest(mixed, (e) => e.type === 'm.room.message');
    expect(page.events.filter((e) => e.type === 'm.room.message').length).toBe(10);
    expect(page.events.at(-1)?.event_id).toBe('$m100');
    expect(page.hasEarlier).toBe(true);
  });

  it('serves a page before an event from the snapshot when the anchor is deep in it, with no upstream call', async () => {
    const api = new Api();
    const reader = new RoomReader(api.asApi(), { pageSize: 10, maxBytes: 1e6, memberListBytes: 1e6 });
    const page = await reader.before(snapshot, '$m90');
    expect(page.events.map((e) => e.event_id)).toEqual(all.slice(79, 89).map((e) => e.event_id));
    expect(api.calls).toEqual([]);
  });

  it('asks the homeserver for pages beyond the snapshot, anchored on the event', async () => {
    const api = new Api();
    const reader = new RoomReader(api.asApi(), { pageSize: 10, maxBytes: 1e6, memberListBytes: 1e6 });
    const page = await reader.before(snapshot, '$m30');
    expect(page.events.map((e) => e.event_id)).toEqual(all.slice(19, 29).map((e) => e.event_id));
    expect(api.calls).toEqual(['context $m30', 'messages b 29']);
    const again = await reader.before(snapshot, '$m30');
    expect(again).toEqual(page);
    expect(api.calls.length).toBe(2);
    const later = await reader.after(snapshot, '$m30');
    expect(later.events.map((e) => e.event_id)).toEqual(all.slice(30, 40).map((e) => e.event_id));
  });
});
