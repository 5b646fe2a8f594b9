/**
 * Every page type in headless Chromium with JavaScript off: it renders (a screenshot that is
 * not blank), logs no console errors, and requests nothing from another origin. Screenshots
 * are kept in a temporary folder for people to look at.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chromiumSuite } from '../support/browser.js';
import { pageTypes } from '../support/page-types.js';


/** The same page types the Nu HTML Checker sees. */
const PAGES = pageTypes();

/** Distinct colours in an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes). */
export function pngColours(png: Buffer, cap = 1000): number {
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error('only 8-bit, non-interlaced PNGs');
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      if (!channels) throw new Error(`colour type ${data[9]} not handled`);
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const prev = Buffer.alloc(stride);
  const line = Buffer.alloc(stride);
  const colours = new Set<number>();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels]! : 0;
      const b = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      let v = src[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[x] = v & 0xff;
    }
    for (let x = 0; x < stride; x += channels) colours.add((line[x]! << 16) | (line[x + 1]! << 8) | line[x + 2]!);
    if (colours.size >= cap) return colours.size;
    line.copy(prev);
  }
  return colours.size;
}

describe('Chromium without JavaScript', () => {
  const suite = chromiumSuite();
  const dir = mkdtempSync(join(tmpdir(), 'msv-screenshots-'));

  it.each(Object.entries(PAGES))('%s renders, with no console errors and nothing from elsewhere', async (name, { path, status }) => {
    const context = await suite.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    const foreign: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== suite.viewer.url) foreign.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // Chromium reports the page's own error status; that is the point of an error page.
      if (status >= 400 && message.text().includes(`status of ${status}`)) return;
      errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
    const response = await page.goto(`${suite.viewer.url}${path}`, { waitUntil: 'load' });
    expect(response?.status()).toBe(status);
    const shot = await page.screenshot({ fullPage: true, type: 'png' });
    writeFileSync(join(dir, `${name}.png`), shot);
    await context.close();
    expect(foreign, 'requests to other origins').toEqual([]);
    expect(failed, 'failed requests').toEqual([]);
    expect(errors, 'console errors').toEqual([]);
    // Text, links, borders and backgrounds in several colours: anti-aliased text alone gives dozens.
    expect(pngColours(shot), `${name}.png in ${dir} looks blank`).toBeGreaterThan(16);
  });

  it('the blank-page check does catch a blank page', async () => {
    const context = await suite.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.setContent('<!DOCTYPE html><title>blank</title>');
    const shot = await page.screenshot({ type: 'png' });
    await context.close();
    expect(pngColours(shot)).toBeLessThanOrEqual(2);
  });
});
