import { describe, expect, it } from 'vitest';
import { BadGateway } from '../../src/errors.js';
import { Session } from '../../src/matrix/session.js';

function countingRegistrar(fail = 0): { registerGuest: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    registerGuest: async () => {
      calls++;
      if (calls <= fail) throw new Error('homeserver down');
      return `guest-token-${calls}`;
    },
    calls: () => calls,
  };
}

describe('Session', () => {
  it('uses a configured token and never registers', async () => {
    const registrar = countingRegistrar();
    const session = new Session(registrar, 'bot-token');
    expect(await session.token()).toBe('bot-token');
    expect(session.isGuest).toBe(false);
    await expect(session.tokenRejected('bot-token')).rejects.toBeInstanceOf(BadGateway);
    expect(registrar.calls()).toBe(0);
  });

  it('registers one guest for a burst of concurrent first requests', async () => {
    const registrar = countingRegistrar();
    const session = new Session(registrar, undefined);
    const tokens = await Promise.all([session.token(), session.token(), session.token()]);
    expect(tokens).toEqual(['guest-token-1', 'guest-token-1', 'guest-token-1']);
    expect(registrar.calls()).toBe(1);
  });

  it('registers again once when the token is rejected, however many callers saw it', async () => {
    const registrar = countingRegistrar();
    const session = new Session(registrar, undefined);
    const first = await session.token();
    await Promise.all([session.tokenRejected(first), session.tokenRejected(first)]);
    expect(await session.token()).toBe('guest-token-2');
    expect(registrar.calls()).toBe(2);
  });

  it('tries again after a failed registration instead of caching the failure', async () => {
    const registrar = countingRegistrar(1);
    const session = new Session(registrar, undefined);
    await expect(session.token()).rejects.toThrow('homeserver down');
    expect(await session.token()).toBe('guest-token-2');
  });
});
