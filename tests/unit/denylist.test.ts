import { describe, expect, it } from 'vitest';
import { Denylist, serverOf } from '../../src/rooms/denylist.js';

describe('Denylist', () => {
  const list = new Denylist(['!bad:example.org', '#Spam:example.org', 'evil.example']);

  it('denies listed room IDs, aliases (case-insensitively) and servers', () => {
    expect(list.denies('!bad:example.org')).toBe(true);
    expect(list.denies('!good:example.org', ['#spam:example.org'])).toBe(true);
    expect(list.denies('!any:evil.example')).toBe(true);
    expect(list.denies('!v12roomidwithoutserver', ['#room:evil.example'])).toBe(true);
  });

  it('lets everything else through', () => {
    expect(list.denies('!good:example.org', ['#fine:example.org', undefined])).toBe(false);
    expect(list.denies('!v12roomidwithoutserver')).toBe(false);
    expect(new Denylist([]).isEmpty).toBe(true);
  });

  it('finds the server part of IDs', () => {
    expect(serverOf('!a:Example.org:8448')).toBe('example.org:8448');
    expect(serverOf('!abcdef')).toBeUndefined();
  });
});
