import { describe, expect, it } from 'vitest';
import type { PublicRoom, PublicRoomsPage, PublicRoomsQuery } from '../../src/matrix/directory.js';
import { Denylist } from '../../src/rooms/denylist.js';
import { DirectoryService, ListedRooms } from '../../src/rooms/directory.js';
import { RoomEpochs } from '../../src/rooms/epochs.js';
import { RoomResolver } from '../../src/rooms/resolver.js';

function room(n: number, worldReadable: boolean): PublicRoom {
  return {
    roomId: `!room${n}:example.org`,
    name: `Room ${n}`,
    topic: undefined,
    canonicalAlias: `#room${n}:example.org`,
    avatarUrl: undefined,
    memberCount: n,
    worldReadable,
    guestCanJoin: false,
    joinRule: 'public',
    roomType: undefined,
  };
}

/** A directory of `total` rooms where every third one is not world-readable. */
function upstream(total: number) {
  const rooms = Array.from({ length: total }, (_, i) => room(i, i % 3 !== 1));
  const calls: PublicRoomsQuery[] = [];
  const fetcher = async (query: PublicRoomsQuery): Promise<PublicRoomsPage> => {
    calls.push(query);
    const start = query.since ? Number(query.since.slice(1)) : 0;
    const slice = rooms.slice(start, start + query.limit);
    const end = start + slice.length;
    return {
      rooms: slice,
      nextBatch: end < rooms.length ? `n${end}` : undefined,
      prevBatch: start > 0 ? `n${Math.max(0, start - query.limit)}` : undefined,
      totalEstimate: rooms.length,
    };
  };
  return { rooms, calls, fetcher };
}

describe('DirectoryService', () => {
  it('fills a page with world-readable rooms by pulling through since pages', async () => {
    const { fetcher, calls } = upstream(20);
    const directory = new DirectoryService({ publicRooms: fetcher }, { epochs: new RoomEpochs(), pageSize: 4, denylist: new Denylist([]), ttlMs: 1000, maxBytes: 1e6 });
    const page = await directory.page({});
    expect(page.rooms.length).toBeGreaterThanOrEqual(4);
    expect(page.rooms.every((r) => r.worldReadable)).toBe(true);
    expect(calls.length).toBe(2);
    expect(page.nextBatch).toBe('n8');
  });

  it('reaches every world-readable room, once, by following next links', async () => {
    const { fetcher, rooms } = upstream(23);
    const directory = new DirectoryService({ publicRooms: fetcher }, { epochs: new RoomEpochs(), pageSize: 2, denylist: new Denylist([]), ttlMs: 1000, maxBytes: 1e6 });
    const seen: string[] = [];
    let since: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await directory.page({ since });
      seen.push(...page.rooms.map((r) => r.roomId));
      if (!page.nextBatch) break;
      since = page.nextBatch;
    }
    expect(seen).toEqual(rooms.filter((r) => r.worldReadable).map((r) => r.roomId));
  });

  it('leaves out denied rooms', async () => {
    const { fetcher } = upstream(6);
    const directory = new DirectoryService({ publicRooms: fetcher }, {
      epochs: new RoomEpochs(),
      pageSize: 10,
      denylist: new Denylist(['!room0:example.org', '#room3:example.org']),
      ttlMs: 1000,
      maxBytes: 1e6,
    });
    const page = await directory.page({});
    expect(page.rooms.map((r) => r.roomId)).toEqual(['!room2:example.org', '!room5:example.org']);
  });

  it('makes one upstream fetch for concurrent requests of the same page', async () => {
    const { fetcher, calls } = upstream(3);
    const directory = new DirectoryService({ publicRooms: fetcher }, { epochs: new RoomEpochs(), pageSize: 10, denylist: new Denylist([]), ttlMs: 1000, maxBytes: 1e6 });
    await Promise.all([directory.page({}), directory.page({}), directory.page({})]);
    expect(calls.length).toBe(1);
  });

  it('stops at a token that does not move', async () => {
    let calls = 0;
    const directory = new DirectoryService(
      {
        publicRooms: async () => {
          calls++;
          return { rooms: [room(1, false)], nextBatch: 'same', prevBatch: undefined, totalEstimate: undefined };
        },
      },
      { epochs: new RoomEpochs(), pageSize: 5, denylist: new Denylist([]), ttlMs: 1000, maxBytes: 1e6 },
    );
    const page = await directory.page({ since: 'same' });
    expect(page.rooms).toEqual([]);
    expect(calls).toBe(1);
  });
});

describe('the listed rooms (the sitemaps\' walk of the whole directory)', () => {
  it('walks every page once, world-readable and not denied rooms only, sorted by reference', async () => {
    const { fetcher, calls, rooms } = upstream(23);
    const listed = new ListedRooms({ publicRooms: fetcher }, { epochs: new RoomEpochs(), denylist: new Denylist(['!room0:example.org']), ttlMs: 60_000, pageSize: 5 });
    const all = await listed.get();
    expect(calls.length).toBe(5);
    const expected = rooms.filter((r) => r.worldReadable && r.roomId !== '!room0:example.org').map((r) => r.canonicalAlias!).sort();
    expect(all.map((r) => r.ref)).toEqual(expected);
  });

  it('knows a room is unlisted only from a walk that reached the directory’s end', async () => {
    const { fetcher } = upstream(20);
    const listed = new ListedRooms({ publicRooms: fetcher }, { epochs: new RoomEpochs(), denylist: new Denylist([]), ttlMs: 60_000, pageSize: 5 });
    // Nothing walked yet: nothing known.
    expect(listed.unlisted('!elsewhere:example.org')).toBe(false);
    await listed.get();
    expect(listed.unlisted('!elsewhere:example.org')).toBe(true);
    expect(listed.unlisted('!room2:example.org')).toBe(false);
    // A walk cut short by its page bound proves nothing of the rooms it did not reach.
    const short = new ListedRooms({ publicRooms: upstream(20).fetcher }, { epochs: new RoomEpochs(), denylist: new Denylist([]), ttlMs: 60_000, pageSize: 5, maxPages: 2 });
    await short.get();
    expect(short.unlisted('!elsewhere:example.org')).toBe(false);
  });

  it('fetches once for concurrent callers and serves the stale list while refreshing', async () => {
    let calls = 0;
    let release: (() => void) | undefined;
    const publicRooms = async (): Promise<PublicRoomsPage> => {
      calls++;
      if (calls > 1) await new Promise<void>((resolve) => (release = resolve));
      return { rooms: [room(calls, true)], nextBatch: undefined, prevBatch: undefined, totalEstimate: 1 };
    };
    const listed = new ListedRooms({ publicRooms }, { epochs: new RoomEpochs(), denylist: new Denylist([]), ttlMs: 1 });
    const [a, b] = await Promise.all([listed.get(), listed.get()]);
    expect(a).toEqual(b);
    expect(calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Stale now: the next calls answer from the old list while one refresh runs.
    expect(await listed.get()).toMatchObject([{ roomId: '!room1:example.org', ref: '#room1:example.org' }]);
    expect(await listed.get()).toMatchObject([{ roomId: '!room1:example.org', ref: '#room1:example.org' }]);
    expect(calls).toBe(2);
    release?.();
  });
});

describe('the listings and what rooms take back', () => {
  it('leave out at once a room the viewer saw leave the directory or stop being readable, before the directory says so', async () => {
    const { fetcher } = upstream(6);
    const epochs = new RoomEpochs();
    const directory = new DirectoryService({ publicRooms: fetcher }, { epochs, pageSize: 10, denylist: new Denylist([]), ttlMs: 60_000, maxBytes: 1_000_000 });
    const listed = new ListedRooms({ publicRooms: fetcher }, { epochs, denylist: new Denylist([]), ttlMs: 60_000 });
    const first = (await directory.page({})).rooms.map((r) => r.roomId);
    expect(first).toContain('!room0:example.org');
    expect(first).toContain('!room2:example.org');
    epochs.withdraw('!room0:example.org', 'unlisted');
    epochs.withdraw('!room2:example.org', 'unreadable');
    // The cached upstream pages still name both; neither is served.
    for (const ids of [(await directory.page({})).rooms.map((r) => r.roomId), (await listed.get()).map((r) => r.roomId)]) {
      expect(ids).not.toContain('!room0:example.org');
      expect(ids).not.toContain('!room2:example.org');
    }
    epochs.restore('!room0:example.org', { readable: true, listed: true });
    expect((await directory.page({})).rooms.map((r) => r.roomId)).toContain('!room0:example.org');
  });

  it('withdraw a room the viewer knows when the directory says it is no longer world-readable', async () => {
    const { fetcher } = upstream(6);
    const epochs = new RoomEpochs();
    const heard: string[] = [];
    epochs.onChange((change) => change.withdrawn && heard.push(change.roomId));
    // room1 is not world-readable in the fake directory; the viewer has read room1 and not room3.
    epochs.of('!room1:example.org');
    const directory = new DirectoryService({ publicRooms: fetcher }, { epochs, pageSize: 10, denylist: new Denylist([]), ttlMs: 60_000, maxBytes: 1_000_000 });
    await directory.page({});
    expect(heard).toEqual(['!room1:example.org']);
    expect(epochs.withdrawal('!room3:example.org')).toBeUndefined();
  });
});

describe('the aliases the directory gives', () => {
  it('are learnt by the resolver, so following a listed room\'s link asks the homeserver for no alias', async () => {
    const { fetcher } = upstream(6);
    const lookups: string[] = [];
    const resolver = new RoomResolver({ resolveAlias: async (alias) => (lookups.push(alias), '!elsewhere:example.org') }, new Denylist(['#room3:example.org']));
    const onListed = (rooms: readonly PublicRoom[]): void => resolver.learn(rooms);
    const directory = new DirectoryService({ publicRooms: fetcher }, { epochs: new RoomEpochs(), pageSize: 2, denylist: new Denylist([]), ttlMs: 60_000, maxBytes: 1e6, onListed });
    await directory.page({});
    expect(await resolver.resolve({ kind: 'alias', alias: '#room0:example.org' })).toBe('!room0:example.org');
    expect(await resolver.resolve({ kind: 'alias', alias: '#room2:example.org' })).toBe('!room2:example.org');
    expect(lookups).toEqual([]);
    // Not readable (room1), not on the page read (room5), or denied (room3): as before.
    expect(await resolver.resolve({ kind: 'alias', alias: '#room1:example.org' })).toBe('!elsewhere:example.org');
    expect(await resolver.resolve({ kind: 'alias', alias: '#room5:example.org' })).toBe('!elsewhere:example.org');
    expect(lookups).toEqual(['#room1:example.org', '#room5:example.org']);
    await expect(resolver.resolve({ kind: 'alias', alias: '#room3:example.org' })).rejects.toThrow();
    // The sitemaps' walk of the whole directory teaches them too.
    const walked = new RoomResolver({ resolveAlias: async (alias) => (lookups.push(alias), undefined) }, new Denylist([]));
    await new ListedRooms({ publicRooms: fetcher }, { epochs: new RoomEpochs(), denylist: new Denylist([]), ttlMs: 60_000, onListed: (rooms) => walked.learn(rooms) }).get();
    expect(await walked.resolve({ kind: 'alias', alias: '#room5:example.org' })).toBe('!room5:example.org');
    expect(lookups).toHaveLength(2);
  });
});
