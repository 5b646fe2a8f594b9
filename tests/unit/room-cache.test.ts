import { describe, expect, it } from 'vitest';
import { HomeserverUnavailable, NotFound, RoomForbidden } from '../../src/errors.js';
import { MatrixApiError } from '../../src/matrix/errors.js';
import type { MatrixEvent } from '../../src/matrix/events.js';
import type { TimelineChunk } from '../../src/matrix/room-answers.js';
import type { SnapshotSource } from '../../src/rooms/homeserver.js';
import { RoomCache } from '../../src/rooms/cache.js';
import { RoomEpochs, type EpochChange } from '../../src/rooms/epochs.js';
import { recordedMessages, recordedState } from '../support/recorded.js';

const LOBBY = '!lobby:localhost';

function message(n: number, ts = 1_900_000_000_000 + n): MatrixEvent {
  return { event_id: `$new${n}`, type: 'm.room.message', sender: '@alice:localhost', origin_server_ts: ts, content: { msgtype: 'm.text', body: `new ${n}` } };
}

function withVisibility(state: MatrixEvent[], visibility: string): MatrixEvent[] {
  return state.map((e) => (e.type === 'm.room.history_visibility' ? { ...e, content: { history_visibility: visibility } } : e));
}

/** A scripted homeserver: recorded lobby data, and whatever a test appends. */
class FakeApi {
  calls: string[] = [];
  state = recordedState('lobby-state');
  backlog = recordedMessages('lobby-messages');
  forward: MatrixEvent[] = [];
  failing = false;
  refuse: MatrixApiError | undefined;

  async messages(roomId: string, from: string | undefined, dir: 'b' | 'f', limit: number): Promise<TimelineChunk> {
    this.calls.push(`messages ${dir} ${from ?? ''}`);
    await new Promise((r) => setTimeout(r, 5));
    if (this.refuse) throw this.refuse;
    if (this.failing) throw new HomeserverUnavailable('down');
    if (dir === 'b') return this.backlog;
    const events = this.forward.splice(0, limit);
    return { events, start: from, end: `f${this.calls.length}`, state: [] };
  }

  /** As Synapse's lazy-loading /context: the non-member state, never the member list. */
  async stateAt(roomId: string, eventId: string): Promise<MatrixEvent[]> {
    this.calls.push(`context ${eventId}`);
    if (this.failing) throw new HomeserverUnavailable('down');
    return this.state.filter((e) => e.type !== 'm.room.member');
  }

  /** What the room summary says of the room's existence. */
  exists: boolean | undefined = false;
  async roomExists(): Promise<boolean | undefined> {
    this.calls.push('exists');
    return this.exists;
  }

  /** The directory's answer, asked beside every load (not in `calls`, which follow the timeline). */
  published = true;
  publicationAsked = 0;
  async isPublished(): Promise<boolean> {
    this.publicationAsked++;
    return this.published;
  }

  asApi(): SnapshotSource {
    return { stateAt: this.stateAt.bind(this), messages: this.messages.bind(this), roomExists: this.roomExists.bind(this), isPublished: this.isPublished.bind(this) };
  }
}

function cacheWith(api: FakeApi, clock: { now: number }, maxBytes = 50_000_000): RoomCache {
  return new RoomCache(api.asApi(), { maxBytes, freshnessMs: 10_000, reloadAfterMs: 3_600_000, now: () => clock.now, staleServeAfterMs: 1000 });
}

describe('RoomCache', () => {
  it('loads a cold room with two calls and no member list, once for any number of concurrent requests', async () => {
    const api = new FakeApi();
    const cache = cacheWith(api, { now: Date.now() });
    const snapshots = await Promise.all(Array.from({ length: 100 }, () => cache.get(LOBBY)));
    expect(new Set(snapshots).size).toBe(1);
    const newest = api.backlog.events.at(-1)!.event_id;
    expect(api.calls).toEqual(['messages b ', `context ${newest}`]);
    const snapshot = snapshots[0]!;
    // The senders' member events come from the lazily loaded /messages, not a member list.
    expect(snapshot.members.size).toBeGreaterThan(0);
    expect(snapshot.state.name).toBe('Lobby');
    expect(snapshot.timeline.length).toBeGreaterThan(40);
    expect(snapshot.timeline[0]!.origin_server_ts).toBeLessThanOrEqual(snapshot.timeline.at(-1)!.origin_server_ts);
    expect(cache.stats.misses).toBe(100);
  });

  it('does not ask the publication of a cold room the last whole directory walk left out, and asks at its first refresh', async () => {
    const api = new FakeApi();
    let known = true;
    const cache = new RoomCache(api.asApi(), { maxBytes: 50_000_000, freshnessMs: 1, reloadAfterMs: 3_600_000, knownUnlisted: () => known });
    const cold = await cache.get(LOBBY);
    expect(api.publicationAsked).toBe(0);
    // Unknown: noindex (web/room-loader.ts), but not taken out of the listings.
    expect(cold.published).toBeUndefined();
    expect(cache.epochs.withdrawal(LOBBY)).toBeUndefined();
    // Published since the walk: its first refresh asks, and says so.
    await new Promise((r) => setTimeout(r, 5));
    expect((await cache.get(LOBBY)).published).toBe(true);
    expect(api.publicationAsked).toBe(1);
    // A room the walk did list is asked even when cold: "it was listed" is never taken from a walk.
    known = false;
    const other = new RoomCache(api.asApi(), { maxBytes: 50_000_000, freshnessMs: 10_000, reloadAfterMs: 3_600_000, knownUnlisted: () => known });
    expect((await other.get(LOBBY)).published).toBe(true);
    expect(api.publicationAsked).toBe(2);
  });

  it('serves from memory within the freshness interval', async () => {
    const api = new FakeApi();
    const clock = { now: Date.now() };
    const cache = cacheWith(api, clock);
    await cache.get(LOBBY);
    await cache.get(LOBBY);
    expect(api.calls.length).toBe(2);
    expect(cache.stats.hits).toBe(1);
  });

  it('catches up incrementally after the interval: new messages, a new version, no state refetch', async () => {
    const api = new FakeApi();
    const cache = new RoomCache(api.asApi(), { maxBytes: 50_000_000, freshnessMs: 1, reloadAfterMs: 3_600_000 });
    const cold = await cache.get(LOBBY);
    api.forward.push(message(1), message(2));
    await new Promise((r) => setTimeout(r, 5));
    api.calls = [];
    const fresh = await cache.get(LOBBY);
    expect(api.calls).toEqual([`messages f ${cold.forwardToken}`]);
    expect(fresh.timeline.slice(-2).map((e) => e.event_id)).toEqual(['$new1', '$new2']);
    expect(fresh.version).toBe(cold.version + 1);
    expect(fresh.lastModified).toBe(message(2).origin_server_ts);
  });

  it('stops serving a room whose history stops being world-readable', async () => {
    const api = new FakeApi();
    const cache = new RoomCache(api.asApi(), { maxBytes: 50_000_000, freshnessMs: 1, reloadAfterMs: 3_600_000 });
    await cache.get(LOBBY);
    api.forward.push({ event_id: '$hv', type: 'm.room.history_visibility', state_key: '', sender: '@seeder:localhost', origin_server_ts: 2e12, content: { history_visibility: 'shared' } });
    api.state = withVisibility(api.state, 'shared');
    await new Promise((r) => setTimeout(r, 5));
    await expect(cache.get(LOBBY)).rejects.toBeInstanceOf(RoomForbidden);
  });

  it('refuses a room that is not world-readable, and remembers the refusal', async () => {
    const api = new FakeApi();
    api.state = withVisibility(api.state, 'shared');
    const cache = cacheWith(api, { now: Date.now() });
    const error = await cache.get(LOBBY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomForbidden);
    expect((error as RoomForbidden).explanation).toMatch(/members only/);
    await expect(cache.get(LOBBY)).rejects.toBeInstanceOf(RoomForbidden);
    // A session that may read /messages (a member's) learns the visibility from /context.
    expect(api.calls).toEqual(['messages b ', expect.stringMatching(/^context /)]);
  });

  it('tells an unknown room (404) from a 403 through the room summary', async () => {
    const api = new FakeApi();
    api.refuse = new MatrixApiError(403, 'M_FORBIDDEN', 'not in room');
    const cache = cacheWith(api, { now: Date.now() });
    await expect(cache.get('!unknown:localhost')).rejects.toBeInstanceOf(NotFound);
    expect(api.calls).toContain('exists');
  });

  it('keeps serving the cached copy, marked out of date, while the homeserver is down', async () => {
    const api = new FakeApi();
    const cache = new RoomCache(api.asApi(), { maxBytes: 50_000_000, freshnessMs: 1, reloadAfterMs: 3_600_000 });
    const before = await cache.get(LOBBY);
    api.failing = true;
    await new Promise((r) => setTimeout(r, 5));
    const during = await cache.get(LOBBY);
    expect(during.timeline).toEqual(before.timeline);
    expect(during.outdatedSince).toBeDefined();
    api.failing = false;
    await new Promise((r) => setTimeout(r, 5));
    const after = await cache.get(LOBBY);
    expect(after.outdatedSince).toBeUndefined();
  });

  it('never holds more bytes than its bound, however many rooms are asked for', async () => {
    const api = new FakeApi();
    const bound = 400_000;
    const cache = cacheWith(api, { now: Date.now() }, bound);
    for (let i = 0; i < 40; i++) {
      await cache.get(`!room${i}:localhost`);
      expect(cache.calculatedSize).toBeLessThanOrEqual(bound);
    }
    expect(cache.count).toBeLessThan(40);
    expect(cache.stats.evictions).toBeGreaterThan(0);
  });
});

describe('RoomCache and the room epoch', () => {
  const later = (): Promise<void> => new Promise((r) => setTimeout(r, 5));
  const fresh = (api: FakeApi, epochs = new RoomEpochs()): RoomCache =>
    new RoomCache(api.asApi(), { maxBytes: 50_000_000, freshnessMs: 1, reloadAfterMs: 3_600_000, epochs });

  it('keeps the epoch across refreshes that take nothing back', async () => {
    const api = new FakeApi();
    const cache = fresh(api);
    const cold = await cache.get(LOBBY);
    expect(cold.epoch).toBe(cache.epochs.of(LOBBY));
    expect(cold.published).toBe(true);
    api.forward.push(message(1));
    await later();
    const next = await cache.get(LOBBY);
    expect(next.version).toBe(cold.version + 1);
    expect(next.epoch).toBe(cold.epoch);
  });

  it('moves the epoch on a redaction, and names what it took back', async () => {
    const api = new FakeApi();
    const epochs = new RoomEpochs();
    const heard: EpochChange[] = [];
    epochs.onChange((change) => heard.push(change));
    const cache = fresh(api, epochs);
    const cold = await cache.get(LOBBY);
    const target = cold.timeline.find((e) => e.type === 'm.room.message')!;
    api.forward.push({ event_id: '$red', type: 'm.room.redaction', sender: '@seeder:localhost', origin_server_ts: 2e12, content: {}, redacts: target.event_id });
    await later();
    const next = await cache.get(LOBBY);
    expect(next.epoch).toBeGreaterThan(cold.epoch);
    expect(heard.at(-1)).toMatchObject({ roomId: LOBBY, reasons: ['redaction'], redacted: [target.event_id], withdrawn: false });
    expect(next.timeline.find((e) => e.event_id === target.event_id)!.content).toEqual({});
  });

  it('moves the epoch when the room leaves the directory, and the listings leave it out', async () => {
    const api = new FakeApi();
    const cache = fresh(api);
    const cold = await cache.get(LOBBY);
    expect(cache.epochs.withdrawal(LOBBY)).toBeUndefined();
    const heard: EpochChange[] = [];
    cache.epochs.onChange((change) => heard.push(change));
    api.published = false;
    await later();
    const next = await cache.get(LOBBY);
    expect(next.published).toBe(false);
    expect(next.epoch).toBeGreaterThan(cold.epoch);
    // Once, not once for the withdrawal and again for the change of publication.
    expect(heard.map((change) => change.reasons)).toEqual([['publication']]);
    expect(cache.epochs.withdrawal(LOBBY)).toBe('unlisted');
    api.published = true;
    await later();
    expect((await cache.get(LOBBY)).published).toBe(true);
    expect(cache.epochs.withdrawal(LOBBY)).toBeUndefined();
  });

  it('withdraws a room whose history stops being world-readable: every listener is told to drop it', async () => {
    const api = new FakeApi();
    const epochs = new RoomEpochs();
    const heard: EpochChange[] = [];
    epochs.onChange((change) => heard.push(change));
    const cache = fresh(api, epochs);
    await cache.get(LOBBY);
    api.forward.push({ event_id: '$hv', type: 'm.room.history_visibility', state_key: '', sender: '@seeder:localhost', origin_server_ts: 2e12, content: { history_visibility: 'shared' } });
    api.state = withVisibility(api.state, 'shared');
    await later();
    await expect(cache.get(LOBBY)).rejects.toBeInstanceOf(RoomForbidden);
    expect(heard.at(-1)).toMatchObject({ roomId: LOBBY, withdrawn: true });
    expect(epochs.withdrawal(LOBBY)).toBe('unreadable');
    expect(cache.lastKnown(LOBBY)).toBeUndefined();
  });

  it('starts a new epoch for a room loaded again from cold, and drops a room withdrawn elsewhere', async () => {
    const api = new FakeApi();
    const cache = fresh(api);
    const first = await cache.get(LOBBY);
    cache.epochs.withdraw(LOBBY, 'unreadable');
    expect(cache.lastKnown(LOBBY)).toBeUndefined();
    const again = await cache.get(LOBBY);
    expect(again.epoch).toBeGreaterThan(first.epoch);
    expect(cache.epochs.withdrawal(LOBBY)).toBeUndefined();
  });

  it('loads a room from cold in two calls, /messages then /context, and nothing else', async () => {
    const api = new FakeApi();
    await fresh(api, new RoomEpochs()).get(LOBBY);
    expect(api.calls).toEqual(['messages b ', expect.stringMatching(/^context /)]);
  });

  it('refuses from cold a room that stopped being world-readable, by the guest\'s refused /messages', async () => {
    const api = new FakeApi();
    // Synapse answers a guest's /messages 403 once the current visibility is not world_readable.
    api.refuse = new MatrixApiError(403, 'M_FORBIDDEN', 'room previews are disabled');
    api.exists = true;
    const epochs = new RoomEpochs();
    const cache = fresh(api, epochs);
    await expect(cache.get(LOBBY)).rejects.toBeInstanceOf(RoomForbidden);
    expect(epochs.withdrawal(LOBBY)).toBe('unreadable');
  });
});
