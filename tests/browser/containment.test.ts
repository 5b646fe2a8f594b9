/**
 * A message stays in its own box, in a real browser, on the real Synapse. A fresh user makes
 * a world-readable room and sends the structure vectors (each followed by a marker word) and
 * generated nestings of the spec's tags (fixed seed), all of which Synapse accepts. Chromium
 * then loads the room's pages (the latest page and the ones before it, the day page, a
 * permalink), and on each:
 * - the number of `li.event` in the DOM is the number the viewer wrote, and the messages
 *   among them add up to the messages sent;
 * - each entry sits directly in the timeline's `<ol>` (or a folded run's);
 * - every word of a message is inside its own entry, and no message word is outside one.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dayPath, eventAnchor, eventPath, roomPath } from '../../src/view/urls.js';
import { chromiumSuite } from '../support/browser.js';
import { STRUCTURE_VECTORS } from '../support/containment.js';
import { loadSeed } from '../support/homeserver.js';
import { makeNesting, seeded } from '../support/nestings.js';

const GENERATED = 24;

const seed = loadSeed();
let roomId: string;
/** Each message sent: its event ID and the words that must be inside its own entry. */
const messages: Array<{ eventId: string; words: string[] }> = [];
/** Whose every word is, the optional ones (dropped with their element) included. */
const owner = new Map<string, string>();

async function api<T>(token: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${seed.homeserverUrl}/_matrix/client/v3${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** The UTC day the first message was sent on (a run may cross midnight). */
let sentOn = '';

async function seedBoxes(): Promise<void> {
  const { access_token: token } = await api<{ access_token: string }>(null, 'POST', '/register', {
    username: `box-${randomBytes(4).toString('hex')}`, password: randomBytes(12).toString('hex'), auth: { type: 'm.login.dummy' },
  });
  ({ room_id: roomId } = await api<{ room_id: string }>(token, 'POST', '/createRoom', {
    preset: 'public_chat', name: 'Boxes',
    initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } }],
  }));
  const random = seeded(1515);
  const counter = { n: 0 };
  const bodies = [
    ...STRUCTURE_VECTORS.map((vector, i) => ({ html: `${vector} zqv${i}`, words: [`zqv${i}`], own: [`zqv${i}`] })),
    ...Array.from({ length: GENERATED }, () => {
      const nesting = makeNesting(random, counter);
      return { html: nesting.html, words: nesting.required, own: [...nesting.required, ...nesting.optional] };
    }),
  ];
  sentOn = new Date().toISOString().slice(0, 10);
  for (const [i, { html, words, own }] of bodies.entries()) {
    const path = `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/box-${i}`;
    const { event_id } = await api<{ event_id: string }>(token, 'PUT', path, { msgtype: 'm.text', body: 'see the formatted body', format: 'org.matrix.custom.html', formatted_body: html });
    messages.push({ eventId: event_id, words });
    for (const word of own) owner.set(word, event_id);
  }
}

const suite = chromiumSuite({ RATE_LIMIT_PER_MINUTE: '0' }, seedBoxes);

interface Entry {
  id: string;
  cls: string;
  parent: string;
  words: string[];
}

/** Runs in the page (a string: the suite is type-checked without the DOM library). */
const READ_PAGE = `(() => {
  const words = (text) => (text || '').match(/zq\\w+/g) || [];
  const entries = [...document.querySelectorAll('li.event')].map((li) => ({
    id: li.id,
    cls: li.className,
    parent: li.parentElement ? li.parentElement.tagName.toLowerCase() + '.' + li.parentElement.className : '',
    // An entry's own words: those of the entries inside it (a folded run) are theirs.
    words: words([...li.childNodes].map((n) => (n.nodeType === 1 && n.matches('details') ? '' : n.textContent)).join(' ')),
  }));
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('li.event').forEach((li) => li.remove());
  const prev = document.querySelector('nav.pager a[rel="prev"]');
  return { entries, outside: words(clone.textContent), prev: prev ? prev.getAttribute('href') : null };
})()`;

/** The page as Chromium built it: its entries, and the message words outside every entry. */
async function inChromium(path: string): Promise<{ entries: Entry[]; outside: string[]; prev: string | null }> {
  const context = await suite.browser.newContext({ javaScriptEnabled: true });
  try {
    const page = await context.newPage();
    const response = await page.goto(`${suite.viewer.url}${path}`);
    expect(response?.status(), path).toBe(200);
    return (await page.evaluate(READ_PAGE)) as { entries: Entry[]; outside: string[]; prev: string | null };
  } finally {
    await context.close();
  }
}

/** Checks one page and returns how many of the messages sent it shows. */
async function checkPage(path: string): Promise<{ shown: number; prev: string | null }> {
  const raw = await suite.viewer.html(path);
  const written = (raw.body.match(/<li class="event /g) ?? []).length;
  const { entries, outside, prev } = await inChromium(path);
  expect(entries.length, `li.event in the DOM of ${path}`).toBe(written);
  expect(outside, `message words outside every entry on ${path}`).toEqual([]);
  for (const entry of entries) expect(['ol.timeline', 'ol.fold'], `parent of ${entry.id} on ${path}`).toContain(entry.parent);
  const byAnchor = new Map(entries.map((e) => [e.id, e]));
  let shown = 0;
  for (const { eventId, words } of messages) {
    const entry = byAnchor.get(eventAnchor(eventId));
    if (!entry) continue;
    shown++;
    expect(entry.cls, path).toContain('ev-message');
    expect(words.filter((w) => !entry.words.includes(w)), `words missing from ${eventId} on ${path}`).toEqual([]);
    const foreign = entry.words.filter((w) => owner.get(w) !== eventId);
    expect(foreign, `other messages' words in ${eventId} on ${path}`).toEqual([]);
  }
  return { shown, prev };
}

describe('every message in its own entry, in Chromium, on the real Synapse', () => {
  it('the latest page and every page before it', async () => {
    let path: string | null = roomPath(roomId);
    const seen = new Set<string>();
    let shown = 0;
    while (path && !seen.has(path)) {
      seen.add(path);
      const page = await checkPage(path);
      shown += page.shown;
      path = page.prev;
    }
    expect(shown).toBe(messages.length);
  }, 180_000);

  it('the day page and a permalink', async () => {
    const day = await checkPage(dayPath(roomId, sentOn));
    expect(day.shown).toBeGreaterThan(0);
    const permalink = await checkPage(eventPath(roomId, messages[1]!.eventId));
    expect(permalink.shown).toBeGreaterThan(0);
  }, 120_000);
});
