import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { HomeserverClient, type CallOutcome } from '../../src/matrix/client.js';
import { BadGateway, HomeserverTimeout, HomeserverUnavailable, RateLimited } from '../../src/errors.js';
import { MatrixApiError } from '../../src/matrix/errors.js';
import { Session } from '../../src/matrix/session.js';
import { json, startFakeHomeserver, type FakeHandler } from '../support/fake-homeserver.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function clientFor(handler: FakeHandler, options: { timeoutMs?: number; token?: string } = {}) {
  const fake = await startFakeHomeserver(handler);
  closers.push(fake.close);
  let registrations = 0;
  const session = new Session(
    {
      registerGuest: async () => {
        registrations++;
        return `guest-${registrations}`;
      },
    },
    options.token,
  );
  const calls: CallOutcome[] = [];
  const client = new HomeserverClient({
    baseUrl: fake.url,
    session,
    timeoutMs: options.timeoutMs ?? 2000,
    concurrency: 4,
    maxAnswerBytes: 8 * 2 ** 20, maxBytesInFlight: 32 * 2 ** 20, queueLimit: 10,
    log: pino({ level: 'silent' }),
    onCall: (_endpoint, outcome) => calls.push(outcome),
  });
  return { client, calls, registrations: () => registrations };
}

describe('HomeserverClient', () => {
  it('sends the session token and returns the parsed body', async () => {
    const { client, calls } = await clientFor((req, res) => {
      json(res, 200, { auth: req.headers.authorization, url: req.url });
    });
    const body = await client.get<{ auth: string; url: string }>('/rooms/!a%3Ab/state', { endpoint: 'state', query: { limit: 5 } });
    expect(body.auth).toBe('Bearer guest-1');
    expect(body.url).toBe('/_matrix/client/v3/rooms/!a%3Ab/state?limit=5');
    expect(calls).toEqual(['ok']);
  });

  it('registers a new guest once when the token is rejected, and retries', async () => {
    const { client, registrations } = await clientFor((req, res) => {
      if (req.headers.authorization === 'Bearer guest-1') return json(res, 401, { errcode: 'M_UNKNOWN_TOKEN', error: 'gone' });
      json(res, 200, { ok: true });
    });
    expect(await client.get('/x', { endpoint: 'x' })).toEqual({ ok: true });
    expect(registrations()).toBe(2);
  });

  it('waits out M_LIMIT_EXCEEDED once, then succeeds', async () => {
    let hits = 0;
    const { client } = await clientFor((_req, res) => {
      hits++;
      if (hits === 1) return json(res, 429, { errcode: 'M_LIMIT_EXCEEDED', error: 'slow down', retry_after_ms: 150 });
      json(res, 200, { hits });
    });
    const started = Date.now();
    expect(await client.get('/x', { endpoint: 'x' })).toEqual({ hits: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers 429 when the homeserver keeps rate-limiting', async () => {
    const { client } = await clientFor((_req, res) => json(res, 429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 50 }));
    await expect(client.get('/x', { endpoint: 'x' })).rejects.toBeInstanceOf(RateLimited);
  });

  it('maps failures to typed errors', async () => {
    const { client } = await clientFor((req, res) => {
      if (req.url?.includes('garbage')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end('{"chunk": [tru');
      }
      if (req.url?.includes('five-hundred')) return json(res, 500, { errcode: 'M_UNKNOWN', error: 'boom' });
      if (req.url?.includes('html-error')) {
        res.writeHead(503, { 'Content-Type': 'text/html' });
        return res.end('<h1>maintenance</h1>');
      }
      if (req.url?.includes('forbidden')) return json(res, 403, { errcode: 'M_FORBIDDEN', error: 'no' });
      if (req.url?.includes('slow')) return void setTimeout(() => json(res, 200, {}), 1000);
      json(res, 200, {});
    }, { timeoutMs: 200 });
    await expect(client.get('/garbage', { endpoint: 'x' })).rejects.toBeInstanceOf(BadGateway);
    await expect(client.get('/five-hundred', { endpoint: 'x' })).rejects.toBeInstanceOf(BadGateway);
    await expect(client.get('/html-error', { endpoint: 'x' })).rejects.toBeInstanceOf(HomeserverUnavailable);
    await expect(client.get('/slow', { endpoint: 'x' })).rejects.toBeInstanceOf(HomeserverTimeout);
    const forbidden = await client.get('/forbidden', { endpoint: 'x' }).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(MatrixApiError);
    expect((forbidden as MatrixApiError).errcode).toBe('M_FORBIDDEN');
    expect(client.health.lastFailure).toBe('timeout');
  });

  it('reports an unreachable homeserver as unavailable', async () => {
    const fake = await startFakeHomeserver(() => {});
    const url = fake.url;
    await fake.close();
    const client = new HomeserverClient({
      baseUrl: url,
      session: new Session({ registerGuest: async () => 't' }, undefined),
      timeoutMs: 1000,
      concurrency: 1,
      maxAnswerBytes: 8 * 2 ** 20, maxBytesInFlight: 32 * 2 ** 20, queueLimit: 1,
      log: pino({ level: 'silent' }),
    });
    await expect(client.get('/x', { endpoint: 'x' })).rejects.toBeInstanceOf(HomeserverUnavailable);
  });
});
