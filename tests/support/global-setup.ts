// vitest globalSetup for the e2e project: makes sure the seeded Synapse runs (installing and
// seeding it on first use, a few seconds when it is already there) via scripts/homeserver.sh,
// and that the test PostgreSQL runs (scripts/postgres.sh).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSeed } from './homeserver.js';

const repoDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export default function setup(): void {
  const started = Date.now();
  const result = spawnSync('bash', [join(repoDir, 'scripts', 'homeserver.sh')], {
    cwd: repoDir,
    stdio: 'inherit',
  });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit status ${result.status ?? result.signal}`;
    throw new Error(
      `The test homeserver could not be started (scripts/homeserver.sh: ${why}). ` +
        'Run "npm run homeserver" to see why; its log is synapse.log in $MSV_CACHE_DIR ' +
        '(default ~/.cache/matrix-static-viewer).',
    );
  }
  // The PostgreSQL archive's tests need their database server too (scripts/postgres.sh).
  const pg = spawnSync('bash', [join(repoDir, 'scripts', 'postgres.sh')], { cwd: repoDir, stdio: 'inherit' });
  if (pg.error || pg.status !== 0) {
    throw new Error(`The test PostgreSQL could not be started (scripts/postgres.sh: ${pg.error?.message ?? `exit status ${pg.status}`}).`);
  }
  const seed = loadSeed();
  console.error(`e2e: homeserver ready at ${seed.homeserverUrl} in ${Date.now() - started} ms`);
}
