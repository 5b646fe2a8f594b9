/**
 * Spoilers become `<details>`, which only flow content may hold. sanitize-html cannot see a
 * tag's ancestors, so this pass walks its (well-formed, attribute-escaped) output once with a
 * tag stack: a spoiler inside paragraphs only turns those paragraphs into `<div>`s; a spoiler
 * inside other phrasing elements (bold, links, coloured spans, headings) is shown inline as a
 * labelled `<span class="spoiler">`, since no inline element can hide text without CSS.
 */

const TAG = /<(\/?)([a-z][a-z0-9-]*)((?:\s[^>]*)?)>/g;
const VOID = new Set(['br', 'hr', 'img']);
/** Elements whose content model is phrasing only. */
const PHRASING_ONLY = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'span', 'a', 'b', 'i', 'u', 's', 'strong', 'em',
  'code', 'del', 'sup', 'sub', 'summary', 'caption', 'font',
]);

interface Open {
  name: string;
  start: number;
  end: number;
}

interface Replacement {
  start: number;
  end: number;
  text: string;
}

export function placeSpoilers(html: string, marker: string, label: (attrs: string) => string): string {
  if (!html.includes(marker)) return html;
  const stack: Open[] = [];
  const renameToDiv = new Set<Open>();
  const inline = new Set<Open>();
  const replacements: Replacement[] = [];
  for (const match of html.matchAll(TAG)) {
    const [whole, closing, name, attrs] = match as unknown as [string, string, string, string];
    const start = match.index;
    const end = start + whole.length;
    if (closing) {
      const open = stack.pop();
      if (!open) continue;
      if (renameToDiv.has(open)) {
        replacements.push({ start: open.start, end: open.end, text: '<div class="p">' }, { start, end, text: '</div>' });
      } else if (inline.has(open)) {
        replacements.push({ start, end, text: '</span></span>' });
      }
      continue;
    }
    if (VOID.has(name) || whole.endsWith('/>')) continue;
    const open: Open = { name, start, end };
    if (name === 'details' && attrs.includes(marker)) {
      const phrasing = stack.filter((o) => PHRASING_ONLY.has(o.name) && !inline.has(o));
      if (phrasing.some((o) => o.name !== 'p')) {
        inline.add(open);
        replacements.push({ start, end, text: `<span class="spoiler">${label(attrs)} <span class="spoiler-text">` });
      } else {
        for (const o of phrasing) renameToDiv.add(o);
      }
    }
    stack.push(open);
  }
  replacements.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const r of replacements) {
    out += html.slice(at, r.start) + r.text;
    at = r.end;
  }
  return out + html.slice(at);
}
