// Sanity checks of the seeded Synapse itself (not of the viewer): what a guest and the viewer
// bot can read, and that the seed holds what its manifest says.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSeed, type SeedManifest } from '../support/homeserver.js';

let seed: SeedManifest;
let guestToken: string;

interface MatrixEvent {
  event_id: string;
  type: string;
  sender: string;
  origin_server_ts: number;
  state_key?: string;
  content: Record<string, unknown>;
}

async function call(path: string, token?: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (init.body) headers.set('content-type', 'application/json');
  return fetch(new URL(path, seed.homeserverUrl), { ...init, headers });
}

async function json<T>(path: string, token?: string, init: RequestInit = {}): Promise<T> {
  const res = await call(path, token, init);
  const body = (await res.json()) as T;
  if (!res.ok) throw new Error(`${path} -> ${res.status} ${JSON.stringify(body)}`);
  return body;
}

const e = encodeURIComponent;

/** Every event of a room, oldest first, by paginating /messages backwards. */
async function allEvents(roomId: string, token: string): Promise<MatrixEvent[]> {
  const events: MatrixEvent[] = [];
  let from: string | undefined;
  for (;;) {
    const query = `dir=b&limit=100${from ? `&from=${e(from)}` : ''}`;
    const page = await json<{ chunk: MatrixEvent[]; end?: string }>(
      `/_matrix/client/v3/rooms/${e(roomId)}/messages?${query}`,
      token,
    );
    events.push(...page.chunk);
    if (!page.end || page.chunk.length === 0) break;
    from = page.end;
  }
  return events.reverse();
}

beforeAll(async () => {
  seed = loadSeed();
  const guest = await json<{ access_token: string; user_id: string }>(
    '/_matrix/client/v3/register?kind=guest',
    undefined,
    { method: 'POST', body: '{}' },
  );
  expect(guest.user_id).toMatch(/^@\d+:localhost$/);
  guestToken = guest.access_token;
});

describe('the seeded homeserver', () => {
  it('lists exactly the seeded rooms marked inDirectory in /publicRooms', async () => {
    const listed = new Map<string, Record<string, unknown>>();
    let since: string | undefined;
    do {
      const page = await json<{ chunk: Record<string, unknown>[]; next_batch?: string }>(
        `/_matrix/client/v3/publicRooms?limit=50${since ? `&since=${e(since)}` : ''}`,
        guestToken,
      );
      for (const room of page.chunk) listed.set(room['room_id'] as string, room);
      since = page.next_batch;
    } while (since);
    // Tests may publish rooms of their own: compare only the seeded ones.
    for (const [key, room] of Object.entries(seed.rooms)) {
      expect(listed.has(room.roomId), `${key} listed`).toBe(room.inDirectory);
    }
    const lobby = listed.get(seed.rooms.lobby.roomId)!;
    expect(lobby).toMatchObject({
      name: 'Lobby',
      topic: seed.rooms.lobby.topic,
      canonical_alias: '#lobby:localhost',
      avatar_url: seed.rooms.lobby.avatarUrl,
      world_readable: true,
      guest_can_join: true,
      num_joined_members: seed.rooms.lobby.memberCount,
    });
    expect(listed.get(seed.rooms.space.roomId)).toMatchObject({ room_type: 'm.space' });
  });

  it('lets a guest read the lobby without joining, with its labelled events', async () => {
    const events = await allEvents(seed.rooms.lobby.roomId, guestToken);
    const ids = new Set(events.map((ev) => ev.event_id));
    for (const [label, id] of Object.entries(seed.rooms.lobby.events)) {
      expect(ids.has(id), `lobby event ${label}`).toBe(true);
    }
    const redacted = events.find((ev) => ev.event_id === seed.rooms.lobby.events['redacted']);
    expect(redacted?.content).toEqual({});
    const hostile = events.find((ev) => ev.event_id === seed.rooms.lobby.events['hostileHtml']);
    expect(hostile?.content['formatted_body']).toContain('<script>');
  });

  it('refuses guests and the viewer bot in the members-only room', async () => {
    const path = `/_matrix/client/v3/rooms/${e(seed.rooms.membersOnly.roomId)}/messages?dir=b`;
    for (const token of [guestToken, seed.users.viewerbot.accessToken]) {
      const res = await call(path, token);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { errcode: string }).errcode).toBe('M_FORBIDDEN');
    }
  });

  it('has at least 300 pagination messages over at least 5 UTC days, in ts order', async () => {
    const room = seed.rooms.pagination;
    const events = await allEvents(room.roomId, seed.users.viewerbot.accessToken);
    const messages = events.filter((ev) => ev.type === 'm.room.message');
    expect(messages.length).toBeGreaterThanOrEqual(300);
    expect(messages.map((m) => m.event_id)).toEqual(room.messages.map((m) => m.eventId));
    expect(messages.map((m) => m.content['body'])).toEqual(room.messages.map((m) => m.body));
    const ts = messages.map((m) => m.origin_server_ts);
    expect(ts).toEqual(room.messages.map((m) => m.ts));
    expect(ts.every((t, i) => i === 0 || t > ts[i - 1]!)).toBe(true);
    const days = [...new Set(ts.map((t) => new Date(t).toISOString().slice(0, 10)))];
    expect(days).toEqual(room.days);
    expect(days.length).toBeGreaterThanOrEqual(5);
    expect(room.emptyDays.length).toBeGreaterThanOrEqual(1);
  });

  it('serves media only through the authenticated media API', async () => {
    const mxc = seed.rooms.lobby.media['image']!.slice('mxc://'.length);
    const old = await call(`/_matrix/media/v3/download/${mxc}`);
    expect(old.status).toBe(404);
    const res = await call(`/_matrix/client/v1/media/download/${mxc}`, guestToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const thumb = await call(`/_matrix/client/v1/media/thumbnail/${mxc}?width=32&height=32&method=scale`, guestToken);
    expect(thumb.status).toBe(200);
  });

  it('has the widgets, the space children and a room version 12 room', async () => {
    const state = await json<MatrixEvent[]>(
      `/_matrix/client/v3/rooms/${e(seed.rooms.widgets.roomId)}/state`,
      guestToken,
    );
    for (const widget of seed.rooms.widgets.widgets) {
      const event = state.find((ev) => ev.type === widget.eventType && ev.state_key === widget.stateKey);
      expect(event?.content, widget.label).toEqual(widget.content);
    }
    const space = await json<MatrixEvent[]>(`/_matrix/client/v3/rooms/${e(seed.rooms.space.roomId)}/state`, guestToken);
    const children = space.filter((ev) => ev.type === 'm.space.child').map((ev) => ev.state_key);
    expect(children.sort()).toEqual([...seed.rooms.space.children].sort());
    expect(seed.rooms.v12.roomId).not.toContain(':');
    expect(seed.rooms.v12.roomVersion).toBe('12');
    const v12 = await allEvents(seed.rooms.v12.roomId, guestToken);
    expect(v12.filter((ev) => ev.type === 'm.room.message')).toHaveLength(3);
  });
});
