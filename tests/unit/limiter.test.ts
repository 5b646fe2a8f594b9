import { describe, expect, it } from 'vitest';
import { HomeserverUnavailable } from '../../src/errors.js';
import { Limiter } from '../../src/matrix/limiter.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Limiter', () => {
  it('runs at most maxActive tasks at once and queues the rest in order', async () => {
    const limiter = new Limiter(2, 10);
    const gates = [deferred(), deferred(), deferred()];
    const order: number[] = [];
    const runs = gates.map((gate, i) =>
      limiter.run(async () => {
        order.push(i);
        await gate.promise;
      }),
    );
    await Promise.resolve();
    expect(limiter.activeCount).toBe(2);
    expect(limiter.queuedCount).toBe(1);
    gates[0]!.resolve();
    await runs[0];
    await Promise.resolve();
    expect(order).toEqual([0, 1, 2]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    await Promise.all(runs);
    expect(limiter.activeCount).toBe(0);
  });

  it('fails fast with a 503 when the queue is full', async () => {
    const limiter = new Limiter(1, 1);
    const gate = deferred();
    const first = limiter.run(() => gate.promise);
    const second = limiter.run(() => Promise.resolve());
    await expect(limiter.run(() => Promise.resolve())).rejects.toBeInstanceOf(HomeserverUnavailable);
    gate.resolve();
    await Promise.all([first, second]);
  });

  it('drops a queued task whose request was aborted', async () => {
    const limiter = new Limiter(1, 5);
    const gate = deferred();
    const first = limiter.run(() => gate.promise);
    const controller = new AbortController();
    const queued = limiter.run(() => Promise.resolve('ran'), controller.signal);
    controller.abort(new Error('client went away'));
    await expect(queued).rejects.toThrow('client went away');
    expect(limiter.queuedCount).toBe(0);
    gate.resolve();
    await first;
  });
});
