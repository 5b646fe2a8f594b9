/**
 * Proves in a real browser that the sanitiser alone is enough: every payload's output from
 * both body renderers goes into one page served WITHOUT a Content-Security-Policy, Chromium
 * loads it with JavaScript on, every element is hovered, focused and clicked, and nothing may
 * run, open a dialog, navigate or fetch from another origin. A control page of raw payloads
 * shows that the same harness does catch script when there is some.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPlainBody, sanitizeFormattedBody } from '../../src/view/html.js';
import { launchChromium } from '../support/browser.js';
import { xssPayloads } from '../support/xss-payloads.js';

const PAYLOADS = xssPayloads();
const MAX_REAL_INTERACTIONS = 400;

function page(title: string, sections: string[]): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>`
    + `<body>${sections.join('\n')}</body></html>`;
}

function sanitisedPage(): string {
  return page('sanitised', PAYLOADS.map((payload, i) =>
    `<section id="p${i}"><h2>${i}</h2><div>${sanitizeFormattedBody(payload)}</div>`
    + `<div>${renderPlainBody(payload)}</div></section>`));
}

/** Unsanitised payloads: the harness must notice every kind of failure here. */
function controlPage(): string {
  return page('control', [
    '<section id="c0"><img src="/nothing" onerror="xss()"></section>',
    '<section id="c1"><a id="js" href="javascript:alert(1)">js</a></section>',
    '<section id="c2"><img src="http://example.invalid/x.png"></section>',
    '<section id="c3"><b onmouseover="confirm(1)">hover</b></section>',
  ]);
}

let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  const pages: Record<string, string> = { '/': sanitisedPage(), '/control': controlPage() };
  server = createServer((req, res) => {
    const body = pages[req.url ?? ''];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    // Deliberately no Content-Security-Policy: the sanitiser has to hold on its own.
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** Hooks installed before any page script: record calls, and keep ordinary links from navigating. */
const HOOKS = `(() => {
  const where = () => {
    const target = window.event && window.event.target;
    const section = target && target.closest ? target.closest('section') : null;
    return section ? section.id : '';
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

interface Findings {
  calls: string[];
  foreignRequests: string[];
  navigations: string[];
}

async function openWatched(path: string): Promise<{ page: Page; findings: Findings }> {
  const findings: Findings = { calls: [], foreignRequests: [], navigations: [] };
  const context = await browser.newContext();
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
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    findings.foreignRequests.push(url);
    return route.abort();
  });
  await page.goto(`${origin}${path}`, { waitUntil: 'load' });
  page.on('framenavigated', (frame) => findings.navigations.push(frame.url()));
  return { page, findings };
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

async function dispatchEverywhere(page: Page): Promise<number> {
  return page.evaluate<number>(DISPATCH_EVERYWHERE);
}

/** Real pointer and keyboard interaction, summaries first so that spoilers open. */
async function interactForReal(page: Page): Promise<void> {
  const handles = [
    ...(await page.$$('summary')),
    ...(await page.$$('a, img, details, span, font, div, code, b, p, td')),
  ].slice(0, MAX_REAL_INTERACTIONS);
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

async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(300);
  await page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)))');
  await page.waitForTimeout(300);
}

/** The live DOM, as Chromium parsed it: no script, no handlers, no script URLs. */
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

async function domFindings(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(DOM_FINDINGS);
}

describe('sanitised payloads in Chromium', () => {
  it('run no script, fetch nothing foreign and never navigate', async () => {
    const { page, findings } = await openWatched('/');
    expect(await page.title()).toBe('sanitised');
    expect(await page.locator('section').count()).toBe(PAYLOADS.length);
    expect.soft(await domFindings(page)).toEqual([]);

    expect(await dispatchEverywhere(page)).toBeGreaterThan(PAYLOADS.length);
    await interactForReal(page);
    await settle(page);

    expect(findings).toEqual({ calls: [], foreignRequests: [], navigations: [] });
    await page.context().close();
  }, 180_000);
});

describe('the harness itself', () => {
  it('catches script, dialogs, script links and foreign requests on an unsanitised page', async () => {
    const { page, findings } = await openWatched('/control');
    await dispatchEverywhere(page);
    await page.click('#js', { noWaitAfter: true });
    await settle(page);

    const kinds = findings.calls.map((call) => call.split(':')[0]);
    expect(kinds).toEqual(expect.arrayContaining(['xss', 'alert', 'confirm', 'javascript-link']));
    expect(findings.calls.some((call) => call.startsWith('xss: c0'))).toBe(true);
    expect(findings.foreignRequests).toContain('http://example.invalid/x.png');
    await page.context().close();
  }, 60_000);
});
