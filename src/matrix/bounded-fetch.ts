import { BadGateway, HomeserverTimeout } from '../errors.js';
import { yieldToLoop } from '../slices.js';

/** The homeserver's answer passed the byte bound: the call stopped there. */
export class AnswerTooLarge extends BadGateway {
  override name = 'AnswerTooLarge';
  override readonly explanation: string;
  constructor(readonly maxBytes: number) {
    super(`answer over ${maxBytes} bytes`);
    this.explanation = `The homeserver's answer was bigger than this viewer reads at once (${Math.round(maxBytes / 2 ** 20)} MB), so it stopped reading.`;
  }
}

/**
 * Bytes of answers being read, across every call. A call waits while the total is over the
 * bound, except the oldest reader, which always goes on: so memory stays near the bound and
 * the readers never wait for each other in a circle.
 */
export class ByteBudget {
  private inFlight = 0;
  private readonly readers = new Set<object>();
  private waiting: Array<() => void> = [];

  constructor(readonly maxBytes: number) {}

  get bytesInFlight(): number {
    return this.inFlight;
  }

  open(): object {
    const reader = {};
    this.readers.add(reader);
    return reader;
  }

  async take(reader: object, bytes: number): Promise<void> {
    while (this.inFlight + bytes > this.maxBytes && this.readers.values().next().value !== reader) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.inFlight += bytes;
  }

  close(reader: object, bytes: number): void {
    if (!this.readers.delete(reader)) return;
    this.inFlight -= bytes;
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }
}

export interface BoundedFetchOptions {
  /** The most one answer may carry, counted as it streams. */
  maxBytes: number;
  /** The most one answer may take, headers and body together. */
  timeoutMs: number;
  budget: ByteBudget;
  fetch?: typeof globalThis.fetch;
}

/**
 * A fetch whose answers are bounded: the body is counted as it streams and stops with
 * AnswerTooLarge past `maxBytes`, or HomeserverTimeout past `timeoutMs` (an answer that never
 * ends), and its bytes count against the shared budget until it is read. matrix-js-sdk reads
 * bodies through it (its `fetchFn`), and so does the streaming reader of member lists.
 */
export function boundedFetch(opts: BoundedFetchOptions): typeof globalThis.fetch {
  const inner = opts.fetch ?? globalThis.fetch;
  return async (input, init) => {
    const deadline = AbortSignal.timeout(opts.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const response = await inner(input, { ...init, signal });
    if (!response.body) return response;
    const reader = opts.budget.open();
    let seen = 0;
    const fail = (error: Error, controller: TransformStreamDefaultController<Uint8Array>): void => {
      opts.budget.close(reader, seen);
      controller.error(error);
    };
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        async transform(chunk, controller) {
          if (deadline.aborted) return fail(new HomeserverTimeout('the answer took too long'), controller);
          if (seen + chunk.byteLength > opts.maxBytes) return fail(new AnswerTooLarge(opts.maxBytes), controller);
          await opts.budget.take(reader, chunk.byteLength);
          seen += chunk.byteLength;
          controller.enqueue(chunk);
        },
        // The end of the answer waits for a turn of its own, so that what the reader then does
        // with the whole answer (the JSON parse and what follows) is not added to the turn
        // that read the last bytes, in which other answers' last bytes may be read too.
        async flush() {
          await yieldToLoop();
          opts.budget.close(reader, seen);
        },
        cancel() {
          opts.budget.close(reader, seen);
        },
      }),
      { signal },
    );
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
