/** The per-client rate limit (web/client-limit.ts), which the routes and the hit path share. */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, ClientLimiter } from '../../src/web/client-limit.js';

function request(url: string, address: string, forwarded?: string): IncomingMessage {
  return { url, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded }, socket: { remoteAddress: address } } as unknown as IncomingMessage;
}

describe('ClientLimiter', () => {
  it('allows perMinute requests a client per window, then refuses until its window ends', () => {
    let now = 1_000_000;
    const limiter = new ClientLimiter(3, () => now);
    const ask = (address = '192.0.2.1'): boolean | undefined => limiter.take(request('/room/x', address))?.allowed;
    expect([ask(), ask(), ask(), ask()]).toEqual([true, true, true, false]);
    // Another client has its own count.
    expect(ask('192.0.2.2')).toBe(true);
    now += 59_000;
    expect(ask()).toBe(false);
    const last = limiter.take(request('/room/x', '192.0.2.1'))!;
    expect(last.resetMs).toBe(1000);
    now += 1000;
    expect(ask()).toBe(true);
  });

  it('counts a request once, however often it is asked (the hit path, then the routes)', () => {
    const limiter = new ClientLimiter(2);
    const req = request('/room/x', '192.0.2.1');
    expect(limiter.take(req)?.remaining).toBe(1);
    expect(limiter.take(req)?.remaining).toBe(1);
    expect(limiter.take(request('/room/x', '192.0.2.1'))?.remaining).toBe(0);
  });

  it('never limits the operators’ and static paths, and is off at 0', () => {
    const limiter = new ClientLimiter(1);
    for (const url of ['/healthz', '/readyz/', '/metrics?x=1', '/static/style.css', '/HEALTHZ']) expect(limiter.take(request(url, '192.0.2.1'))).toBeUndefined();
    expect(new ClientLimiter(0).take(request('/room/x', '192.0.2.1'))).toBeUndefined();
  });

  it('counts IPv6 clients by their /56, so one cannot step round the limit inside its own network', () => {
    const limiter = new ClientLimiter(2);
    expect(limiter.take(request('/room/x', '2001:db8:0:100::1'))?.allowed).toBe(true);
    expect(limiter.take(request('/room/x', '2001:db8:0:1ff::2'))?.allowed).toBe(true);
    expect(limiter.take(request('/room/x', '2001:db8:0:1ab::3'))?.allowed).toBe(false);
    expect(limiter.take(request('/room/x', '2001:db8:0:200::1'))?.allowed).toBe(true);
  });

  it('takes the client from the last X-Forwarded-For hop, as express does with trust proxy 1', () => {
    expect(clientAddress(request('/', '10.0.0.1', '203.0.113.7'))).toBe('203.0.113.7');
    expect(clientAddress(request('/', '10.0.0.1', '10.9.9.9, 198.51.100.4'))).toBe('198.51.100.4');
    expect(clientAddress(request('/', '10.0.0.1'))).toBe('10.0.0.1');
    expect(clientAddress(request('/', '10.0.0.1', ''))).toBe('10.0.0.1');
  });

  it('keeps the clients of one window at most, starting the counts again past it', () => {
    let now = 0;
    const limiter = new ClientLimiter(1, () => now);
    const many = 200_001;
    for (let i = 0; i < many; i++) limiter.take(request('/room/x', `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
    // Past the bound the counts were dropped, so the first client is counted afresh.
    now += 1;
    expect(limiter.take(request('/room/x', '10.0.0.0'))?.allowed).toBe(true);
  });
});
