// The test PostgreSQL that scripts/postgres.sh starts (the e2e global setup runs it).
import { randomBytes } from 'node:crypto';

export function postgresUrl(): string {
  return `postgres://msv@127.0.0.1:${process.env['POSTGRES_PORT'] || '5433'}/msv`;
}

/** A schema name of its own, so that test files never see each other's rows. */
export function freshSchema(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}
