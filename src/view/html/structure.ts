/**
 * The HTML content model, enforced on the sanitised tree, so that a message's markup parses
 * in the page exactly as it was written and stays inside its own container.
 *
 * Why a content model and not only a round trip through an HTML5 parser: a browser parses the
 * body inside `ol > li.event > div`, and several tree-builder rules reach through the `div`
 * (an `<li>` start tag closes the nearest open `<li>`, a block start tag closes an open `<p>`,
 * table parts move out of place). A fragment that merely parses cleanly on its own can still
 * close the page's elements; a fragment that follows the content model cannot. So:
 * - `li` only in `ul`/`ol` (stray items are gathered into a `ul`), and lists hold only `li`;
 * - tables hold caption (first), thead, tbody; row groups hold `tr`; rows hold `td`/`th`;
 *   anything else is put in a cell, and stray table parts lose their tags;
 * - phrasing elements, `p`, headings, `pre`, `summary` and `caption` hold phrasing content
 *   only: a block inside them loses its tags and starts a new line. A `p` holding blocks
 *   directly becomes `<div class="p">`;
 * - `summary` only first in `details`; no link inside a link; `hr` only in flow content.
 * A spoiler is a `<details>` in flow content; in phrasing content it is an inline
 * `<span class="spoiler">`, and whatever it held is flattened into its hidden text.
 */
import { escapeHtml } from '../safe-html.js';
import { hostNotice } from './links.js';
import { element, isBlank, textOf, unescapeText, type Element, type Node } from './tree.js';

/** Our marker for a spoiler, set by the sanitiser; user input can never produce it. */
export const SPOILER_ATTR = 'data-msv-spoiler';

const PHRASING = new Set(['a', 'b', 'i', 'u', 's', 'strong', 'em', 'code', 'del', 'sup', 'sub', 'span', 'br', 'img']);
/** Blocks whose own content is phrasing. */
const PHRASING_BLOCKS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre']);
const FLOW_BLOCKS = new Set(['div', 'blockquote']);
const BR = element('br', '', []);
const SPOILER_REASON = new RegExp(`${SPOILER_ATTR}="([^"]*)"`);

const isSpoiler = (el: Element): boolean => el.name === 'details' && el.attrs.includes(SPOILER_ATTR);
const isElement = (node: Node, name: string): node is Element => typeof node !== 'string' && node.name === name;

/** The reason was escaped by sanitize-html as an attribute value, so it is escaped text already. */
function spoilerLabel(el: Element): string {
  const reason = SPOILER_REASON.exec(el.attrs)?.[1];
  return `Spoiler${reason ? `: ${reason}` : ''}`;
}

function link(el: Element): Node[] {
  const out: Element = element('a', el.attrs, phrasing(el.children, true));
  const href = /\shref="([^"]*)"/.exec(el.attrs)?.[1];
  const host = href === undefined ? null : hostNotice(unescapeText(textOf(out.children)), unescapeText(href));
  return host === null ? [out] : [out, ' ', element('span', ' class="link-host"', [`(${escapeHtml(host)})`])];
}

function phrasing(nodes: readonly Node[], inLink: boolean): Node[] {
  const out: Node[] = [];
  for (const node of nodes) {
    if (typeof node === 'string') {
      out.push(node);
    } else if (node.name === 'a') {
      out.push(...(inLink ? phrasing(node.children, true) : link(node)));
    } else if (PHRASING.has(node.name)) {
      out.push(element(node.name, node.attrs, phrasing(node.children, inLink)));
    } else if (isSpoiler(node)) {
      out.push(element('span', ' class="spoiler"', [
        element('span', ' class="spoiler-label"', [`(${spoilerLabel(node)})`]),
        ' ',
        element('span', ' class="spoiler-text"', phrasing(node.children, inLink)),
      ]));
    } else if (node.name !== 'hr') {
      // A block in phrasing content: its content stays, on a line of its own.
      const inner = phrasing(node.children, inLink);
      if (inner.length === 0) continue;
      const last = out[out.length - 1];
      if (last !== undefined && !isElement(last, 'br')) out.push(BR);
      out.push(...inner);
    }
  }
  return out;
}

/** Gathers runs of nodes that may not stand where they are into one wrapper each. */
function grouped(nodes: readonly Node[], keep: (node: Node) => Node[] | null, wrap: (group: Node[]) => Node): Node[] {
  const out: Node[] = [];
  let group: Node[] = [];
  const flush = (): void => {
    if (group.some((n) => !isBlank(n))) out.push(wrap(group));
    else out.push(...group);
    group = [];
  };
  for (const node of nodes) {
    if (isBlank(node)) {
      if (group.length > 0) group.push(node);
      else out.push(node);
      continue;
    }
    const kept = keep(node);
    if (kept === null) {
      group.push(node);
    } else {
      flush();
      out.push(...kept);
    }
  }
  flush();
  return out;
}

function list(nodes: readonly Node[]): Node[] {
  return grouped(
    nodes,
    (n) => (isElement(n, 'li') ? [element('li', '', flow(n.children))] : null),
    (group) => element('li', '', flow(group)),
  );
}

function row(nodes: readonly Node[]): Node[] {
  return grouped(
    nodes,
    (n) => (isElement(n, 'td') || isElement(n, 'th') ? [element(n.name, '', flow(n.children))] : null),
    (group) => element('td', '', flow(group)),
  );
}

function rows(nodes: readonly Node[]): Node[] {
  return grouped(nodes, (n) => (isElement(n, 'tr') ? [element('tr', '', row(n.children))] : null), (group) => element('tr', '', row(group)));
}

function table(nodes: readonly Node[]): Node[] {
  let started = false;
  let body = false;
  return grouped(
    nodes,
    (n) => {
      const first = !started;
      started = true;
      if (isElement(n, 'caption') && first) return [element('caption', '', phrasing(n.children, false))];
      if (isElement(n, 'thead') && !body) {
        body = true;
        return [element('thead', '', rows(n.children))];
      }
      if (isElement(n, 'tbody')) {
        body = true;
        return [element('tbody', '', rows(n.children))];
      }
      return null;
    },
    (group) => {
      body = true;
      return element('tbody', '', rows(group));
    },
  );
}

function details(el: Element): Element {
  const summary = isSpoiler(el) ? undefined : el.children.find((n): n is Element => isElement(n, 'summary'));
  const head = isSpoiler(el)
    ? [element('summary', '', [spoilerLabel(el)])]
    : summary ? [element('summary', '', phrasing(summary.children, false))] : [];
  return element('details', '', [...head, ...flow(el.children.filter((n) => n !== summary))]);
}

const BLOCKISH = (node: Node): boolean => typeof node !== 'string' && !PHRASING.has(node.name);

function flowElement(el: Element): Node[] {
  if (el.name === 'a') return link(el);
  if (PHRASING.has(el.name)) return phrasing([el], false);
  if (el.name === 'p') {
    return el.children.some(BLOCKISH) ? [element('div', ' class="p"', flow(el.children))] : [element('p', '', phrasing(el.children, false))];
  }
  if (PHRASING_BLOCKS.has(el.name)) return [element(el.name, el.attrs, phrasing(el.children, false))];
  if (FLOW_BLOCKS.has(el.name)) return [element(el.name, el.attrs, flow(el.children))];
  if (el.name === 'ul' || el.name === 'ol') return [element(el.name, el.attrs, list(el.children))];
  if (el.name === 'table') return [element('table', '', table(el.children))];
  if (el.name === 'details') return [details(el)];
  if (el.name === 'hr') return [el];
  // Stray summaries and table parts (and anything unforeseen) keep only their content.
  return flow(el.children);
}

/** Flow content: what a `div` may hold. Stray `li`s are gathered into a `ul`. */
export function flow(nodes: readonly Node[]): Node[] {
  return grouped(
    nodes,
    (n) => (typeof n === 'string' ? [n] : isElement(n, 'li') ? null : flowElement(n)),
    (group) => element('ul', '', list(group)),
  );
}
