/**
 * Records real homeserver responses from the seeded Synapse into tests/fixtures/recorded/,
 * for the unit tests of the parsers and view models. Run after `npm run homeserver`:
 *   npx tsx scripts/record-fixtures.ts
 * It reads as a guest, exactly as the viewer does.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSeed } from '../tests/support/homeserver.js';

const seed = loadSeed();
const base = seed.homeserverUrl;
const out = join(import.meta.dirname, '..', 'tests', 'fixtures', 'recorded');
mkdirSync(out, { recursive: true });

async function guestToken(): Promise<string> {
  const res = await fetch(`${base}/_matrix/client/v3/register?kind=guest`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

const token = await guestToken();
const lazy = encodeURIComponent(JSON.stringify({ lazy_load_members: true }));
const r = (id: string): string => `/rooms/${encodeURIComponent(id)}`;

async function record(name: string, path: string, init: RequestInit = {}): Promise<void> {
  const res = await fetch(`${base}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  const body: unknown = await res.json();
  if (!res.ok) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
  writeFileSync(join(out, `${name}.json`), `${JSON.stringify(body, null, 1)}\n`);
  console.log(`recorded ${name}`);
}

const { lobby, widgets, space, pagination } = seed.rooms;
const v3 = '/_matrix/client/v3';
await record('public-rooms', `${v3}/publicRooms`, { method: 'POST', body: JSON.stringify({ limit: 50 }) });
await record('lobby-state', `${v3}${r(lobby.roomId)}/state`);
await record('lobby-messages', `${v3}${r(lobby.roomId)}/messages?dir=b&limit=100&filter=${lazy}`);
await record('lobby-context-reply', `${v3}${r(lobby.roomId)}/context/${encodeURIComponent(lobby.events['reply']!)}?limit=10&filter=${lazy}`);
await record('lobby-thread', `/_matrix/client/v1${r(lobby.roomId)}/relations/${encodeURIComponent(lobby.events['threadRoot']!)}/m.thread?limit=50&dir=f`);
await record('lobby-members', `${v3}${r(lobby.roomId)}/members?membership=join`);
await record('widgets-state', `${v3}${r(widgets.roomId)}/state`);
await record('widgets-messages', `${v3}${r(widgets.roomId)}/messages?dir=b&limit=100&filter=${lazy}`);
await record('space-hierarchy', `/_matrix/client/v1${r(space.roomId)}/hierarchy?limit=50&max_depth=1`);
await record('pagination-messages-page', `${v3}${r(pagination.roomId)}/messages?dir=b&limit=30&filter=${lazy}`);
