import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import type { MatrixEvent } from '../../src/matrix/events.js';
import type { MemberChunk } from '../../src/matrix/room-answers.js';
import { Denylist } from '../../src/rooms/denylist.js';
import { memberListSize } from '../../src/rooms/members.js';
import { dropWhatRoomsTakeBack } from '../../src/rooms/takedown.js';
import { createRoomServices, takenBackFrom } from '../../src/services.js';
import { MemoryHomeserver } from '../support/app-setup.js';

const MB = 2 ** 20;
const BIG = '!big:localhost';
const OTHER = '!other-big:localhost';
/** As many members as an 8 MB answer (UPSTREAM_MAX_MB's default) holds of real member events. */
const MEMBERS = 25_000;

function member(n: number): MatrixEvent {
  const userId = `@user${n}:server${n % 40}.test`;
  return { event_id: `$m${n}`, type: 'm.room.member', sender: userId, state_key: userId, origin_server_ts: n, content: { membership: 'join', displayname: `User ${n}` } };
}

/** The in-memory homeserver with two big rooms, counting their member-list calls. */
class BigRoomHomeserver extends MemoryHomeserver {
  memberCalls = 0;
  private readonly big: MatrixEvent[] = Array.from({ length: MEMBERS }, (_, i) => member(i));

  override async members(roomId: string): Promise<MemberChunk> {
    if (roomId !== BIG && roomId !== OTHER) return super.members(roomId);
    this.memberCalls++;
    return { events: this.big, complete: true };
  }
  override async joinedMembers(roomId: string): Promise<number | undefined> {
    return roomId === BIG || roomId === OTHER ? MEMBERS : super.joinedMembers(roomId);
  }
}

function services(cacheMaxMb = 64) {
  const homeserver = new BigRoomHomeserver();
  const config = { cacheMaxBytes: cacheMaxMb * MB, directoryPageSize: 20, freshnessMs: 10_000, cacheTtlMs: 3_600_000, timelinePageSize: 50 };
  const room = createRoomServices(homeserver, config, new Denylist([]), undefined);
  // As createServices wires it.
  dropWhatRoomsTakeBack(room.epochs, { ...takenBackFrom(room), archive: undefined, log: createLogger('silent') });
  return { homeserver, room, at: () => ({ roomId: BIG, epoch: room.epochs.of(BIG) }) };
}

describe('member lists', () => {
  it('keeps a list bigger than the reader cache (10 % of CACHE_MAX_MB) in a cache of its own: the second request reads none again', async () => {
    const { homeserver, room, at } = services();
    const list = await room.reader.memberList(at());
    expect(list.members.length).toBe(MEMBERS);
    // ~7.5 MB: more than the reader's 6.4 MB, and two of them fit in the members cache.
    expect(memberListSize(list)).toBeGreaterThan(0.1 * 64 * MB);
    expect(homeserver.memberCalls).toBe(1);
    const again = await room.reader.memberList(at());
    expect(again).toBe(list);
    expect(homeserver.memberCalls).toBe(1);
    const members = room.caches.find((cache) => cache.name === 'members');
    expect(members?.count).toBe(1);
    expect(members!.maxBytes).toBeGreaterThanOrEqual(2 * memberListSize(list));
  });

  it('keeps two such lists at once at the default CACHE_MAX_MB', async () => {
    const { homeserver, room } = services();
    const rooms = [BIG, OTHER].map((roomId) => ({ roomId, epoch: room.epochs.of(roomId) }));
    for (const r of rooms) await room.reader.memberList(r);
    for (const r of rooms) await room.reader.memberList(r);
    expect(homeserver.memberCalls).toBe(2);
  });

  it('reads the list again once the room has a new epoch', async () => {
    const { homeserver, room, at } = services();
    const before = at();
    await room.reader.memberList(before);
    room.epochs.move(BIG, ['redaction']);
    expect(at().epoch).not.toBe(before.epoch);
    await room.reader.memberList(at());
    expect(homeserver.memberCalls).toBe(2);
    // The old epoch's list was dropped, not only left unreachable.
    expect(room.reader.memberLists.forgetRoom(BIG)).toBe(1);
  });

  it('drops the list of a withdrawn room: even a request that began at the old epoch reads it again', async () => {
    const { homeserver, room, at } = services();
    const before = at();
    await room.reader.memberList(before);
    room.epochs.withdraw(BIG, 'unreadable');
    expect(room.reader.memberLists.count).toBe(0);
    await room.reader.memberList(before);
    expect(homeserver.memberCalls).toBe(2);
  });

  it('still serves a list bigger than the members cache, without keeping it', async () => {
    // CACHE_MAX_MB=16: the members cache is 4 MB, less than one list.
    const { homeserver, room, at } = services(16);
    const list = await room.reader.memberList(at());
    expect(list.members.length).toBe(MEMBERS);
    await room.reader.memberList(at());
    expect(homeserver.memberCalls).toBe(2);
    expect(room.reader.memberLists.count).toBe(0);
  });
});
