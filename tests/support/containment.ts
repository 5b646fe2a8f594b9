/**
 * The containment check: a rendered timeline page, parsed with parse5 as a browser parses it,
 * holds one `li.event` per event of the view, all inside the timeline's `<ol>`, and each
 * message's container holds exactly its sanitised body, parsed as it parses on its own in a
 * `<div>`: all of the message and nothing else, with nothing of it outside.
 */
import { parse, parseFragment, serialize, type DefaultTreeAdapterMap } from 'parse5';
import type { TimelineView } from '../../src/view/timeline.js';

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

export function elements(root: ParentNode, match: (el: Element) => boolean): Element[] {
  const found: Element[] = [];
  const stack: ParentNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const child of [...node.childNodes].reverse()) {
      if (!isElement(child)) continue;
      if (match(child)) found.push(child);
      stack.push('content' in child ? (child as DefaultTreeAdapterMap['template']).content : child);
    }
  }
  return found.reverse();
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

/** The sanitised HTML each event's container must hold, by anchor, and which container. */
function expectations(timeline: TimelineView): Map<string, { container: string; html: string; tail: boolean }> {
  const expected = new Map<string, { container: string; html: string; tail: boolean }>();
  for (const item of timeline.items) {
    if (item.kind !== 'event' || item.event.kind !== 'message') continue;
    const body = item.event.body;
    if ((body.type === 'text' || body.type === 'notice' || body.type === 'emote' || body.type === 'unknown') && body.html) {
      expected.set(item.event.anchor, { container: 'body', html: body.html, tail: body.type === 'emote' });
    } else if ('caption' in body && body.caption) {
      expected.set(item.event.anchor, { container: 'caption', html: body.caption, tail: false });
    }
  }
  return expected;
}

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
  const inList = list.childNodes.filter((c): c is Element => isElement(c) && classes(c).includes('event'));
  const everywhere = elements(doc, (el) => el.tagName === 'li' && classes(el).includes('event'));
  if (inList.length !== timeline.count) findings.push(`${inList.length} li.event in the timeline for ${timeline.count} events`);
  if (everywhere.length !== inList.length) findings.push(`${everywhere.length - inList.length} li.event outside the timeline or nested`);
  const expected = expectations(timeline);
  for (const li of inList) {
    const want = expected.get(attr(li, 'id') ?? '');
    if (!want) continue;
    const box = elements(li, (el) => el.tagName === 'div' && classes(el).includes(want.container))[0];
    const got = box ? serialize(box) : '';
    const wanted = alone(want.html);
    if (want.tail ? !got.endsWith(wanted) : got !== wanted) findings.push(`${attr(li, 'id')}: the ${want.container} holds ${JSON.stringify(got.slice(0, 300))}, not ${JSON.stringify(wanted.slice(0, 300))}`);
  }
  return findings;
}
