import { ArgusServer, type ServerOptions } from './server.js';

/**
 * Runs the server until a signal stops it: SIGHUP reloads the config, SIGTERM/SIGINT shut down
 * gracefully. Repeated stop signals are ignored (npm forwards Ctrl+C to its child, which then gets
 * SIGINT twice); a hung shutdown is bounded by the server's own timeout. Resolves with the
 * process exit code.
 */
export async function runServer(opts: ServerOptions): Promise<number> {
  const srv = await ArgusServer.start(opts);
  const { logger } = opts;
  let stopping = false;
  const onHup = (): void => {
    logger.info({ signal: 'SIGHUP' }, 'reloading config');
    void srv.reload();
  };
  const onStop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.info({ signal }, 'already shutting down');
      return;
    }
    stopping = true;
    void srv.shutdown(`received ${signal}`);
  };
  process.on('SIGHUP', onHup);
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  try {
    return await srv.done;
  } finally {
    process.off('SIGHUP', onHup);
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
  }
}
