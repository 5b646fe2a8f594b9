import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { createServices } from './services.js';

/**
 * The backfill worker (`npm run archiver`, the Procfile's `worker:`): the same services as
 * the web process, no HTTP. With PostgreSQL it takes the backfill lock, so web processes
 * (which may also try) never walk at the same time; set ARCHIVE_BACKFILL_CALLS_PER_MINUTE=0
 * on the web dynos to leave all of it to the worker.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`matrix-static-viewer archiver: configuration error: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  if (config.archive.kind === 'off' || config.archive.backfillCallsPerMinute === 0) {
    log.error('the archiver needs ARCHIVE on and ARCHIVE_BACKFILL_CALLS_PER_MINUTE above 0 for its own process');
    process.exit(78);
  }
  const services = createServices(config, log, true);
  await services.archive?.store.migrate();
  services.backfill?.start();
  log.info({ store: config.archive.kind }, 'archiver started');
  const stop = (): void => {
    services.backfill?.stop();
    void (services.archive?.store.close() ?? Promise.resolve()).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
