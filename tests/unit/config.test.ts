import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('has defaults that work with no environment at all', () => {
    const config = loadConfig({});
    expect(config.homeserverUrl).toBe('https://matrix-client.matrix.org');
    expect(config.port).toBe(8000);
    expect(config.publicUrl).toBe('http://localhost:8000');
    expect(config.accessToken).toBeUndefined();
    expect(config.freshnessMs).toBe(10_000);
    expect(config.indexing).toBe(true);
    expect(config.denylist).toEqual([]);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every value it is given', () => {
    const config = loadConfig({
      MATRIX_HOMESERVER_URL: 'http://127.0.0.1:8008/',
      MATRIX_ACCESS_TOKEN: 'syt_abc',
      PORT: '5000',
      PUBLIC_URL: 'https://viewer.example.org',
      CACHE_MAX_MB: '50',
      ROOM_FRESHNESS_SECONDS: '3',
      ROOM_DENYLIST: '!bad:example.org, #spam:example.org evil.example',
      SEARCH_ENGINE_INDEXING: 'off',
      LOG_LEVEL: 'warn',
    });
    expect(config.homeserverUrl).toBe('http://127.0.0.1:8008');
    expect(config.accessToken).toBe('syt_abc');
    expect(config.port).toBe(5000);
    expect(config.publicUrl).toBe('https://viewer.example.org');
    expect(config.cacheMaxBytes).toBe(50 * 1024 * 1024);
    expect(config.freshnessMs).toBe(3000);
    expect(config.denylist).toEqual(['!bad:example.org', '#spam:example.org', 'evil.example']);
    expect(config.indexing).toBe(false);
    expect(config.logLevel).toBe('warn');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ MATRIX_HOMESERVER_URL: 'ftp://example.org' }, /MATRIX_HOMESERVER_URL/],
    [{ MATRIX_HOMESERVER_URL: 'not a url' }, /MATRIX_HOMESERVER_URL/],
    [{ PUBLIC_URL: 'https://x.example/?a=1' }, /PUBLIC_URL/],
    [{ CACHE_MAX_MB: '0' }, /CACHE_MAX_MB/],
    [{ ROOM_FRESHNESS_SECONDS: '-1' }, /ROOM_FRESHNESS_SECONDS/],
    [{ SEARCH_ENGINE_INDEXING: 'maybe' }, /SEARCH_ENGINE_INDEXING/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ ROOM_DENYLIST: 'not a/room' }, /ROOM_DENYLIST/],
    [{ MATRIX_ACCESS_TOKEN: 'two words' }, /MATRIX_ACCESS_TOKEN/],
  ])('rejects %j with a message naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});

describe('the archive settings', () => {
  it('is an SQLite file under ./data by default, PostgreSQL with DATABASE_URL, nothing with ARCHIVE=off', () => {
    expect(loadConfig({}).archive).toMatchObject({ kind: 'sqlite', path: './data/archive.sqlite', backfillCallsPerMinute: 30 });
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db.example:5432/x' }).archive).toMatchObject({ kind: 'postgres', url: 'postgres://u:p@db.example:5432/x' });
    expect(loadConfig({ ARCHIVE: 'off', DATABASE_URL: 'postgres://x/y' }).archive).toEqual({ kind: 'off' });
    expect(loadConfig({ ARCHIVE_PATH: '/var/a.db', ARCHIVE_MAX_EVENTS_PER_ROOM: '5000', ARCHIVE_BACKFILL_CALLS_PER_MINUTE: '0' }).archive).toMatchObject({ path: '/var/a.db', maxEventsPerRoom: 5000, backfillCallsPerMinute: 0 });
  });
  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ ARCHIVE: 'maybe' })).toThrow(/ARCHIVE/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ARCHIVE_MAX_EVENTS_PER_ROOM: '-1' })).toThrow(/ARCHIVE_MAX_EVENTS_PER_ROOM/);
    expect(() => loadConfig({ ARCHIVE_BACKFILL_CALLS_PER_MINUTE: 'fast' })).toThrow(/ARCHIVE_BACKFILL_CALLS_PER_MINUTE/);
  });
});
