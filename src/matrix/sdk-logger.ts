import type { Logger as SdkLogger } from 'matrix-js-sdk/lib/logger.js';
import { logger as sdkGlobalLogger } from 'matrix-js-sdk/lib/logger.js';
import type { Logger } from '../log.js';

/**
 * matrix-js-sdk logs every request at debug level by default. We hand it a logger that
 * keeps only its warnings and errors, routed into our own structured log.
 */
export function quietSdkLogger(log: Logger): SdkLogger {
  const format = (msg: unknown[]): string => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  const quiet: SdkLogger = {
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: (...msg: unknown[]) => log.warn({ source: 'matrix-js-sdk' }, format(msg)),
    error: (...msg: unknown[]) => log.error({ source: 'matrix-js-sdk' }, format(msg)),
    getChild: () => quiet,
  };
  return quiet;
}

/** The SDK's own modules log through a global logger; silence it below warnings too. */
export function quietSdkGlobalLogger(): void {
  (sdkGlobalLogger as unknown as { setLevel?: (level: string) => void }).setLevel?.('warn');
}
