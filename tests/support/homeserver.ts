// The seeded test homeserver's manifest: what scripts/seed.ts wrote to
// ${MSV_CACHE_DIR:-~/.cache/matrix-static-viewer}/seed.json after seeding Synapse.
// scripts/homeserver.sh (run by the e2e global setup) makes sure it exists and is current.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type SeedUserName = 'seeder' | 'alice' | 'bob' | 'carol' | 'dave' | 'eve' | 'viewerbot';

export interface SeedUser {
  userId: string;
  accessToken: string;
  /** The display name the user has now (it may have changed during the seed). */
  displayName: string;
  password: string;
}

export interface SeedRoom {
  roomId: string;
  /** Canonical alias, e.g. `#lobby:localhost`. */
  alias: string;
  name: string;
  topic: string;
  roomVersion: string;
  worldReadable: boolean;
  inDirectory: boolean;
  /** Joined members at the end of the seed. */
  memberCount: number;
  /** Labelled event IDs (which labels exist depends on the room). */
  events: Record<string, string>;
}

export interface LobbyRoom extends SeedRoom {
  /** mxc URI of the room's avatar (a real PNG). */
  avatarUrl: string;
  /** mxc URIs of uploaded media by label: image, imageThumbnail, inlineImage, file, audio,
   * video, sticker, memberAvatar. */
  media: Record<string, string>;
}

export interface PaginationMessage {
  eventId: string;
  sender: string;
  body: string;
  /** origin_server_ts (ms), set in the past by timestamp massaging. */
  ts: number;
}

export interface PaginationRoom extends SeedRoom {
  /** Every "Message N", oldest first; ts increases strictly. */
  messages: PaginationMessage[];
  /** UTC days (YYYY-MM-DD) that have messages, ascending. */
  days: string[];
  /** UTC days between the first and the last day that have no messages. */
  emptyDays: string[];
}

export interface SeedWidget {
  /** A short label for tests: jitsi, etherpad, grafana, youtube, googledocs, custom, mwidget,
   * removed, hostile. */
  label: string;
  /** `im.vector.modular.widgets` or `m.widget`. */
  eventType: string;
  stateKey: string;
  eventId: string;
  /** The current content of the state event (`{}` for the removed one). */
  content: Record<string, unknown>;
  /** The content it had before it was removed, for the removed widget. */
  previousContent?: Record<string, unknown>;
  removed: boolean;
}

export interface WidgetsRoom extends SeedRoom {
  widgets: SeedWidget[];
  /** State key of the widget that was added and then removed. */
  removedWidget: string;
  /** Content of the `io.element.widgets.layout` state event. */
  layout: { widgets: Record<string, { container: string; index?: number; width?: number; height?: number }> };
}

export interface CrowdMessage {
  eventId: string;
  sender: string;
  body: string;
}

/** #crowd: thousands of joined members (scripts/seed/crowd.ts). */
export interface CrowdRoom extends SeedRoom {
  /** Every message, oldest first, from a few dozen of the members. */
  messages: CrowdMessage[];
  /** Members who joined and left again. */
  left: string[];
  /** Power level 100 (the creator first), and 50. */
  admins: string[];
  moderators: string[];
  /** How long seeding this room took, in seconds. */
  seedSeconds: number;
}

export interface SpaceRoom extends SeedRoom {
  /** Room IDs of the space's children (m.space.child state keys), in the order added. */
  children: string[];
}

export interface SeedRooms {
  lobby: LobbyRoom;
  pagination: PaginationRoom;
  widgets: WidgetsRoom;
  membersOnly: SeedRoom;
  unlisted: SeedRoom;
  space: SpaceRoom;
  garden: SeedRoom;
  library: SeedRoom;
  v12: SeedRoom;
  /** Polls, calls, Element Call, pins, voice and video (media by label: voice, video), churn. */
  events: SeedRoom & { media: Record<string, string> };
  /** A moderation policy list. */
  policy: SeedRoom;
  crowd: CrowdRoom;
}

export interface SeedManifest {
  /** Hash of the seed scripts, Synapse config templates and port. */
  seedVersion: string;
  /** e.g. http://127.0.0.1:8008 */
  homeserverUrl: string;
  serverName: string;
  synapseVersion: string;
  /** When the seed finished (ms since the epoch). */
  seededAt: number;
  users: Record<SeedUserName, SeedUser>;
  rooms: SeedRooms;
}

export function cacheDir(): string {
  return process.env['MSV_CACHE_DIR'] || join(homedir(), '.cache', 'matrix-static-viewer');
}

export function seedManifestPath(): string {
  return join(cacheDir(), 'seed.json');
}

let cached: SeedManifest | undefined;

/** Reads the manifest of the seeded homeserver (once per process). */
export function loadSeed(): SeedManifest {
  if (cached) return cached;
  const path = seedManifestPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `No seed manifest at ${path}: run "npm run homeserver" (the e2e global setup does) first. ` +
        `(${(err as Error).message})`,
    );
  }
  const manifest = JSON.parse(text) as SeedManifest;
  if (!manifest.homeserverUrl || !manifest.rooms?.lobby?.roomId) {
    throw new Error(`The seed manifest at ${path} is incomplete; run "npm run homeserver" again`);
  }
  cached = manifest;
  return manifest;
}
