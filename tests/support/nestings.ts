/**
 * Random formatted bodies for the containment test, property-based style with a fixed seed:
 * trees of the spec's tags and of disallowed ones, text, comments, unclosed start tags and
 * stray end tags. Every word is unique (`zqN`), and the generator records which words must
 * survive (not inside an element whose content the sanitiser drops) and which sit inside a
 * spoiler that nothing can close early, so they must stay hidden.
 */

/** mulberry32: small, fast, and the same sequence on every machine. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SPEC_TAGS = [
  'font', 'del', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'p', 'a', 'ul', 'ol', 'sup', 'sub', 'li', 'b', 'i', 'u',
  'strong', 'em', 's', 'code', 'hr', 'br', 'div', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'caption', 'pre', 'span', 'img',
  'details', 'summary',
];
const OTHER_TAGS = [
  'form', 'button', 'dd', 'dt', 'dl', 'address', 'center', 'main', 'nav', 'section', 'article', 'header', 'footer', 'figure',
  'menu', 'listing', 'marquee', 'nobr', 'big', 'small', 'strike', 'ruby', 'rt', 'rp', 'col', 'colgroup', 'tfoot', 'frameset',
  'body', 'html', 'head', 'input', 'label', 'fieldset', 'legend', 'optgroup', 'image', 'applet', 'mark', 'q', 'wbr', 'area',
  'map', 'audio', 'video', 'base', 'link', 'meta', 'x-custom',
];
/** Elements the sanitiser drops with their content (its nonTextTags and mx-reply). */
const DROPPED = ['script', 'style', 'textarea', 'select', 'option', 'xmp', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'math', 'title', 'noembed', 'noframes', 'mx-reply'];
/** Inside a spoiler, only elements that never close an element above them implicitly. */
const CLEAN = ['b', 'i', 'u', 's', 'code', 'em', 'strong', 'span', 'a', 'div', 'blockquote', 'pre', 'br', 'img', 'hr'];
const LINKS = ['https://example.org/', 'https://bank.example@evil.example/login', 'javascript:alert(1)', 'http://x.example/a?b=1&c=2', 'mailto:a@b.example', '/relative'];
const END_TAGS = ['li', 'ol', 'ul', 'div', 'p', 'table', 'tr', 'td', 'body', 'html', 'a', 'b', 'span', 'details', 'summary', 'blockquote', 'main', 'br'];

export interface Nesting {
  html: string;
  /** Words that must appear in the message's own entry. */
  required: string[];
  /** Words that may be dropped (they sit in an element whose content is dropped). */
  optional: string[];
  /** Words inside a spoiler: each must be inside `details` (not its summary) or `.spoiler-text`. */
  hidden: string[];
}

export function makeNesting(random: () => number, counter: { n: number }): Nesting {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const required: string[] = [];
  const optional: string[] = [];
  const hidden: string[] = [];
  const word = (dropped: boolean, spoiler: boolean): string => {
    const w = `zq${counter.n++}`;
    (dropped ? optional : required).push(w);
    if (spoiler && !dropped) hidden.push(w);
    return ` ${w} `;
  };
  const attrs = (tag: string): string => {
    if (tag === 'a') return ` href="${pick(LINKS).replace(/&/g, '&amp;')}"`;
    if (tag === 'img') return random() < 0.5 ? ' src="mxc://example.org/abc"' : ' src="https://evil.example/x.png"';
    if (tag === 'span' && random() < 0.3) return ' data-mx-spoiler="why"';
    if (tag === 'ol') return ' start="3"';
    return random() < 0.1 ? ' style="color:red" onclick="x()"' : '';
  };
  const text = (): string => pick([' & ', ' &amp; ', ' < ', ' > ', ' " ', '\u00a0', ' &nbsp; ', '\n', '  ']);

  // (No link directly in a link: the sanitiser's parser closes the outer one there.)
  function clean(depth: number, dropped: boolean, inLink = false): string {
    let out = '';
    const count = 1 + Math.floor(random() * 3);
    for (let i = 0; i < count; i++) {
      if (depth > 3 || random() < 0.35) {
        out += word(dropped, true);
        continue;
      }
      const tag = pick([...CLEAN, 'ul', 'table', 'details'].filter((t) => !inLink || t !== 'a'));
      if (tag === 'ul') out += `<ul><li>${clean(depth + 1, dropped, inLink)}</li><li>${clean(depth + 1, dropped, inLink)}</li></ul>`;
      else if (tag === 'table') out += `<table><tbody><tr><td>${clean(depth + 1, dropped, inLink)}</td></tr></tbody></table>`;
      else if (tag === 'details') out += `<details><summary>s</summary>${clean(depth + 1, dropped, inLink)}</details>`;
      else if (tag === 'br' || tag === 'hr' || tag === 'img') out += `<${tag}${attrs(tag)}>`;
      else out += `<${tag}${tag === 'span' ? '' : attrs(tag)}>${clean(depth + 1, dropped, inLink || tag === 'a')}</${tag}>`;
    }
    return out;
  }

  function tree(depth: number, dropped: boolean): string {
    let out = '';
    const count = 1 + Math.floor(random() * 4);
    for (let i = 0; i < count; i++) {
      const roll = random();
      if (depth > 6 || roll < 0.25) {
        out += word(dropped, false) + (random() < 0.3 ? text() : '');
      } else if (roll < 0.3) {
        out += `</${pick(END_TAGS)}>`;
      } else if (roll < 0.33) {
        out += '<!-- c -->';
      } else if (roll < 0.38 && !dropped) {
        out += `<span data-mx-spoiler>${clean(0, dropped)}</span>`;
      } else if (roll < 0.42) {
        const tag = pick(DROPPED);
        // Words in a dropped element are optional; a raw-text element holds no markup here.
        out += `<${tag}>${word(true, false)}</${tag}>`;
      } else {
        const tag = random() < 0.75 ? pick(SPEC_TAGS) : pick(OTHER_TAGS);
        const unclosed = random() < 0.1;
        out += `<${tag}${attrs(tag)}>${tree(depth + 1, dropped)}${unclosed ? '' : `</${tag}>`}`;
      }
    }
    return out;
  }

  return { html: tree(0, false), required, optional, hidden };
}
