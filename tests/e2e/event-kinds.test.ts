/**
 * Every message-like and state room-event example of the Matrix specification, and Element's
 * shapes for polls, voice messages and Element Call (tests/fixtures/event-shapes.ts), sent into
 * a world-readable room of the seeded Synapse: no page (the latest pages, the day page, the
 * permalink of each event) shows a raw event type.
 */
import type { CheerioAPI } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELEMENT_SHAPES, SPEC_MESSAGE_EXAMPLES, SPEC_STATE_EXAMPLES, type Shape } from '../fixtures/event-shapes.js';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const alice = seed.users.alice;
const TYPES = [...new Set([...SPEC_MESSAGE_EXAMPLES, ...SPEC_STATE_EXAMPLES, ...ELEMENT_SHAPES].map((shape) => shape.type))];

async function api<T>(method: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${seed.homeserverUrl}/_matrix/client/v3${path}`, {
    method,
    headers: { Authorization: `Bearer ${alice.accessToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

let txn = 0;
/** Relations in the examples point at placeholders; Synapse wants real events. */
const related = new Map<string, string>();
const fill = (value: unknown): Record<string, unknown> => {
  let json = JSON.stringify(value).replaceAll('{self}', alice.userId);
  for (const [placeholder, id] of related) json = json.replaceAll(`"${placeholder}"`, JSON.stringify(id));
  return JSON.parse(json) as Record<string, unknown>;
};

async function sendShape(roomId: string, shape: Shape): Promise<string> {
  const room = encodeURIComponent(roomId);
  const content = fill(shape.content);
  const path =
    shape.state_key !== undefined
      ? `/rooms/${room}/state/${encodeURIComponent(shape.type)}/${encodeURIComponent(fill({ k: shape.state_key })['k'] as string)}`
      : `/rooms/${room}/send/${encodeURIComponent(shape.type)}/kinds-${Date.now()}-${txn++}`;
  return (await api<{ event_id: string }>('PUT', path, content)).event_id;
}

/** The text a reader sees: the page's main content, and the attributes a text browser shows. */
function readerText($: CheerioAPI): string {
  const titles = $('[title], [alt]').map((_, el) => `${$(el).attr('title') ?? ''} ${$(el).attr('alt') ?? ''}`).get().join(' ');
  return `${$('title').text()} ${$('main').text() || $('body').text()} ${titles}`;
}

describe('every spec example and Element shape, sent to Synapse', () => {
  let viewer: RunningViewer;
  let roomId = '';
  const sent: { name: string; id: string }[] = [];

  beforeAll(async () => {
    viewer = await startViewer();
    // Invite-only (Synapse refuses call invites in public rooms), readable by anyone.
    ({ room_id: roomId } = await api<{ room_id: string }>('POST', '/createRoom', {
      preset: 'private_chat',
      name: 'Every kind of event',
      // Guests forbidden at first, so the example that allows them is a new event.
      initial_state: [
        { type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } },
        { type: 'm.room.guest_access', state_key: '', content: { guest_access: 'forbidden' } },
      ],
    }));
    for (const shape of [...SPEC_MESSAGE_EXAMPLES, ...ELEMENT_SHAPES]) {
      const id = await sendShape(roomId, shape);
      if (shape.type.endsWith('poll.start')) related.set('$poll', id);
      if (shape.name === 'm.key.verification.request') related.set('$verification_request', id);
      sent.push({ name: shape.name, id });
    }
    // The tombstone last: after it the room says it has been replaced.
    const states = [...SPEC_STATE_EXAMPLES.filter((s) => s.type !== 'm.room.tombstone'), ...SPEC_STATE_EXAMPLES.filter((s) => s.type === 'm.room.tombstone')];
    for (const shape of states) sent.push({ name: shape.name, id: await sendShape(roomId, shape) });
  }, 120_000);
  afterAll(async () => viewer?.close());

  const expectNoRawType = (text: string, where: string): void => {
    for (const type of TYPES) expect(text, `${where} shows ${type}`).not.toContain(type);
    expect(text, where).not.toContain('cannot show');
  };

  it('shows no raw type on the latest pages, following the earlier pages to the start', async () => {
    let path: string | undefined = `/room/${encodeURIComponent(roomId)}`;
    let pages = 0;
    let blocks = 0;
    while (path && pages < 10) {
      const { status, $ } = await viewer.html(path);
      expect(status).toBe(200);
      expectNoRawType(readerText($), path);
      blocks += $('li.event:not(.ev-fold)').length;
      path = $('a[rel="prev"]').first().attr('href');
      pages++;
    }
    expect(blocks).toBeGreaterThan(30);
  });

  it('shows no raw type on the day page', async () => {
    const latest = await viewer.html(`/room/${encodeURIComponent(roomId)}`);
    const dayHref = latest.$('li.day h2 a').last().attr('href');
    expect(dayHref).toBeDefined();
    const { status, $ } = await viewer.html(dayHref!);
    expect(status).toBe(200);
    expectNoRawType(readerText($), dayHref!);
  });

  it('shows no raw type on any permalink', async () => {
    for (const { name, id } of sent) {
      const path = `/room/${encodeURIComponent(roomId)}/event/${encodeURIComponent(id)}`;
      const { status, $ } = await viewer.html(path);
      expect(status, name).toBe(200);
      expectNoRawType(readerText($), `${name} (${path})`);
    }
  }, 120_000);

  it('tells the calls, the poll, the policy rules and the pins', async () => {
    const { $ } = await viewer.html(`/room/${encodeURIComponent(roomId)}`);
    let text = readerText($);
    // The latest page holds the newest events; the earlier ones hold the calls and polls.
    let earlier = $('a[rel="prev"]').first().attr('href');
    while (earlier) {
      const page = await viewer.html(earlier);
      text += readerText(page.$);
      earlier = page.$('a[rel="prev"]').first().attr('href');
    }
    for (const phrase of ['placed a voice call', 'placed a video call', 'ended the call', 'declined the call', 'started a video call', 'Tea or coffee?', 'ended the poll', 'ban rule (m.ban) for users matching @alice*:example.org: undesirable behaviour', 'pinned a message', 'This room has been replaced']) {
      expect(text).toContain(phrase);
    }
  }, 60_000);
});

describe('permalinks of events without a block of their own', () => {
  const lobby = seed.rooms.lobby.events;
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer();
  });
  afterAll(async () => viewer?.close());

  const permalink = (id: string): string => `/room/lobby:localhost/event/${encodeURIComponent(id)}`;
  const highlightedId = ($: CheerioAPI): string | undefined => $('li.highlighted').attr('id');

  it('shows a thread reply highlighted in its thread', async () => {
    const { status, $ } = await viewer.html(permalink(lobby['threadReply1']!));
    expect(status).toBe(200);
    expect($('h1').first().text()).toMatch(/^Thread \(\d+ repl/);
    const thread = await viewer.html(`/room/lobby:localhost/thread/${encodeURIComponent(lobby['threadRoot']!)}`);
    const replyAnchor = thread.$('li.event').eq(1).attr('id');
    expect(highlightedId($)).toBe(replyAnchor);
  });

  it('shows what a reaction, an edit and a redaction are about, highlighted, with a line saying what the link was', async () => {
    const cases: [string, string | null, RegExp][] = [
      ['reaction:alice:thumbs', null, /^The linked event is a 👍 reaction by Alice Liddell to the highlighted message\.$/],
      ['edit1', 'editOriginal', /^The linked event is an edit by .+ of the highlighted message\.$/],
      ['redaction', 'redacted', /^The linked event is the deletion by .+ of the highlighted message\.$/],
    ];
    for (const [linked, target, line] of cases) {
      const { status, $ } = await viewer.html(permalink(lobby[linked]!));
      expect(status, linked).toBe(200);
      expect($('p.notice').first().text(), linked).toMatch(line);
      expect(highlightedId($), linked).toBeDefined();
      // The highlighted block is the target's own: its permalink highlights the same block.
      const own = await viewer.html(target ? permalink(lobby[target]!) : $('li.highlighted a.time').attr('href')!.replace(/#.*/, ''));
      expect(highlightedId(own.$), linked).toBe(highlightedId($));
      expect($('li.highlighted a.time').attr('href'), linked).not.toContain(encodeURIComponent(lobby[linked]!));
    }
  });
});
