import type { Server } from 'node:http';
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
    ...env,
  });
  const services = createServices(config, createLogger(config.logLevel), false);
  services.renderer.site.serverName = await discoverServerName(services.client, 'localhost');
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
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
