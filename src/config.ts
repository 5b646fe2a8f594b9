/**
 * Every setting, read from the environment once at start and validated. A bad value stops
 * the process with a message that names the variable; nothing else reads process.env.
 */

export interface Config {
  readonly homeserverUrl: string;
  /** A bot account's token; without one the viewer registers as a guest. */
  readonly accessToken: string | undefined;
  readonly port: number;
  /** Base for canonical links, OpenGraph and the sitemap. */
  readonly publicUrl: string;
  readonly cacheMaxBytes: number;
  /** How long a cached room is served before it is brought up to date. */
  readonly freshnessMs: number;
  /**
   * The longest a cache in front of the viewer (a CDN) may serve a page without asking again:
   * max-age plus stale-while-revalidate of any page stays within it, so what a room takes back
   * leaves every cache within ROOM_FRESHNESS_SECONDS + 1 s + this.
   */
  readonly cdnMaxAgeSeconds: number;
  /** How long an unused room stays in the cache at all. */
  readonly cacheTtlMs: number;
  readonly upstreamTimeoutMs: number;
  readonly upstreamConcurrency: number;
  readonly upstreamQueueLimit: number;
  /** The most one homeserver answer may carry; past it the call stops. */
  readonly upstreamMaxBytes: number;
  /** The most all homeserver answers being read may carry together. */
  readonly upstreamInFlightBytes: number;
  readonly directoryPageSize: number;
  readonly membersPageSize: number;
  readonly timelinePageSize: number;
  readonly mediaMaxBytes: number;
  /** Room IDs, aliases (with `#`) and server names that are never shown. */
  readonly denylist: readonly string[];
  readonly indexing: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly metricsToken: string | undefined;
  /** Pages per minute one client may ask for; 0 turns the limit off. */
  readonly rateLimitPerMinute: number;
  readonly archive: ArchiveConfig;
}

/** Where the archive lives: off (cache only), an SQLite file, or a shared PostgreSQL. */
export type ArchiveConfig =
  | { readonly kind: 'off' }
  | ({ readonly kind: 'sqlite'; readonly path: string } & ArchiveBounds)
  | ({ readonly kind: 'postgres'; readonly url: string } & ArchiveBounds);

export interface ArchiveBounds {
  /** Backfill stops reading a room once the archive holds this many of its events. */
  readonly maxEventsPerRoom: number;
  /** Homeserver calls per minute the backfill makes; 0: this process never backfills. */
  readonly backfillCallsPerMinute: number;
  /** Events per backfill call. */
  readonly backfillChunk: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function httpUrl(env: Env, name: string, fallback: string): string {
  const raw = env[name]?.trim() || fallback;
  const url = URL.parse(raw);
  if (!url) throw new ConfigError(`${name} must be an absolute http(s) URL, got ${JSON.stringify(raw)}`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must use http or https, got ${JSON.stringify(raw)}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`${name} must not carry a query, fragment or credentials`);
  }
  return url.toString().replace(/\/$/, '');
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function logLevel(env: Env): Config['logLevel'] {
  const raw = env['LOG_LEVEL']?.trim().toLowerCase() || 'info';
  const level = LOG_LEVELS.find((l) => l === raw);
  if (!level) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(raw)}`);
  return level;
}

const DENY_ENTRY = /^([!#][^\s:]+(:[A-Za-z0-9.\-\[\]:]+)?|[A-Za-z0-9.\-]+(:\d+)?)$/;

function denylist(env: Env): string[] {
  const entries = (env['ROOM_DENYLIST'] ?? '')
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (!DENY_ENTRY.test(entry)) {
      throw new ConfigError(`ROOM_DENYLIST entries must be room IDs, #aliases or server names, got ${JSON.stringify(entry)}`);
    }
  }
  return entries;
}

const MB = 1024 * 1024;

function archive(env: Env): ArchiveConfig {
  if (!boolean(env, 'ARCHIVE', true)) return { kind: 'off' };
  const bounds: ArchiveBounds = {
    maxEventsPerRoom: integer(env, 'ARCHIVE_MAX_EVENTS_PER_ROOM', 1_000_000, 100, 1_000_000_000),
    backfillCallsPerMinute: integer(env, 'ARCHIVE_BACKFILL_CALLS_PER_MINUTE', 30, 0, 6000),
    backfillChunk: integer(env, 'ARCHIVE_BACKFILL_CHUNK', 100, 10, 1000),
  };
  const url = env['DATABASE_URL']?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\/[^\s]+$/.test(url)) throw new ConfigError('DATABASE_URL must be a postgres:// URL');
    return Object.freeze({ kind: 'postgres', url, ...bounds });
  }
  const path = env['ARCHIVE_PATH']?.trim() || './data/archive.sqlite';
  if (/\u0000/.test(path)) throw new ConfigError('ARCHIVE_PATH must be a file path');
  return Object.freeze({ kind: 'sqlite', path, ...bounds });
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 8000, 1, 65535);
  const accessToken = env['MATRIX_ACCESS_TOKEN']?.trim() || undefined;
  if (accessToken && /\s/.test(accessToken)) throw new ConfigError('MATRIX_ACCESS_TOKEN must not contain whitespace');
  return Object.freeze({
    homeserverUrl: httpUrl(env, 'MATRIX_HOMESERVER_URL', 'https://matrix-client.matrix.org'),
    accessToken,
    port,
    publicUrl: httpUrl(env, 'PUBLIC_URL', `http://localhost:${port}`),
    // 64 MB of estimated cache (snapshots, pages, day index) stays within the 192 MB heap the
    // Procfile gives V8, well inside a 512 MB dyno.
    cacheMaxBytes: integer(env, 'CACHE_MAX_MB', 64, 1, 64 * 1024) * MB,
    freshnessMs: integer(env, 'ROOM_FRESHNESS_SECONDS', 10, 1, 86_400) * 1000,
    cdnMaxAgeSeconds: integer(env, 'CDN_MAX_AGE_SECONDS', 3600, 0, 7 * 86_400),
    cacheTtlMs: integer(env, 'CACHE_TTL_SECONDS', 3600, 10, 7 * 86_400) * 1000,
    upstreamTimeoutMs: integer(env, 'UPSTREAM_TIMEOUT_MS', 10_000, 100, 120_000),
    upstreamConcurrency: integer(env, 'UPSTREAM_CONCURRENCY', 8, 1, 256),
    upstreamQueueLimit: integer(env, 'UPSTREAM_QUEUE_LIMIT', 200, 0, 100_000),
    // 8 MB holds a member list of about 25,000 and any sensible page of events; 32 MB in
    // flight keeps many concurrent loads inside the heap the Procfile gives V8.
    upstreamMaxBytes: integer(env, 'UPSTREAM_MAX_MB', 8, 1, 1024) * MB,
    upstreamInFlightBytes: integer(env, 'UPSTREAM_IN_FLIGHT_MB', 32, 1, 16 * 1024) * MB,
    directoryPageSize: integer(env, 'DIRECTORY_PAGE_SIZE', 20, 1, 500),
    membersPageSize: integer(env, 'MEMBERS_PAGE_SIZE', 100, 1, 1000),
    timelinePageSize: integer(env, 'TIMELINE_PAGE_SIZE', 50, 5, 500),
    mediaMaxBytes: integer(env, 'MEDIA_MAX_MB', 20, 1, 1024) * MB,
    denylist: Object.freeze(denylist(env)),
    indexing: boolean(env, 'SEARCH_ENGINE_INDEXING', true),
    logLevel: logLevel(env),
    metricsToken: env['METRICS_TOKEN']?.trim() || undefined,
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 600, 0, 1_000_000),
    archive: archive(env),
  });
}
