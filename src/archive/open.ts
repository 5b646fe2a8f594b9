import type { ArchiveConfig } from '../config.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { ArchiveStore } from './types.js';

/** The store the configuration names, or none with ARCHIVE=off. Migrations run in migrate(). */
export function createStore(config: ArchiveConfig): ArchiveStore | undefined {
  if (config.kind === 'off') return undefined;
  if (config.kind === 'postgres') return new PostgresStore({ connectionString: config.url, schema: new URL(config.url).searchParams.get('schema') ?? undefined });
  return new SqliteStore(config.path);
}
