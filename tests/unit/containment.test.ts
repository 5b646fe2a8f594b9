/**
 * A message stays in its own box: sanitised bodies are put into the real room page and parsed
 * with parse5 as a browser parses them. Each page must hold one `li.event` per event in the
 * timeline, each message's container must hold exactly its own body, every word of a message
 * must be inside its own entry and nowhere else, and a spoiler's words must stay hidden.
 */
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { describe, expect, it } from 'vitest';
import { sanitizeFormattedBody } from '../../src/view/html.js';
import { attr, classes, containmentFindings, elements, spacedText, STRUCTURE_VECTORS } from '../support/containment.js';
import { makeNesting, seeded, type Nesting } from '../support/nestings.js';
import { formattedMessages, renderRoomPage } from '../support/room-page.js';

const ROOM = '!box:hs.example';
const STATE = [
  { event_id: '$c', type: 'm.room.create', sender: '@alice:hs.example', state_key: '', origin_server_ts: 1, content: { room_version: '10' } },
  { event_id: '$n', type: 'm.room.name', sender: '@alice:hs.example', state_key: '', origin_server_ts: 2, content: { name: 'Box' } },
];

/** The shared vectors, and the corpus items that broke out of their entry. */
const VECTORS = [
  ...STRUCTURE_VECTORS,
  '<details>text<summary>late summary</summary></details><summary>stray</summary>',
  '<h1><h2>nested heading</h2></h1>',
  '<pre><div>block in pre</div></pre>',
  '<b><blockquote>quote in bold</blockquote></b>',
  '<span data-mx-spoiler><table><tr><td>hidden cell</td></tr></table></span>',
  '<font color="#ff0000"><span data-mx-spoiler><p>hidden para</p></span></font>',
];

function entryWords(html: string): { byEntry: Map<string, string>; outside: string } {
  const doc = parse(html);
  const byEntry = new Map<string, string>();
  for (const li of elements(doc, (el) => el.tagName === 'li' && classes(el).includes('event'))) {
    byEntry.set(attr(li, 'id') ?? '', spacedText(li));
    li.childNodes = [];
  }
  return { byEntry, outside: spacedText(doc) };
}

type Node = DefaultTreeAdapterMap['childNode'] | DefaultTreeAdapterMap['parentNode'];

/** Whether a text node sits inside a closed spoiler: in `details` but not in its summary, or in `.spoiler-text`. */
function isHidden(node: Node): boolean {
  let child: Node = node;
  let parent = 'parentNode' in node ? node.parentNode : null;
  while (parent && 'tagName' in parent) {
    if (classes(parent).includes('spoiler-text')) return true;
    if (parent.tagName === 'details') return !('tagName' in child && child.tagName === 'summary');
    child = parent;
    parent = parent.parentNode;
  }
  return false;
}

function hiddenWords(html: string): Set<string> {
  const words = new Set<string>();
  const walk = (node: Node): void => {
    if (node.nodeName === '#text' && isHidden(node)) for (const w of (node as DefaultTreeAdapterMap['textNode']).value.match(/zq\d+/g) ?? []) words.add(w);
    if ('childNodes' in node) node.childNodes.forEach(walk);
  };
  walk(parse(html));
  return words;
}

describe('the structure vectors', () => {
  it.each(VECTORS.map((v) => [v]))('%s stays inside its entry', (vector) => {
    const events = formattedMessages(ROOM, [vector, '<p>the next message</p>', vector]);
    const { html, timeline } = renderRoomPage(ROOM, STATE, events);
    expect(containmentFindings(html, timeline)).toEqual([]);
    expect(timeline.count).toBe(3);
  });

  it('keeps the spoiler of the issue hidden', () => {
    const html = sanitizeFormattedBody('<p><b><span data-mx-spoiler>x<div>hidden</div></span></b></p>');
    expect(html).toBe('<p><b><span class="spoiler"><span class="spoiler-label">(Spoiler)</span> <span class="spoiler-text">x<br />hidden</span></span></b></p>');
  });

  it('gathers a stray list item into a list of its own', () => {
    expect(sanitizeFormattedBody('<li>x</li><h2>looks like page text</h2>')).toBe('<ul><li>x</li></ul><h2>looks like page text</h2>');
  });
});

describe('generated nestings (seed 15, reproducible)', () => {
  const random = seeded(15);
  const counter = { n: 0 };
  const PAGES = 75;
  const PER_PAGE = 40;
  const pages: Nesting[][] = Array.from({ length: PAGES }, () => Array.from({ length: PER_PAGE }, () => makeNesting(random, counter)));

  it('generates a few thousand bodies', () => {
    expect(PAGES * PER_PAGE).toBeGreaterThanOrEqual(3000);
    expect(pages.flat().filter((n) => n.hidden.length > 0).length).toBeGreaterThan(300);
  });

  it.each(pages.map((p, i) => [i, p] as const))('page %i: every message keeps to its own entry', { timeout: 30_000 }, (i, nestings) => {
    const events = formattedMessages(ROOM, nestings.map((n) => n.html), `p${i}m`);
    const { html, timeline } = renderRoomPage(ROOM, STATE, events);
    expect(containmentFindings(html, timeline)).toEqual([]);
    const { byEntry, outside } = entryWords(html);
    expect(outside.match(/zq\d+/g) ?? [], 'words outside every entry').toEqual([]);
    const hidden = hiddenWords(html);
    timeline.items.forEach((item) => {
      if (item.kind !== 'event') return;
      const index = events.findIndex((e) => e.event_id === item.event.id);
      const nesting = nestings[index]!;
      const words = new Set(byEntry.get(item.event.anchor)?.match(/zq\d+/g) ?? []);
      const mine = new Set([...nesting.required, ...nesting.optional]);
      const missing = nesting.required.filter((w) => !words.has(w));
      const foreign = [...words].filter((w) => !mine.has(w));
      const shown = nesting.hidden.filter((w) => !hidden.has(w));
      expect({ missing, foreign, shown }, nesting.html).toEqual({ missing: [], foreign: [], shown: [] });
    });
  });
});
