import { describe, expect, it } from 'vitest';
import { HomeserverUnavailable, NotFound } from '../../src/errors.js';
import { ReadThroughCache } from '../../src/rooms/read-through.js';

const TTL = 60_000;
const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ReadThroughCache', () => {
  it('loads a key once for any number of concurrent gets, then answers synchronously', async () => {
    const cache = new ReadThroughCache<string>({ name: 't', maxBytes: 1_000_000 });
    let loads = 0;
    const load = async (): Promise<string> => {
      loads++;
      await tick();
      return 'value';
    };
    expect(cache.peek('k')).toBeUndefined();
    const values = await Promise.all(Array.from({ length: 50 }, () => cache.get('k', TTL, load)));
    expect(new Set(values)).toEqual(new Set(['value']));
    expect(loads).toBe(1);
    expect(cache.peek('k')).toBe('value');
    expect(cache.stats).toMatchObject({ misses: 50, hits: 1, loads: 1 });
  });

  it('gives every waiter its value when the entry is evicted while its load is in flight', async () => {
    // Room for about one entry: the second key's arrival evicts the first, still loading.
    const cache = new ReadThroughCache<string>({ name: 't', maxBytes: 3000, sizeOf: () => 2000 });
    const first = deferred<string>();
    const a = cache.get('a', TTL, () => first.promise);
    const b = cache.get('b', TTL, async () => 'b');
    await expect(b).resolves.toBe('b');
    const c = cache.get('c', TTL, async () => 'c');
    await expect(c).resolves.toBe('c');
    first.resolve('a');
    await expect(a).resolves.toBe('a');
  });

  it('serves a value too large to keep without keeping it', async () => {
    const cache = new ReadThroughCache<string>({ name: 't', maxBytes: 100, sizeOf: () => 1000 });
    await expect(cache.get('big', TTL, async () => 'big')).resolves.toBe('big');
    expect(cache.lastKnown('big')).toBeUndefined();
  });

  it('keeps byte sizes within the bound and counts evictions', async () => {
    const cache = new ReadThroughCache<string>({ name: 't', maxBytes: 10_000, sizeOf: (v) => v.length });
    for (let i = 0; i < 20; i++) await cache.get(`k${i}`, TTL, async () => 'x'.repeat(1000));
    expect(cache.calculatedSize).toBeLessThanOrEqual(10_000);
    expect(cache.stats.evictions).toBeGreaterThan(0);
  });

  it('remembers a refusal for the negative TTL only', async () => {
    const cache = new ReadThroughCache<string>({ name: 't', maxBytes: 1_000_000, negativeTtlMs: 20 });
    let loads = 0;
    const load = async (): Promise<string> => {
      loads++;
      throw new NotFound('no');
    };
    await expect(cache.get('k', TTL, load)).rejects.toBeInstanceOf(NotFound);
    await expect(cache.get('k', TTL, load)).rejects.toBeInstanceOf(NotFound);
    expect(loads).toBe(1);
    expect(cache.stats.negativeHits).toBe(1);
    await tick(30);
    await expect(cache.get('k', TTL, load)).rejects.toBeInstanceOf(NotFound);
    expect(loads).toBe(2);
  });

  it('does not remember other failures', async () => {
    const cache = new ReadThroughCache<string>({ name: 't', maxBytes: 1_000_000 });
    let loads = 0;
    const load = async (): Promise<string> => {
      loads++;
      throw new Error('boom');
    };
    await expect(cache.get('k', TTL, load)).rejects.toThrow('boom');
    await expect(cache.get('k', TTL, load)).rejects.toThrow('boom');
    expect(loads).toBe(2);
  });

  it('answers a failed refresh with the stale copy, marked, on a transient error only', async () => {
    const cache = new ReadThroughCache<{ v: number; stale?: boolean }>({
      name: 't',
      maxBytes: 1_000_000,
      markStale: (value) => ({ ...value, stale: true }),
    });
    await cache.get('k', 10, async () => ({ v: 1 }));
    await tick(20);
    const seen: Array<number | undefined> = [];
    const refreshed = await cache.get('k', 10, async (stale) => {
      seen.push(stale?.v);
      throw new HomeserverUnavailable('down');
    });
    expect(seen).toEqual([1]);
    expect(refreshed).toEqual({ v: 1, stale: true });
    expect(cache.stats.staleOnError).toBe(1);
    await tick(20);
    await expect(cache.get('k', 10, async () => Promise.reject(new NotFound('gone')))).rejects.toBeInstanceOf(NotFound);
  });

  it('serves a stale copy after serveStaleAfterMs while the refresh goes on', async () => {
    const cache = new ReadThroughCache<number>({ name: 't', maxBytes: 1_000_000, serveStaleAfterMs: 10 });
    await cache.get('k', 10, async () => 1);
    await tick(20);
    const slow = deferred<number>();
    await expect(cache.get('k', TTL, () => slow.promise)).resolves.toBe(1);
    slow.resolve(2);
    await tick();
    expect(cache.peek('k')).toBe(2);
  });

  it('with serveStaleAfterMs 0 serves stale at once and refreshes behind', async () => {
    const cache = new ReadThroughCache<number>({ name: 't', maxBytes: 1_000_000, serveStaleAfterMs: 0 });
    await cache.get('k', 10, async () => 1);
    await tick(20);
    await expect(cache.get('k', TTL, async () => 2)).resolves.toBe(1);
    await tick();
    expect(cache.peek('k')).toBe(2);
  });

  it('never serves a copy that expired longer ago than staleLimitMs: the request waits for the refresh', async () => {
    const cache = new ReadThroughCache<number>({ name: 't', maxBytes: 1_000_000, serveStaleAfterMs: 0, staleLimitMs: 10 });
    await cache.get('k', 5, async () => 1);
    await tick(40);
    const slow = deferred<number>();
    const answer = cache.get('k', TTL, () => slow.promise);
    await tick();
    slow.resolve(2);
    await expect(answer).resolves.toBe(2);
  });

  it('still answers a failed refresh of a long-expired copy with that copy, marked', async () => {
    const cache = new ReadThroughCache<{ v: number; stale?: boolean }>({ name: 't', maxBytes: 1_000_000, serveStaleAfterMs: 0, staleLimitMs: 10, markStale: (value) => ({ ...value, stale: true }) });
    await cache.get('k', 5, async () => ({ v: 1 }));
    await tick(40);
    await expect(cache.get('k', TTL, async () => Promise.reject(new HomeserverUnavailable('down')))).resolves.toEqual({ v: 1, stale: true });
  });

  it('takes the TTL of the kind each get names', async () => {
    const cache = new ReadThroughCache<string>({ name: 't', maxBytes: 1_000_000 });
    await cache.get('short', 10, async () => 's');
    await cache.get('long', TTL, async () => 'l');
    await tick(20);
    expect(cache.peek('short')).toBeUndefined();
    expect(cache.lastKnown('short')).toBe('s');
    expect(cache.peek('long')).toBe('l');
  });
});
