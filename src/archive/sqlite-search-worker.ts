// The SQLite archive's search worker (started by sqlite-search-pool.ts): a read-only
// connection of its own to the archive file, answering one search at a time. node:sqlite is
// synchronous, so a search statement here holds this thread, not the server's event loop.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { preparedStatements, searchSqlite } from './sqlite-search.js';
import type { SearchQuery } from './types.js';

export interface SearchRequest {
  id: number;
  query: SearchQuery;
}

const db = new DatabaseSync((workerData as { path: string }).path, { readOnly: true });
db.exec('PRAGMA busy_timeout = 5000');
const reader = preparedStatements(db);
const noPause = async (): Promise<void> => {};

// One search at a time, each in one read transaction: its count, page and snippets see the
// same committed state of the archive (WAL keeps that snapshot while chunks are written).
let queue = Promise.resolve();
parentPort?.on('message', (request: SearchRequest) => {
  queue = queue.then(async () => {
    try {
      db.exec('BEGIN');
      const result = await searchSqlite(reader, request.query, noPause);
      db.exec('COMMIT');
      parentPort?.postMessage({ id: request.id, result });
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
});
