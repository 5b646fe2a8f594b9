/**
 * The XSS detection machinery shared by the browser suites, and the static checks shared by
 * the unit and browser suites.
 *
 * In Chromium: hooks installed before any page script record calls to alert, confirm,
 * prompt, print and xss (every payload calls one of them), dialogs, `javascript:` link
 * clicks, navigations, popups and requests to any origin but the one under test; then every
 * element is hovered, focused and clicked.
 *
 * Statically (cheerio on a page's HTML, or the live DOM as Chromium parsed it): no script
 * element, no event-handler attribute, no inline style but our `color:#rrggbb` forms, and
 * every URL attribute a site-relative path, a fragment, or an http, https, ftp, mailto or
 * magnet URL (and `geo:lat,lon`, which locations link to).
 */
import { load as loadHtml } from 'cheerio';
import type { Browser, Page } from 'playwright-core';

/** Hooks installed before any page script: record calls, and keep ordinary links from navigating. */
export const HOOKS = `(() => {
  const where = () => {
    const target = window.event && window.event.target;
    const holder = target && target.closest ? target.closest('[id]') : null;
    return holder ? holder.id : '';
  };
  const report = (kind) => (...args) => { window.__xssReport(kind, where() + ' ' + args.join(' ')); };
  window.xss = report('xss');
  for (const name of ['alert', 'confirm', 'prompt', 'print']) window[name] = report(name);
  document.addEventListener('click', (event) => {
    const link = event.target && event.target.closest ? event.target.closest('a') : null;
    if (!link) return;
    const raw = link.getAttribute('href') || link.getAttribute('xlink:href') || '';
    let protocol = '';
    try { protocol = new URL(raw, location.href).protocol; } catch {}
    // A javascript: link is left to run (and is a finding by itself); anything else would
    // navigate away from the page under test.
    if (protocol === 'javascript:') window.__xssReport('javascript-link', raw);
    else event.preventDefault();
  }, true);
})();`;

export interface Findings {
  calls: string[];
  foreignRequests: string[];
  navigations: string[];
}

export interface WatchOptions {
  /**
   * Serve the page without its Content-Security-Policy (and CSP report-only) headers, so
   * that what is proven is the markup's own safety, not the header's.
   */
  stripCsp?: boolean;
}

/**
 * Opens `origin + path` in a new context of `browser`, with JavaScript on, the hooks in
 * place, and every request to another origin recorded and aborted.
 */
export async function openWatched(
  browser: Browser,
  origin: string,
  path: string,
  options: WatchOptions = {},
): Promise<{ page: Page; findings: Findings; status: number | undefined }> {
  const findings: Findings = { calls: [], foreignRequests: [], navigations: [] };
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  await page.exposeFunction('__xssReport', (kind: string, detail: string) => {
    findings.calls.push(`${kind}: ${detail}`);
  });
  await page.addInitScript(HOOKS);
  page.on('dialog', (dialog) => {
    findings.calls.push(`dialog ${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('popup', (popup) => findings.navigations.push(`popup ${popup.url()}`));
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (!url.startsWith(`${origin}/`)) {
      findings.foreignRequests.push(url);
      return route.abort();
    }
    if (!options.stripCsp) return route.continue();
    const response = await route.fetch();
    const headers = { ...response.headers() };
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase().startsWith('content-security-policy')) delete headers[name];
    }
    return route.fulfill({ response, headers });
  });
  const response = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
  page.on('framenavigated', (frame) => findings.navigations.push(frame.url()));
  return { page, findings, status: response?.status() };
}

/** Synthetic events on every element: fast, and reaches hidden ones too. */
const DISPATCH_EVERYWHERE = `(() => {
  const elements = Array.from(document.body.querySelectorAll('*'));
  for (const element of elements) {
    for (const type of ['pointerover', 'pointerenter', 'mouseover', 'mouseenter', 'mousedown', 'mouseup']) {
      element.dispatchEvent(new MouseEvent(type, { bubbles: true }));
    }
    if (element instanceof HTMLElement) {
      element.focus();
      element.click();
    }
  }
  return elements.length;
})()`;

export async function dispatchEverywhere(page: Page): Promise<number> {
  return page.evaluate<number>(DISPATCH_EVERYWHERE);
}

/** Real pointer and keyboard interaction, summaries first so that spoilers open. */
export async function interactForReal(page: Page, max: number): Promise<void> {
  const handles = [
    ...(await page.$$('summary')),
    ...(await page.$$('a, img, details, span, font, div, code, b, p, td')),
  ].slice(0, max);
  for (const handle of handles) {
    try {
      await handle.hover({ timeout: 250, force: true });
      await handle.click({ timeout: 250, force: true, noWaitAfter: true });
    } catch {
      // Hidden or detached: the synthetic pass has already reached it.
    }
  }
  for (let i = 0; i < 30; i++) await page.keyboard.press('Tab');
}

export async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(300);
  await page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)))');
  await page.waitForTimeout(300);
}

/**
 * The live DOM of a page that holds only sanitiser output, as Chromium parsed it: no
 * script, no handlers, no script URLs, none of the elements a message may not make.
 */
const DOM_FINDINGS = `(() => {
  const found = [];
  const forbidden = 'script, style, iframe, object, embed, form, svg, math, base, meta, link, input, '
    + 'textarea, template, noscript, frame, frameset, button, select';
  for (const element of document.body.querySelectorAll(forbidden)) found.push('<' + element.localName + '>');
  for (const element of document.body.querySelectorAll('*')) {
    for (const attr of element.attributes) {
      const value = attr.value.replace(/[\\s\\x00-\\x1f]+/g, '').toLowerCase();
      if (attr.name.startsWith('on')) found.push(attr.name + ' on <' + element.localName + '>');
      if (/(?:java|vb|live)script:|data:/.test(value)) found.push(attr.name + '="' + attr.value + '"');
    }
  }
  return found;
})()`;

export async function domFindings(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(DOM_FINDINGS);
}

// ---------------------------------------------------------------------------------------
// Whole pages: the rules for everything the viewer serves, on parsed elements.

/** One element as parsed: its local name and its attributes, values entity-decoded. */
export interface ParsedElement {
  name: string;
  attrs: Array<[string, string]>;
}

/** Elements that no page of the viewer has, and that would run or load something. */
const FORBIDDEN_ELEMENTS = new Set([
  'script', 'iframe', 'object', 'embed', 'applet', 'base', 'frame', 'frameset', 'svg', 'math',
  'template', 'noscript', 'style', 'portal', 'fencedframe', 'param', 'xmp', 'plaintext', 'noembed',
]);

/** Attributes that take a URL (or run one): each value is checked. */
const URL_ATTRIBUTES = new Set([
  'href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'background', 'data', 'ping', 'cite',
  'longdesc', 'lowsrc', 'dynsrc', 'codebase', 'manifest', 'icon', 'archive', 'classid', 'usemap', 'itemtype',
]);

/** Attributes no page of the viewer writes, and that load or run something. */
const FORBIDDEN_ATTRIBUTES = new Set(['srcset', 'srcdoc', 'http-equiv', 'formaction', 'is', 'contenteditable', 'autofocus']);

const LINK_RELS = new Set(['stylesheet', 'icon', 'canonical', 'prev', 'next', 'alternate']);
const ALLOWED_SCHEMES = new Set(['http', 'https', 'ftp', 'mailto', 'magnet']);
const OUR_STYLE = /^(?:color:#[0-9a-f]{6}(?:;background-color:#[0-9a-f]{6})?|background-color:#[0-9a-f]{6})$/;
const GEO = /^geo:-?\d{1,3}(?:\.\d{1,15})?,-?\d{1,3}(?:\.\d{1,15})?$/;

/** The URL as a browser reads it, for checking: whitespace and controls out, lower case. */
export function squashUrl(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\s\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+/g, '').toLowerCase();
}

/** Null when `value` is an allowed link target, else why not. */
export function urlProblem(value: string): string | null {
  const url = squashUrl(value);
  if (url.startsWith('#')) return null;
  if (url.startsWith('/')) return /^\/[/\\]/.test(url) ? 'protocol-relative' : null;
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(url)?.[1];
  if (scheme === undefined) return 'not site-relative and without a scheme';
  if (ALLOWED_SCHEMES.has(scheme)) return null;
  if (scheme === 'geo' && GEO.test(url)) return null;
  return `scheme ${scheme}:`;
}

/** Every problem in a list of parsed elements; empty when the page is safe. */
export function elementFindings(elements: readonly ParsedElement[]): string[] {
  const found: string[] = [];
  for (const { name, attrs } of elements) {
    const tag = `<${name}>`;
    if (FORBIDDEN_ELEMENTS.has(name)) found.push(`element ${tag}`);
    const get = (attr: string): string | undefined => attrs.find(([n]) => n === attr)?.[1];
    if (name === 'meta' && get('http-equiv') !== undefined) found.push(`<meta http-equiv="${get('http-equiv')}">`);
    // A <link> is a head link of ours, or microdata (itemprop) whose href is checked below.
    const rel = get('rel');
    if (name === 'link' && (rel === undefined ? get('itemprop') === undefined : !rel.split(/\s+/).every((r) => LINK_RELS.has(r.toLowerCase())))) {
      found.push(`<link rel="${rel}">`);
    }
    if (name === 'form' && get('action') === undefined) found.push('<form> without action');
    for (const [attr, value] of attrs) {
      const lower = attr.toLowerCase();
      if (lower.startsWith('on')) found.push(`handler ${attr} on ${tag}`);
      if (FORBIDDEN_ATTRIBUTES.has(lower)) found.push(`attribute ${attr} on ${tag}`);
      if (lower === 'style' && !OUR_STYLE.test(value)) found.push(`style="${value}" on ${tag}`);
      if (URL_ATTRIBUTES.has(lower)) {
        const problem = urlProblem(value);
        if (problem) found.push(`${attr}="${value}" on ${tag}: ${problem}`);
      }
      if (name === 'meta' && lower === 'content' && /^\s*\d*\s*[;,]\s*url\s*=/i.test(value)) found.push(`refresh-like <meta content="${value}">`);
    }
  }
  return found;
}

/** The elements of an HTML document as cheerio (parse5, a browser-grade parser) parses it. */
export function parseElements(html: string): ParsedElement[] {
  const $ = loadHtml(html);
  return $('*').toArray().flatMap((node) => ('tagName' in node ? [{ name: node.tagName.toLowerCase(), attrs: Object.entries(node.attribs) }] : []));
}

/** `elementFindings` of a whole page's HTML. */
export function htmlFindings(html: string): string[] {
  return elementFindings(parseElements(html));
}

const LIVE_ELEMENTS = `Array.from(document.querySelectorAll('*')).map((element) => ({
  name: element.localName,
  attrs: Array.from(element.attributes).map((attr) => [attr.name, attr.value]),
}))`;

/** `elementFindings` of the live DOM, as Chromium parsed (and scripts, if any ran, left) it. */
export async function liveFindings(page: Page): Promise<string[]> {
  return elementFindings(await page.evaluate<ParsedElement[]>(LIVE_ELEMENTS));
}
