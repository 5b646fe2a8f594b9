/**
 * The whole express app built over an in-memory homeserver, for route tests that need no
 * Synapse (hmpps' appSetup.ts): every layer is real except the network.
 */
import type { AddressInfo } from 'node:net';
import { load } from 'cheerio';
import { expect } from 'vitest';
import type { Server } from 'node:http';
import type { PublicRoomsPage } from '../../src/matrix/directory.js';
import { NotFound } from '../../src/errors.js';
import { isRecord, type MatrixEvent } from '../../src/matrix/events.js';
import type { EventContext, HierarchyPage, MemberChunk, RelationsPage, TimelineChunk } from '../../src/matrix/room-answers.js';
import { createLogger } from '../../src/log.js';
import { ByteBudget } from '../../src/matrix/bounded-fetch.js';
import { Session } from '../../src/matrix/session.js';
import { publicDir } from '../../src/paths.js';
import { Denylist } from '../../src/rooms/denylist.js';
import type { Homeserver } from '../../src/rooms/homeserver.js';
import { Archive } from '../../src/archive/archive.js';
import { SqliteStore } from '../../src/archive/sqlite.js';
import { recordingHomeserver } from '../../src/rooms/recording.js';
import { createArchivePages, createRoomServices } from '../../src/services.js';
import { describeForArchive } from '../../src/view/archive-text.js';
import { createApp, type AppDeps } from '../../src/web/app.js';
import { createRenderer } from '../../src/web/render.js';
import { loadStaticAssets } from '../../src/web/static-assets.js';
import { recordedMessages, recordedState } from './recorded.js';

export const LOBBY_ID = '!ajOyLYWXkqDvUvFsHM:localhost';
export const LOBBY_ALIAS = '#lobby:localhost';
/** The lobby's canonical path. */
export const LOBBY = '/room/lobby:localhost';

interface FakeRoom {
  state: MatrixEvent[];
  timeline: TimelineChunk;
}

/**
 * A homeserver in memory: the recorded lobby, under its ID and alias, and whatever a test
 * adds. `failure` makes every call throw it, to see how the app answers a failing upstream.
 */
export class MemoryHomeserver implements Homeserver {
  readonly isGuest = true;
  readonly rooms = new Map<string, FakeRoom>();
  readonly aliases = new Map<string, string>([[LOBBY_ALIAS, LOBBY_ID]]);
  failure: Error | undefined;
  calls = 0;

  constructor() {
    this.rooms.set(LOBBY_ID, { state: recordedState('lobby-state'), timeline: recordedMessages('lobby-messages') });
  }

  private room(roomId: string): FakeRoom {
    this.calls++;
    if (this.failure) throw this.failure;
    const room = this.rooms.get(roomId);
    if (!room) throw new NotFound('This homeserver knows no room with that ID.');
    return room;
  }

  async state(roomId: string): Promise<MatrixEvent[]> {
    return this.room(roomId).state;
  }
  async stateAt(roomId: string): Promise<MatrixEvent[]> {
    return this.room(roomId).state.filter((e) => e.type !== 'm.room.member');
  }
  async historyVisibility(roomId: string): Promise<string | undefined> {
    const event = this.room(roomId).state.find((e) => e.type === 'm.room.history_visibility');
    return typeof event?.content['history_visibility'] === 'string' ? event.content['history_visibility'] : undefined;
  }
  async currentState(roomId: string): Promise<MatrixEvent[]> {
    return this.stateAt(roomId);
  }
  async joinedMembers(roomId: string): Promise<number | undefined> {
    return (await this.members(roomId)).events.length;
  }
  async messages(roomId: string, from: string | undefined, dir: 'b' | 'f'): Promise<TimelineChunk> {
    const { timeline } = this.room(roomId);
    // One page holds the whole recorded room; reading on from either edge finds nothing more.
    if (from === undefined && dir === 'b') return timeline;
    return { events: [], start: undefined, end: from, state: [] };
  }
  async context(roomId: string, eventId: string): Promise<EventContext> {
    const { timeline, state } = this.room(roomId);
    const index = timeline.events.findIndex((e) => e.event_id === eventId);
    if (index < 0) throw new NotFound('no such event');
    const members = state.filter((e) => e.type === 'm.room.member');
    return { event: timeline.events[index]!, before: timeline.events.slice(Math.max(0, index - 5), index).reverse(), after: timeline.events.slice(index + 1, index + 6), start: 's', end: 'e', state: members };
  }
  async event(roomId: string, eventId: string): Promise<MatrixEvent> {
    return (await this.context(roomId, eventId)).event;
  }
  async members(roomId: string): Promise<MemberChunk> {
    return { events: this.room(roomId).state.filter((e) => e.type === 'm.room.member'), complete: true };
  }
  async member(roomId: string, userId: string): Promise<MatrixEvent | undefined> {
    return (await this.members(roomId)).events.find((e) => e.state_key === userId);
  }
  /** The events of the room's timeline that relate to `eventId` by `relType`, oldest first, in one page. */
  async relations(roomId: string, eventId: string, relType: string): Promise<RelationsPage> {
    const events = this.room(roomId).timeline.events.filter((e) => {
      const rel = e.content['m.relates_to'];
      return isRecord(rel) && rel['rel_type'] === relType && rel['event_id'] === eventId;
    });
    return { events, nextBatch: undefined };
  }
  async hierarchy(roomId: string): Promise<HierarchyPage> {
    this.room(roomId);
    return { rooms: [], nextBatch: undefined };
  }
  async resolveAlias(alias: string): Promise<string | undefined> {
    this.calls++;
    if (this.failure) throw this.failure;
    return this.aliases.get(alias);
  }
  async timestampToEvent(): Promise<undefined> {
    throw new Error('a guest may not jump to a timestamp');
  }
  async isPublished(): Promise<boolean> {
    return true;
  }
  async roomExists(roomId: string): Promise<boolean> {
    return this.rooms.has(roomId);
  }
  async publicRooms(): Promise<PublicRoomsPage> {
    this.calls++;
    if (this.failure) throw this.failure;
    return { rooms: [], nextBatch: undefined, prevBatch: undefined, totalEstimate: 0 };
  }
}

export interface TestApp {
  url: string;
  homeserver: MemoryHomeserver;
  get(path: string, headers?: Record<string, string>, method?: string): Promise<Response>;
  close(): Promise<void>;
  /** With `routerOnly`: the same app over the same caches without the hit path (web/hit-path.ts). */
  routerOnly?: Pick<TestApp, 'url' | 'get'>;
}

async function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; url: string; get: TestApp['get'] }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, get: (path, headers = {}, method = 'GET') => fetch(`${url}${path}`, { headers, method, redirect: 'manual' }) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * The app over `homeserver`, listening on an ephemeral loopback port. With `archive`, an
 * in-memory SQLite archive records what the homeserver answers, as ARCHIVE=sqlite does.
 */
export async function startTestApp(homeserver = new MemoryHomeserver(), options: { rateLimitPerMinute?: number; archive?: boolean; routerOnly?: boolean } = {}): Promise<TestApp> {
  const config = { cacheMaxBytes: 64 * 2 ** 20, directoryPageSize: 20, freshnessMs: 10_000, cacheTtlMs: 3_600_000, timelinePageSize: 50 };
  const assets = loadStaticAssets(publicDir);
  const archive = options.archive ? new Archive(new SqliteStore(':memory:'), { describe: describeForArchive }) : undefined;
  await archive?.store.migrate();
  const rooms = createRoomServices(archive ? recordingHomeserver(homeserver, archive) : homeserver, config, new Denylist([]), archive);
  const deps: AppDeps = {
    ...rooms,
    archive,
    archivePages: archive ? createArchivePages(archive, rooms.listedRooms, config) : undefined,
    config: {
      publicUrl: 'http://viewer.test',
      indexing: true,
      freshnessMs: config.freshnessMs,
      cdnMaxAgeSeconds: 3600,
      mediaMaxBytes: 1_000_000,
      membersPageSize: 100,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
    },
    log: createLogger('silent'),
    renderer: createRenderer({ name: 'Test Viewer', homeserver: 'localhost', serverName: 'localhost', stylesheet: assets.stylesheet, favicon: assets.favicon }, false),
    client: { health: { lastSuccessAt: Date.now(), lastFailureAt: undefined, lastFailure: undefined }, load: { active: 0, queued: 0 }, budget: new ByteBudget(8 * 2 ** 20) },
    // Media is never fetched by these tests; the proxy only needs somewhere to point.
    media: { baseUrl: 'http://127.0.0.1:9', session: new Session({ registerGuest: async () => 'unused' }, 'unused'), timeoutMs: 1000 },
    assets,
  };
  const main = await listen(createApp(deps));
  const second = options.routerOnly ? await listen(createApp(deps, { hitPath: false })) : undefined;
  return {
    url: main.url,
    homeserver,
    get: main.get,
    routerOnly: second && { url: second.url, get: second.get },
    close: async () => {
      await closeServer(main.server);
      if (second) await closeServer(second.server);
      await archive?.store.close();
    },
  };
}

/** An error page's heading and text, after checking it is HTML that no cache keeps. */
export async function errorPage(response: Response): Promise<{ heading: string; text: string }> {
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const $ = load(await response.text());
  return { heading: $('h1').text(), text: $('main').text() };
}
