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
import { dispatchEverywhere, domFindings, openWatched as watch, interactForReal as interact, settle, type Findings } from '../support/xss-detect.js';
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

async function openWatched(path: string): Promise<{ page: Page; findings: Findings }> {
  return watch(browser, origin, path);
}

describe('sanitised payloads in Chromium', () => {
  it('run no script, fetch nothing foreign and never navigate', async () => {
    const { page, findings } = await openWatched('/');
    expect(await page.title()).toBe('sanitised');
    expect(await page.locator('section').count()).toBe(PAYLOADS.length);
    expect.soft(await domFindings(page)).toEqual([]);

    expect(await dispatchEverywhere(page)).toBeGreaterThan(PAYLOADS.length);
    await interact(page, MAX_REAL_INTERACTIONS);
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
