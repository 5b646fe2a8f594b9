/**
 * The containment check: a rendered timeline page, parsed with parse5 as a browser parses it,
 * holds one `li.event` per event of the view, all inside the timeline's `<ol>`, and each
 * message's container holds exactly its sanitised body, parsed as it parses on its own in a
 * `<div>`: all of the message and nothing else, with nothing of it outside.
 */
import { parse, parseFragment, serialize, type DefaultTreeAdapterMap } from 'parse5';
import type { TimelineView } from '../../src/view/timeline.js';

/**
 * Markup that tries to leave its message's entry: the vectors and the corpus items
 * (DOMPurify expect.mjs#99, H5SC 41, PayloadsAllTheThings xss_alert.txt:302) that broke out.
 * The unit and browser containment tests both send these.
 */
export const STRUCTURE_VECTORS = [
  '<li>x</li><h2>looks like page text</h2>',
  '<ol><li><div><li>x</li></div></li></ol>after',
  '<p><b><span data-mx-spoiler>x<div>hidden</div></span></b></p>',
  '<ul><li><div><li>a</li></div></li></ul></ol></li>b',
  '<table><li>x</li></table>',
  '<table><tr><td>a</td></tr>loose text<tr><td>b</td></tr></table>',
  '<caption>c</caption><td>cell</td><tr>row</tr>',
  '<p><table><tr><td>t</td></tr></table></p>',
  '<a href="https://example.org/">one<a href="https://example.org/">two</a></a>',
  '</div></li></ol></main><h1>outside</h1>',
  '<li><li><li>deep</li>',
  '<p>a <span data-mx-spoiler><ul><li>hidden item</li></ul></span> b</p>',
];

type ParentNode = DefaultTreeAdapterMap['parentNode'];
type Element = DefaultTreeAdapterMap['element'];
type ChildNode = DefaultTreeAdapterMap['childNode'];

const isElement = (node: ChildNode | ParentNode): node is Element => 'tagName' in node;

export function classes(el: Element): string[] {
  return (el.attrs.find((a) => a.name === 'class')?.value ?? '').split(/\s+/).filter(Boolean);
}

export function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

/** The elements under `root` that `match`, in document order. */
export function elements(root: ParentNode, match: (el: Element) => boolean): Element[] {
  const found: Element[] = [];
  const stack: ChildNode[] = [...root.childNodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isElement(node)) continue;
    if (match(node)) found.push(node);
    const children = ('content' in node ? (node as DefaultTreeAdapterMap['template']).content : node).childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return found;
}

/** Text with every element boundary read as a space, so words in adjacent blocks stay apart. */
export function spacedText(node: ParentNode | ChildNode): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value;
  if (!('childNodes' in node)) return '';
  return node.childNodes.map((c) => ` ${spacedText(c)} `).join('');
}

const DIV = parseFragment('<div></div>').childNodes[0] as Element;
const inDiv = (html: string) => parseFragment(DIV, html, {});

/** How a fragment parses on its own inside a `<div>`, serialised. */
export function alone(fragment: string): string {
  return serialize(inDiv(fragment));
}

type EventView = Extract<TimelineView['items'][number], { kind: 'event' }>['event'];

/** The timeline's events, folded ones included, each with the `li.event` ids it is shown by. */
function shownEvents(timeline: TimelineView): { top: string[]; all: string[]; events: EventView[] } {
  const top: string[] = [];
  const all: string[] = [];
  const events: EventView[] = [];
  for (const item of timeline.items) {
    if (item.kind === 'event') {
      top.push(item.event.anchor);
      all.push(item.event.anchor);
      events.push(item.event);
    } else if (item.kind === 'fold') {
      top.push(item.fold.anchor);
      all.push(item.fold.anchor, ...item.fold.events.map((e) => e.anchor));
      events.push(...item.fold.events);
    }
  }
  return { top, all, events };
}

/** The sanitised HTML an event's container must hold, and which container. */
function expectation(event: EventView): { container: string; html: string; tail: boolean } | null {
  if (event.kind !== 'message') return null;
  const body = event.body;
  if ((body.type === 'text' || body.type === 'notice' || body.type === 'emote' || body.type === 'unknown') && body.html) {
    return { container: 'body', html: body.html, tail: body.type === 'emote' };
  }
  if ('caption' in body && body.caption) return { container: 'caption', html: body.caption, tail: false };
  return null;
}

const ids = (list: Element[]): string[] => list.map((el) => attr(el, 'id') ?? '');
const isEntry = (el: Element): boolean => el.tagName === 'li' && classes(el).includes('event');

/** Every way the page's structure differs from the view's; empty when each event keeps to its box. */
export function containmentFindings(html: string, timeline: TimelineView): string[] {
  const findings: string[] = [];
  const doc = parse(html);
  const lists = elements(doc, (el) => el.tagName === 'ol' && classes(el).includes('timeline'));
  if (lists.length !== 1) return [`${lists.length} timeline lists in the page`];
  const list = lists[0]!;
  if (elements(doc, (el) => el.tagName === 'main').every((main) => !elements(main, (el) => el === list).length)) findings.push('the timeline is outside <main>');
  for (const child of list.childNodes) {
    if (isElement(child) && (child.tagName !== 'li' || !(classes(child).includes('event') || classes(child).includes('day')))) {
      findings.push(`<${child.tagName} class="${attr(child, 'class') ?? ''}"> directly in the timeline`);
    } else if (!isElement(child) && child.nodeName === '#text' && spacedText(child).trim() !== '') {
      findings.push(`text directly in the timeline: ${spacedText(child).trim().slice(0, 60)}`);
    }
  }
  const shown = shownEvents(timeline);
  const top = ids(list.childNodes.filter((c): c is Element => isElement(c) && isEntry(c)));
  const everywhere = ids(elements(doc, isEntry));
  if (top.join(' ') !== shown.top.join(' ')) findings.push(`${top.length} entries in the timeline for ${shown.top.length} in the view`);
  const at = everywhere.findIndex((id, i) => id !== shown.all[i]);
  if (at >= 0 || everywhere.length !== shown.all.length) findings.push(`${everywhere.length} li.event in the page for ${shown.all.length} in the view; the first to differ is #${at} (${everywhere[at]} for ${shown.all[at]})`);
  for (const event of shown.events) {
    const want = expectation(event);
    const li = elements(doc, (el) => isEntry(el) && attr(el, 'id') === event.anchor)[0];
    if (!want || !li) continue;
    const box = elements(li, (el) => el.tagName === 'div' && classes(el).includes(want.container))[0];
    const got = box ? serialize(box) : '';
    const wanted = alone(want.html);
    if (want.tail ? !got.endsWith(wanted) : got !== wanted) findings.push(`${event.anchor}: the ${want.container} holds ${JSON.stringify(got.slice(0, 300))}, not ${JSON.stringify(wanted.slice(0, 300))}`);
  }
  return findings;
}
