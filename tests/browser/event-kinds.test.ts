/**
 * Polls, calls, pins, policy rules, folded churn and playable media as readers meet them with
 * JavaScript off: headless Chromium (a context without JavaScript; the checks read the DOM and
 * load the media from outside the page) and lynx's dump, on the seeded events and policy rooms.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumSuite } from '../support/browser.js';

/** The parts of an HTMLMediaElement the check uses (the project's types have no DOM). */
interface MediaLike {
  duration: number;
  videoWidth?: number;
  error: { code: number } | null;
  preload: string;
  load(): void;
  addEventListener(type: string, listener: () => void): void;
}

async function lynx(url: string): Promise<string> {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', TERM: 'dumb', no_proxy: '*' };
  const { stdout } = await promisify(execFile)('lynx', ['-dump', '-width=200', '-display_charset=utf-8', '-assume_charset=utf-8', url], { env });
  return stdout.split(/^References$/m)[0] ?? '';
}

/** The lines of `text` that hold each phrase, in the order given: they read in that order. */
function inOrder(text: string, phrases: string[]): void {
  let at = 0;
  for (const phrase of phrases) {
    const found = text.indexOf(phrase, at);
    expect(found, `“${phrase}” after position ${at}`).toBeGreaterThanOrEqual(0);
    at = found + phrase.length;
  }
}

describe('event kinds in Chromium and lynx, JavaScript off', () => {
  const suite = chromiumSuite();
  let context: BrowserContext;
  beforeAll(async () => {
    context = await suite.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1024, height: 768 } });
  });
  afterAll(async () => {
    await context?.close();
  });

  it('Chromium shows the polls with answers, counts and result, the calls, the pins, and a closed fold', async () => {
    const page = await context.newPage();
    await page.goto(`${suite.viewer.url}/room/events:localhost`);
    const polls = await page.locator('.poll').allInnerTexts();
    expect(polls.some((p) => p.includes('Tea or coffee?') && p.includes('Tea (2 votes, winning answer)') && p.includes('The poll has ended. Winning answer: “Tea”, with 2 votes.'))).toBe(true);
    expect(polls.some((p) => p.includes('Which day suits you?') && p.includes('Friday (2 votes)') && !p.includes('ended'))).toBe(true);
    const sentences = (await page.locator('.sentence').allInnerTexts()).join('\n');
    for (const phrase of ['placed a voice call', 'ended the call', 'placed a video call', 'declined the call', 'started a video call', 'ended the poll “Tea or coffee?”', 'unpinned “The FAQ lives on the wiki.”']) expect(sentences).toContain(phrase);
    const pins = await page.locator('section.pins li').allInnerTexts();
    expect(pins).toEqual(['Poll: Which day suits you? by Bob Builder', 'House rules: be kind, stay on topic. by Alice Liddell']);
    const fold = page.locator('li.ev-fold details').first();
    expect(await fold.getAttribute('open')).toBeNull();
    expect(await page.locator('li.ev-fold summary').first().innerText()).toContain('5 people joined, 1 left, 1 changed their name');
    // Opening it needs no script: a click on the summary.
    await page.locator('li.ev-fold summary').first().click();
    expect(await fold.getAttribute('open')).not.toBeNull();
    expect(await page.locator('li.ev-fold ol.fold > li').count()).toBe(7);
    await page.close();
  });

  it('Chromium plays the voice message and the video through the proxy', async () => {
    // The page holds no script; this check needs one of its own to watch the media load, so it
    // runs in a context with JavaScript (the page's CSP still forbids any script of the page).
    const watching = await suite.browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await watching.newPage();
    await page.goto(`${suite.viewer.url}/room/events:localhost`);
    const audio = page.locator('audio[controls]').first();
    const video = page.locator('video[controls][preload="none"]').first();
    expect(await audio.count()).toBe(1);
    expect(await video.count()).toBe(1);
    // The page runs no script; the check loads each element's media from outside it.
    const load = (selector: string) =>
      page.locator(selector).first().evaluate(
        (el: MediaLike) =>
          new Promise<{ duration: number; width: number; error: number | null }>((resolve) => {
            el.addEventListener('loadedmetadata', () => resolve({ duration: el.duration, width: el.videoWidth ?? 0, error: null }));
            el.addEventListener('error', () => resolve({ duration: NaN, width: 0, error: el.error?.code ?? -1 }));
            el.preload = 'auto';
            el.load();
          }),
      );
    const sound = await load('audio[controls]');
    expect(sound.error).toBeNull();
    expect(sound.duration).toBeCloseTo(1.2, 1);
    const picture = await load('video[controls]');
    expect(picture.error).toBeNull();
    expect(picture.width).toBe(64);
    // And a download link beside each.
    expect(await page.locator('.msg-audio a[download]').count()).toBe(1);
    await watching.close();
  });

  it('Chromium shows policy rules as sentences with their entity and recommendation as code', async () => {
    const page = await context.newPage();
    await page.goto(`${suite.viewer.url}/room/policy:localhost`);
    const sentences = (await page.locator('.sentence').allInnerTexts()).join('\n');
    expect(sentences).toContain('added a ban rule (m.ban) for users matching @spam*:example.org: spam');
    expect(sentences).toContain('added a ban rule (m.ban) for servers matching *.evil.example: abuse');
    expect(sentences).toContain('removed the ban rule (m.ban) for rooms matching #scam:example.org');
    expect(await page.locator('.sentence code').allInnerTexts()).toEqual(expect.arrayContaining(['m.ban', '@spam*:example.org', '*.evil.example']));
    await page.close();
  });

  it('lynx reads polls, calls, pins, the fold with its details in order, and media links', async () => {
    const text = await lynx(`${suite.viewer.url}/room/events:localhost`);
    inOrder(text, [
      'Pinned messages', 'Poll: Which day suits you? by Bob Builder', 'House rules: be kind, stay on topic. by Alice Liddell',
      '5 people joined, 1 left, 1 changed their name', 'Alice Liddell joined the room', 'Bob Builder joined the room', 'left the room', 'Carol Danvers changed their name to Captain Carol',
      'Poll: Tea or coffee?', 'Tea (2 votes, winning answer)', 'Coffee (1 vote)', 'The poll has ended',
      'ended the poll', 'Poll: Which day suits you?', 'Monday (1 vote)', 'Friday (2 votes)',
      'placed a voice call', 'ended the call', 'placed a video call', 'declined the call', 'started a video call',
      'Download the audio', 'Audio:', 'Voice message', 'Download the video', 'Video:', 'colours.webm',
      'pinned', 'unpinned', 'The FAQ lives on the wiki.',
    ]);
    expect(text).not.toMatch(/m\.call\.|m\.poll\.|msc3381|msc3401|cannot show/);
  });

  it('lynx reads the policy list', async () => {
    const text = await lynx(`${suite.viewer.url}/room/policy:localhost`);
    inOrder(text, ['added a ban rule (m.ban) for users matching @spam*:example.org: spam', 'for rooms matching #scam:example.org', 'for servers matching *.evil.example', 'removed the ban rule (m.ban) for rooms matching #scam:example.org']);
    expect(text).not.toContain('m.policy.rule');
  });
});
