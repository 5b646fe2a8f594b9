import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { load as loadHtml, type CheerioAPI } from 'cheerio';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createServices, discoverServerName, type Services } from '../../src/services.js';
import { createApp } from '../../src/web/app.js';
import { loadSeed } from './homeserver.js';

export interface RunningViewer {
  url: string;
  services: Services;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  html(path: string): Promise<{ status: number; $: CheerioAPI; body: string; response: Response }>;
  close(): Promise<void>;
}

/**
 * The whole viewer, in this process, against the seeded Synapse (or another homeserver
 * given in `env`), on a random loopback port.
 */
export async function startViewer(env: Record<string, string> = {}): Promise<RunningViewer> {
  const seed = loadSeed();
  const config = loadConfig({
    MATRIX_HOMESERVER_URL: seed.homeserverUrl,
    PUBLIC_URL: 'http://viewer.test',
    LOG_LEVEL: 'silent',
    // Each viewer has an archive of its own, and no backfill unless a test asks for it (it
    // would add homeserver calls to the counts tests make).
    ARCHIVE_PATH: join(mkdtempSync(join(tmpdir(), 'msv-viewer-')), 'archive.sqlite'),
    ARCHIVE_BACKFILL_CALLS_PER_MINUTE: '0',
    ...env,
  });
  const services = createServices(config, createLogger(config.logLevel), false);
  services.renderer.site.serverName = await discoverServerName(services.client, 'localhost');
  await services.archive?.store.migrate();
  services.backfill?.start();
  const app = createApp(services);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = (path: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${url}${path}`, { headers, redirect: 'manual' });
  return {
    url,
    services,
    get,
    async html(path) {
      const response = await get(path);
      const body = await response.text();
      return { status: response.status, $: loadHtml(body), body, response };
    },
    close: () =>
      new Promise<void>((resolve) => {
        services.backfill?.stop();
        server.closeAllConnections();
        server.close(() => void (services.archive?.store.close() ?? Promise.resolve()).finally(resolve));
      }),
  };
}
