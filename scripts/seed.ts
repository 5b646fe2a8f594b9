// Seeds the test homeserver (started by scripts/homeserver.sh, which sets the MSV_* variables)
// with users and rooms, and writes the manifest that tests read (tests/support/homeserver.ts).
//   npx tsx scripts/seed.ts    (normally run by scripts/homeserver.sh)
// Tests read the seeded rooms but never write into them (they make rooms of their own), so a
// homeserver reused across runs keeps the state the manifest describes.
import { renameSync, writeFileSync } from 'node:fs';
import type { SeedManifest } from '../tests/support/homeserver.js';
import { config, request, SERVER_NAME } from './seed/client.js';
import { seedCrowd } from './seed/crowd.js';
import { seedEvents } from './seed/events.js';
import { seedLobby } from './seed/lobby.js';
import { seedMembersOnly, seedSpace, seedUnlisted, seedV12 } from './seed/others.js';
import { seedPagination } from './seed/pagination.js';
import { registerUsers } from './seed/users.js';
import { recordWebm } from './seed/video.js';
import { seedWidgets } from './seed/widgets.js';

async function main(): Promise<void> {
  const started = Date.now();
  const step = (what: string): void => console.error(`seed: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const manifestPath = process.env['MSV_SEED_MANIFEST'];
  const seedVersion = process.env['MSV_SEED_VERSION'];
  if (!manifestPath || !seedVersion) throw new Error('MSV_SEED_MANIFEST and MSV_SEED_VERSION must be set');

  const { server_version: synapseVersion } = await request<{ server_version: string }>(
    'GET',
    '/_synapse/admin/v1/server_version',
  );
  // Chromium records the seed's video meanwhile (a few seconds, mostly its start).
  const video = recordWebm();
  video.catch(() => undefined);
  // The crowd's thousands of joins take longest and need no other room or user: they start
  // at once, beside everything else.
  const crowding = seedCrowd(step);
  crowding.catch(() => undefined);
  const users = await registerUsers();
  step('users registered');
  // The lobby first: its profile changes must not spill into the other rooms.
  const lobby = await seedLobby(users);
  step('lobby seeded');
  const [pagination, widgets, membersOnly, unlisted, v12, kinds] = await Promise.all([
    seedPagination(users),
    seedWidgets(users),
    seedMembersOnly(users),
    seedUnlisted(users),
    seedV12(users),
    seedEvents(users, video),
  ]);
  step('pagination, widgets, members-only, unlisted, v12, events and policy seeded');
  const { space, garden, library } = await seedSpace(users, [lobby.roomId, pagination.roomId]);
  step('space seeded');
  const crowd = await crowding;
  step('crowd seeded');

  const manifest: SeedManifest = {
    seedVersion,
    homeserverUrl: config.baseUrl,
    serverName: SERVER_NAME,
    synapseVersion,
    seededAt: Date.now(),
    users: Object.fromEntries(
      Object.entries(users).map(([name, u]) => [
        name,
        { userId: u.userId, accessToken: u.token, displayName: u.displayName, password: u.password },
      ]),
    ) as SeedManifest['users'],
    rooms: { lobby, pagination, widgets, membersOnly, unlisted, space, garden, library, v12, events: kinds.events, policy: kinds.policy, crowd },
  };
  writeFileSync(`${manifestPath}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${manifestPath}.tmp`, manifestPath);
  step(`manifest written to ${manifestPath}`);
}

main().catch((err: unknown) => {
  console.error('seed: failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
