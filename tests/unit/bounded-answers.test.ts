import { describe, expect, it } from 'vitest';
import { AnswerTooLarge, boundedFetch, ByteBudget } from '../../src/matrix/bounded-fetch.js';
import { ArrayElements, readArray } from '../../src/matrix/json-array-stream.js';
import { startFakeHomeserver } from '../support/fake-homeserver.js';

const members = Array.from({ length: 50 }, (_, n) => ({ type: 'm.room.member', state_key: `@u${n}:x`, content: { displayname: n % 5 ? `User ${n}` : 'tricky "[{]}\\" name' } }));
const body = JSON.stringify({ chunk: members, extra: { chunk: ['not this'] } });

describe('ArrayElements', () => {
  it('gives every element whole, however the text is cut into chunks', () => {
    for (const size of [1, 2, 7, 64, body.length]) {
      const seen: unknown[] = [];
      const elements = new ArrayElements('chunk', (value) => seen.push(value));
      for (let i = 0; i < body.length; i += size) elements.push(body.slice(i, i + size));
      expect(seen).toEqual(members);
    }
  });

  it('keeps the elements that arrived whole from an answer cut off in the middle', () => {
    const seen: unknown[] = [];
    const elements = new ArrayElements('chunk', (value) => seen.push(value));
    elements.push(body.slice(0, Math.floor(body.length / 2)));
    expect(seen.length).toBeGreaterThan(10);
    expect(seen).toEqual(members.slice(0, seen.length));
  });
});

describe('boundedFetch', () => {
  it('stops an answer past the byte bound, and the streamed reader keeps what arrived whole', async () => {
    const server = await startFakeHomeserver((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ chunk: Array.from({ length: 5000 }, (_, n) => ({ n, pad: 'x'.repeat(100) })) }));
    });
    try {
      const budget = new ByteBudget(1 << 20);
      const fetch = boundedFetch({ maxBytes: 64 * 1024, timeoutMs: 5000, budget });
      await expect((await fetch(server.url)).json()).rejects.toBeInstanceOf(AnswerTooLarge);
      const { items, complete } = await readArray(await fetch(server.url), 'chunk');
      expect(complete).toBe(false);
      expect(items.length).toBeGreaterThan(100);
      expect(items.length).toBeLessThan(5000);
      expect(budget.bytesInFlight).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('ends an answer in a turn of the loop of its own, so what reads it whole does not add to the turn that read its last bytes', async () => {
    const server = await startFakeHomeserver((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"chunk":[]}');
    });
    try {
      const fetch = boundedFetch({ maxBytes: 1 << 20, timeoutMs: 5000, budget: new ByteBudget(1 << 20) });
      const response = await fetch(server.url);
      // Let the whole body arrive, so that only the end is left to wait for.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const order: string[] = [];
      setImmediate(() => order.push('other'));
      await response.json().then(() => order.push('parsed'));
      expect(order).toEqual(['other', 'parsed']);
    } finally {
      await server.close();
    }
  });

  it('stops an answer that never ends at the deadline', async () => {
    const server = await startFakeHomeserver((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"chunk":[');
      const timer = setInterval(() => res.write('{"n":1},'), 20);
      res.on('close', () => clearInterval(timer));
    });
    try {
      const budget = new ByteBudget(1 << 20);
      const fetch = boundedFetch({ maxBytes: 1 << 20, timeoutMs: 300, budget });
      const started = Date.now();
      await expect((await fetch(server.url)).text()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(budget.bytesInFlight).toBe(0);
    } finally {
      await server.close();
    }
  });
});

describe('ByteBudget', () => {
  it('holds later readers while the total is over the bound, never the oldest', async () => {
    const budget = new ByteBudget(100);
    const first = budget.open();
    const second = budget.open();
    await budget.take(first, 80);
    let secondTook = false;
    const waiting = budget.take(second, 50).then(() => (secondTook = true));
    await budget.take(first, 80); // over the bound, but the oldest goes on
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(secondTook).toBe(false);
    budget.close(first, 160);
    await waiting;
    expect(budget.bytesInFlight).toBe(50);
  });
});
