import { PostgresStore } from '../../src/archive/postgres.js';
import { freshSchema, postgresUrl } from '../support/postgres.js';
import { storeSuite } from '../support/store-suite.js';

storeSuite('PostgreSQL', async () => new PostgresStore({ connectionString: postgresUrl(), schema: freshSchema('store') }));
