/**
 * The helpers that keep big lists off the event loop (slices.ts, the member list's order and
 * its pages) give exactly what the plain loops give. Correctness only: no times are asserted.
 */
import { describe, expect, it } from 'vitest';
import type { MatrixEvent } from '../../src/matrix/events.js';
import { readArray } from '../../src/matrix/json-array-stream.js';
import { byName, topServers } from '../../src/rooms/members.js';
import { parsePowerLevels } from '../../src/rooms/state.js';
import { forEachInSlices, Slicer, sortInSlices, yieldToLoop } from '../../src/slices.js';
import { orderedMembers, roleLabel, type MemberEntry } from '../../src/view/members.js';
import { nameOrdered } from '../support/member-list.js';

/** A slicer whose every slice is over at once: every chance to yield is taken. */
const eager = (): Slicer => new Slicer(0);

function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('sortInSlices', () => {
  it('sorts as Array.prototype.sort does, stably, for any length', async () => {
    const next = random(7);
    for (const length of [0, 1, 2, 1023, 1024, 1025, 3000, 9000]) {
      const items = Array.from({ length }, (_, i) => ({ k: Math.floor(next() * 50), i }));
      const compare = (a: { k: number }, b: { k: number }): number => a.k - b.k;
      const sorted = await sortInSlices(items, compare, eager());
      expect(sorted).toEqual([...items].sort(compare));
      expect(items.map((x) => x.i)).toEqual(Array.from({ length }, (_, i) => i)); // input untouched
    }
  });

  it('gives the event loop back while it works', async () => {
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    await sortInSlices(Array.from({ length: 5000 }, (_, i) => 5000 - i), (a, b) => a - b, eager());
    expect(ranBetween).toBe(true);
  });
});

describe('forEachInSlices', () => {
  it('visits every item once, in order, and yields between slices', async () => {
    const seen: number[] = [];
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    await forEachInSlices(Array.from({ length: 2000 }, (_, i) => i), (item, index) => seen.push(item * 10 + (index === item ? 0 : 1)), eager());
    expect(seen).toEqual(Array.from({ length: 2000 }, (_, i) => i * 10));
    expect(ranBetween).toBe(true);
  });
});

describe('readArray with a map', () => {
  it('keeps only what the map returns, in order, from an answer in many small chunks', async () => {
    const items = Array.from({ length: 3000 }, (_, n) => ({ n, name: n % 3 ? `u${n}` : 'a "[{]}" name' }));
    const text = JSON.stringify({ start: 's', chunk: items });
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 999) controller.enqueue(bytes.slice(i, i + 999));
        controller.close();
      },
    });
    const { items: kept, complete } = await readArray(new Response(body), 'chunk', (value) => {
      const n = (value as { n: number }).n;
      return n % 2 === 0 ? n : undefined;
    });
    expect(complete).toBe(true);
    expect(kept).toEqual(items.filter((x) => x.n % 2 === 0).map((x) => x.n));
  });
});

function member(userId: string, displayname: string | undefined): MatrixEvent {
  return { event_id: `$${userId}`, type: 'm.room.member', state_key: userId, sender: userId, origin_server_ts: 1, content: { membership: 'join', ...(displayname !== undefined ? { displayname } : {}) } };
}

/** The order as the page once made it: everyone made into entries, then all of them sorted. */
function naiveOrder(events: readonly MatrixEvent[], users: Record<string, number>, usersDefault: number, partial: boolean): Array<Pick<MemberEntry, 'userId' | 'powerLevel' | 'role'>> {
  const list = nameOrdered(events, !partial);
  const all = list.members.map((m) => ({ ...m, powerLevel: users[m.userId] ?? usersDefault }));
  if (partial) {
    for (const [userId, level] of Object.entries(users)) {
      if (!list.byUser.has(userId) && level !== usersDefault) all.push({ userId, rawName: undefined, avatarUrl: undefined, key: userId.toLowerCase(), powerLevel: level });
    }
  }
  return all
    .sort((a, b) => b.powerLevel - a.powerLevel || byName(a, b))
    .map((m) => ({ userId: m.userId, powerLevel: m.powerLevel, role: roleLabel(m.powerLevel, usersDefault) }));
}

describe('orderedMembers', () => {
  it('orders like sorting everyone by level, name and ID, page by page, complete or partial', () => {
    const next = random(11);
    const names = ['alice', 'Bob', 'bob', 'carol', '', ' ', 'Zed', 'émile'];
    for (const [count, partial] of [[0, false], [5, false], [300, false], [300, true], [1000, true]] as const) {
      const events = Array.from({ length: count }, (_, i) => member(`@u${Math.floor(next() * 1e6)}:s${i % 4}`, next() < 0.2 ? undefined : names[Math.floor(next() * names.length)]!));
      const users: Record<string, number> = {};
      for (const event of events) if (next() < 0.08) users[event.state_key!] = [100, 50, 10, -1, 0][Math.floor(next() * 5)]!;
      users['@absent:s1'] = 100;
      users['@absent-low:s1'] = -5;
      const power = { ...parsePowerLevels({ users, users_default: 0 }, undefined), users };
      const expected = naiveOrder(events, users, 0, partial);
      const ordered = orderedMembers(nameOrdered(events, !partial), power);
      expect(ordered.total).toBe(expected.length);
      for (const size of [1, 7, 100]) {
        const got: unknown[] = [];
        for (let from = 0; from < ordered.total + size; from += size) got.push(...ordered.slice(from, from + size).map((m) => ({ userId: m.userId, powerLevel: m.powerLevel, role: m.role })));
        expect(got).toEqual(expected);
      }
    }
  });
});

describe('topServers', () => {
  it('gives the n servers with most members, ties by name, as a full sort would', async () => {
    const next = random(3);
    const counts = new Map(Array.from({ length: 2000 }, (_, i) => [`s${i}.example`, Math.floor(next() * 30)] as const));
    const full = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([s]) => s);
    expect(await topServers(counts, 100)).toEqual(full.slice(0, 100));
    expect(await topServers(new Map([['a', 1]]), 100)).toEqual(['a']);
  });
});

describe('yieldToLoop', () => {
  it('lets its waiters go on one per turn of the loop, in order, with other work between them', async () => {
    const order: string[] = [];
    const waiters = [yieldToLoop().then(() => order.push('first')), yieldToLoop().then(() => order.push('second'))];
    setImmediate(() => order.push('other'));
    await Promise.all(waiters);
    // A plain setImmediate per waiter would give first, second, other.
    expect(order).toEqual(['first', 'other', 'second']);
  });
});
