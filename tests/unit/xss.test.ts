import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { renderPlainBody, sanitizeFormattedBody } from '../../src/view/html.js';
import { xssPayloads } from '../support/xss-payloads.js';

const PAYLOADS = xssPayloads();

/** What each element may carry after sanitising; anything else is a failure. */
const ALLOWED: Record<string, readonly string[]> = {
  del: [], h1: [], h2: [], h3: [], h4: [], h5: [], h6: [], blockquote: [],
  p: [], a: ['href', 'rel'], ul: [], ol: ['start'], sup: [], sub: [], li: [], b: [], i: [], u: [],
  strong: [], em: [], s: [], code: ['class'], hr: [], br: [], div: [], table: [], thead: [],
  tbody: [], tr: [], th: [], td: [], caption: [], pre: [], span: ['style'],
  img: ['src', 'alt', 'title', 'width', 'height'], details: [], summary: [],
};

const LINK_SCHEMES = new Set(['http:', 'https:', 'ftp:', 'mailto:', 'magnet:']);
const DANGEROUS_SCHEME = /(?:java|vb|live)script:|data:/;

/** Every problem cheerio (a browser-grade HTML parser) finds in one sanitised output. */
function problems(html: string): string[] {
  const $ = cheerio.load(`<div id="root">${html}</div>`);
  const found: string[] = [];
  $('#root *').each((_i, node) => {
    const name = node.tagName.toLowerCase();
    const allowed = ALLOWED[name];
    if (allowed === undefined) {
      found.push(`element <${name}>`);
      return;
    }
    for (const [attr, value] of Object.entries(node.attribs)) {
      if (attr.startsWith('on')) found.push(`handler ${attr} on <${name}>`);
      if (!allowed.includes(attr)) found.push(`attribute ${attr} on <${name}>`);
      const squashed = value.replace(/[\s\x00-\x1f]+/g, '').toLowerCase();
      if (DANGEROUS_SCHEME.test(squashed)) found.push(`scheme in ${attr}="${value}"`);
      if (attr === 'style' && !/^(color:#[0-9a-f]{6}(;background-color:#[0-9a-f]{6})?|background-color:#[0-9a-f]{6})$/.test(value)) found.push(`style="${value}"`);
      if (attr === 'class' && !/^language-[A-Za-z0-9_+#.-]+(?: language-[A-Za-z0-9_+#.-]+)*$/.test(value)) {
        found.push(`class="${value}"`);
      }
      if (attr === 'src' && !value.startsWith('/media/thumbnail/')) found.push(`src="${value}"`);
      if (attr === 'href') {
        let scheme = '';
        try {
          scheme = new URL(value).protocol;
        } catch {
          scheme = 'relative';
        }
        if (!LINK_SCHEMES.has(scheme)) found.push(`href="${value}"`);
      }
      if (attr === 'rel' && value !== 'nofollow ugc noopener') found.push(`rel="${value}"`);
    }
    if (name === 'a' && node.attribs.rel !== 'nofollow ugc noopener') found.push('link without rel');
  });
  return found;
}

describe('XSS payloads', () => {
  it('has at least 200 distinct payloads', () => {
    expect(new Set(PAYLOADS).size).toBe(PAYLOADS.length);
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(200);
  });

  it('has a checker that catches the raw payloads', () => {
    const caught = PAYLOADS.filter((payload) => problems(payload).length > 0);
    expect(caught.length / PAYLOADS.length).toBeGreaterThan(0.9);
  });

  it.each(PAYLOADS.map((payload, i) => [i, payload] as const))(
    'payload %i is harmless as a formatted body',
    (_i, payload) => {
      expect(problems(sanitizeFormattedBody(payload))).toEqual([]);
    },
  );

  it.each(PAYLOADS.map((payload, i) => [i, payload] as const))(
    'payload %i is harmless as a plain body',
    (_i, payload) => {
      expect(problems(renderPlainBody(payload))).toEqual([]);
    },
  );

  it('never lets a payload reach the page as markup through the plain renderer', () => {
    for (const payload of PAYLOADS) {
      const $ = cheerio.load(`<div id="root">${renderPlainBody(payload)}</div>`);
      const names = new Set($('#root *').toArray().map((n) => n.tagName));
      for (const name of names) expect(['a', 'br']).toContain(name);
    }
  });
});
