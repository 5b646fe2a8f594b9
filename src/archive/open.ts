import type { ArchiveConfig } from '../config.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { ArchiveStore } from './types.js';

/** The store the configuration names, or none with ARCHIVE=off. Migrations run in migrate(). */
export function createStore(config: ArchiveConfig): ArchiveStore | undefined {
  if (config.kind === 'off') return undefined;
  if (config.kind === 'postgres') {
    // `?schema=` (ours, not libpq's) keeps one database's archives apart, as the tests do.
    const url = new URL(config.url);
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    return new PostgresStore({ connectionString: url.toString(), schema });
  }
  return new SqliteStore(config.path);
}
