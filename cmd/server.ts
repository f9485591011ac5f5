import { ConfigError } from '../src/config/index.js';
import {
  createLogger,
  DataDirLockedError,
  loadArgusConfig,
  resolveSettings,
  runServer,
  ServerStartError,
} from '../src/server/index.js';
import { errorChain } from '../src/util/index.js';
import { parseFlags, str } from './flags.js';
import { SERVER_USAGE, UsageError } from './usage.js';
import { argusVersion } from './version.js';

/** `argus server`: runs until SIGTERM/SIGINT; exit 0 after a clean shutdown, 1 on failure. */
export async function serverCommand(args: string[]): Promise<number> {
  const parsed = parseFlags(
    args,
    {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      listen: { type: 'string' },
      'web.external-url': { type: 'string' },
      'log.level': { type: 'string' },
    },
    SERVER_USAGE,
  );
  if (!parsed) {
    process.stdout.write(SERVER_USAGE);
    return 0;
  }
  if (parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`, SERVER_USAGE);
  }
  const v = parsed.values;
  const settings = resolveSettings(
    {
      config: str(v.config),
      dataDir: str(v['data-dir']),
      listen: str(v.listen),
      externalUrl: str(v['web.external-url']),
      logLevel: str(v['log.level']),
    },
    process.env,
    process.cwd(),
  );
  let config;
  try {
    config = await loadArgusConfig(settings.source);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`argus: cannot load config:\n${err.message}\n`);
    return 1;
  }
  const logger = createLogger(config.logging);
  try {
    return await runServer({ settings, config, logger, version: argusVersion() });
  } catch (err) {
    const locked = err instanceof DataDirLockedError;
    if (!locked && !(err instanceof ServerStartError)) throw err;
    const why = errorChain(err);
    logger.fatal({ err: why }, locked ? 'data dir is locked' : 'cannot start');
    // Also on stderr without JSON, for humans reading a terminal or `journalctl`.
    process.stderr.write(`argus: ${why}\n`);
    return 1;
  }
}
