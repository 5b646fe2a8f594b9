import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './log.js';
import { createServices, discoverServerName } from './services.js';
import { createApp } from './web/app.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`matrix-static-viewer: configuration error: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const log = createLogger(config.logLevel);
  const services = createServices(config, log, process.env['NODE_ENV'] === 'production');
  const site = services.renderer.site;
  site.serverName = process.env['MATRIX_SERVER_NAME'] || (await discoverServerName(services.client, site.serverName));
  // Versioned migrations before the first request; a store that cannot open stops the start.
  await services.archive?.store.migrate();
  services.backfill?.start();

  let draining = false;
  const app = createApp(services, {
    // During the drain every answer tells the client not to reuse its connection.
    onRequest: (res) => {
      if (draining) res.setHeader('Connection', 'close');
    },
  });
  const server = app.listen(config.port, () => {
    log.info({ port: config.port, homeserver: config.homeserverUrl, serverName: site.serverName, guest: services.session.isGuest, node: process.version }, 'listening');
  });

  // On SIGTERM (Heroku's restart) stop accepting, let in-flight requests finish, and exit
  // well before the platform's 30 s kill.
  const drain = (signal: string): void => {
    if (draining) return;
    draining = true;
    log.info({ signal }, 'draining');
    services.backfill?.stop();
    server.close(() => void (services.archive?.store.close() ?? Promise.resolve()).finally(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => drain('SIGTERM'));
  process.on('SIGINT', () => drain('SIGINT'));
}

void main();
