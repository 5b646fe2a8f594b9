/**
 * Headless Debian Chromium for the browser suites, driven by playwright-core (never a
 * downloaded browser build). `scripts/install-tools.sh` installs it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startViewer, type RunningViewer } from './viewer.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep Chromium quiet: no sandbox (containers), no GPU, no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable()) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; run: bash scripts/install-tools.sh`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A suite's viewer and Chromium, there from its `beforeAll` to its `afterAll`. */
export interface ChromiumSuite {
  readonly viewer: RunningViewer;
  readonly browser: Browser;
}

/**
 * Registers the hooks that start a viewer (with `env`) and Chromium for the calling suite, after
 * `prepare` (seeding its room, say), and close both after it. Read the fields inside tests.
 */
export function chromiumSuite(env: Record<string, string> = {}, prepare?: () => Promise<void>): ChromiumSuite {
  let viewer: RunningViewer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    await prepare?.();
    viewer = await startViewer(env);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await viewer?.close();
  });
  return {
    get viewer() {
      if (!viewer) throw new Error('the viewer is not started yet (read it inside a test)');
      return viewer;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not started yet (read it inside a test)');
      return browser;
    },
  };
}
