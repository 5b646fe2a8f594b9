import { pino, type Logger } from 'pino';

export type { Logger };

/** One JSON line per record on stdout, which is where Heroku collects logs. */
export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}
