/**
 * Work on large lists in slices that give the event loop back between them, so that no
 * single task holds it for long (the target is about 50 ms, whatever the homeserver sends).
 * A slice ends on time, not on a count: the same code stays short on a loaded machine.
 * Results are exactly those of the plain loops; only their timing differs.
 */

/** How long one slice may run before it yields. Well under the 50 ms target, since a slow
 * machine or a GC pause lengthens a slice after the check. */
export const SLICE_MS = 8;

const waiting: Array<() => void> = [];

function releaseOne(): void {
  waiting.shift()?.();
  if (waiting.length > 0) setImmediate(releaseOne);
}

/**
 * Waits for a turn of the event loop of its own: the waiters go on one per turn, in order,
 * and each turn's poll phase (new requests, a cached page's answer) comes between two of
 * them. With a plain setImmediate every waiter would go on in the same turn, one after the
 * other, and many big jobs at once would hold the loop as long as one job made of all of them.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (waiting.push(resolve) === 1) setImmediate(releaseOne);
  });
}

/** Counts time since the last yield; `due()` is cheap enough to call every few items. */
export class Slicer {
  private started = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  due(): boolean {
    return performance.now() - this.started >= this.sliceMs;
  }

  /** Yields if the slice is over. */
  async maybeYield(): Promise<void> {
    if (this.due()) await this.yield();
  }

  async yield(): Promise<void> {
    await yieldToLoop();
    this.started = performance.now();
  }
}

/** How many items between two looks at the clock. */
const CHECK_EVERY = 256;

/** `fn` over every item, in order, yielding between slices. */
export async function forEachInSlices<T>(items: readonly T[], fn: (item: T, index: number) => void, slicer = new Slicer()): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    fn(items[i]!, i);
    if (i % CHECK_EVERY === CHECK_EVERY - 1) await slicer.maybeYield();
  }
}

/** Runs of this many are sorted with Array.prototype.sort (a few milliseconds at most). */
const RUN = 1024;

/**
 * A stable sort of `items` (a new array; the input is left alone) in slices: runs of RUN
 * items are sorted alone, then merged pairwise, yielding between slices. Same order as
 * `[...items].sort(compare)`, which is stable too.
 */
export async function sortInSlices<T>(items: readonly T[], compare: (a: T, b: T) => number, slicer = new Slicer()): Promise<T[]> {
  let from: T[] = [];
  for (let i = 0; i < items.length; i += RUN) {
    const run = items.slice(i, i + RUN).sort(compare);
    for (const item of run) from.push(item);
    await slicer.maybeYield();
  }
  let to: T[] = new Array<T>(from.length);
  for (let width = RUN; width < from.length; width *= 2) {
    let steps = 0;
    for (let left = 0; left < from.length; left += 2 * width) {
      const mid = Math.min(left + width, from.length);
      const end = Math.min(left + 2 * width, from.length);
      let i = left;
      let j = mid;
      let k = left;
      while (i < mid && j < end) {
        // `<= 0` takes the left one on ties: stable.
        to[k++] = compare(from[i]!, from[j]!) <= 0 ? from[i++]! : from[j++]!;
        if (++steps % CHECK_EVERY === 0) await slicer.maybeYield();
      }
      while (i < mid) to[k++] = from[i++]!;
      while (j < end) to[k++] = from[j++]!;
    }
    [from, to] = [to, from];
    await slicer.maybeYield();
  }
  return from;
}
