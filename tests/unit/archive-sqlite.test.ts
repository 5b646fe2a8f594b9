import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/archive/query.js';
import { SqliteStore } from '../../src/archive/sqlite.js';
import { BadRequest } from '../../src/errors.js';
import { storeSuite } from '../support/store-suite.js';

storeSuite('SQLite', async () => new SqliteStore(join(mkdtempSync(join(tmpdir(), 'msv-archive-')), 'archive.sqlite')));

describe('search query parsing', () => {
  it('splits words and "phrases" and takes from:', () => {
    expect(parseQuery('Hello "big World" from:@a:b.c x')).toEqual({ terms: [['big', 'world'], ['hello'], ['x']], sender: '@a:b.c' });
  });
  it('refuses what no reader types, with a reason', () => {
    for (const bad of ['x'.repeat(10_000), 'a\u0000b', 'a\uD800b', 'b\uDC00', '***', '', 'from:nobody', '\uE000']) {
      expect(() => parseQuery(bad), JSON.stringify(bad.slice(0, 10))).toThrow(BadRequest);
    }
  });
});
