/**
 * A small tree over sanitize-html's output, which is regular by construction: only allowed
 * tag names, attributes double-quoted with `&<>"` escaped, text with `&<>` escaped, and void
 * elements written `<br />`. So a `<` always starts a tag and a `>` in a tag always ends it,
 * and a regular expression reads it exactly. Text stays escaped; attributes stay as written.
 */

export interface Element {
  name: string;
  /** The attribute string as sanitize-html wrote it (escaped), with its leading space. */
  attrs: string;
  children: Node[];
}

/** A string is escaped text. */
export type Node = string | Element;

const TAG = /<(\/?)([a-z][a-z0-9-]*)((?:\s[^>]*)?)>/g;
export const VOID = new Set(['br', 'hr', 'img']);

export function element(name: string, attrs: string, children: Node[]): Element {
  return { name, attrs, children };
}

/** Reads balanced or unbalanced markup; a stray end tag is ignored, an unclosed one closed. */
export function parseTree(html: string): Node[] {
  const root = element('#root', '', []);
  const stack: Element[] = [root];
  let at = 0;
  for (const match of html.matchAll(TAG)) {
    const [whole, closing, name, attrs] = match as unknown as [string, string, string, string];
    const top = stack[stack.length - 1]!;
    if (match.index > at) top.children.push(html.slice(at, match.index));
    at = match.index + whole.length;
    if (closing) {
      const open = stack.findLastIndex((e) => e.name === name);
      if (open > 0) stack.length = open;
      continue;
    }
    const el = element(name, attrs.replace(/\s*\/$/, ''), []);
    top.children.push(el);
    if (!VOID.has(name)) stack.push(el);
  }
  if (at < html.length) stack[stack.length - 1]!.children.push(html.slice(at));
  return root.children;
}

export function serialise(nodes: readonly Node[]): string {
  let out = '';
  for (const node of nodes) {
    if (typeof node === 'string') out += node;
    else if (VOID.has(node.name)) out += `<${node.name}${node.attrs} />`;
    else out += `<${node.name}${node.attrs}>${serialise(node.children)}</${node.name}>`;
  }
  return out;
}

/** The escaped text of a subtree. */
export function textOf(nodes: readonly Node[]): string {
  return nodes.map((n) => (typeof n === 'string' ? n : textOf(n.children))).join('');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Undoes sanitize-html's escaping (and numeric references), for reading values, never for output. */
export function unescapeText(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]+));/gi, (whole, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) return ENTITIES[name.toLowerCase()] ?? whole;
    const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** ASCII whitespace as HTML parsers see it: such text never moves out of a table. */
export function isBlank(node: Node): boolean {
  return typeof node === 'string' && /^[\t\n\f\r ]*$/.test(node);
}
