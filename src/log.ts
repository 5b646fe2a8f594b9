import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One JSON line per record on stdout, which is where Heroku collects logs. Written
 * asynchronously: every request logs a line, and a synchronous write held the event loop for
 * a system call per request; lines that arrive while one is being written go out together.
 * pino flushes what is left when the process exits.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 1, sync: false }));
}
