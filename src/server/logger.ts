import { pino, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import type { ArgusConfig } from './config.js';

export type ServerLogger = PinoLogger;

/**
 * The process logger: JSON lines on stdout, or human-readable via pino-pretty when
 * `format` is pretty (or auto and stdout is a terminal). Writes are synchronous so the last
 * lines before an exit (or a crash) are never lost; logging is not on a hot path.
 */
export function createLogger(
  cfg: ArgusConfig['logging'],
  isTTY = process.stdout.isTTY === true,
): ServerLogger {
  const usePretty = cfg.format === 'pretty' || (cfg.format === 'auto' && isTTY);
  const opts = { level: cfg.level, base: { pid: process.pid } };
  if (usePretty) {
    return pino(opts, pretty({ sync: true, colorize: isTTY, translateTime: 'SYS:standard' }));
  }
  return pino(
    { ...opts, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: true }),
  );
}
