/**
 * @module server
 * The composition root: the root config schema (each module's section composed), settings
 * precedence (flags > ARGUS_* env > file > defaults), the data-dir lock, and the running
 * server (HTTP endpoints, store lifecycle, reload, graceful shutdown). `cmd/` drives it.
 */
export {
  argusConfigSchema,
  defaultArgusConfig,
  parseListen,
  LOG_LEVELS,
  type ArgusConfig,
  type LogLevel,
} from './config.js';
export {
  resolveSettings,
  loadArgusConfig,
  externalUrl,
  type ServerFlags,
  type Settings,
  type ConfigSource,
} from './settings.js';
export { DataDirLock, DataDirLockedError, readLock, LOCK_FILE, type LockInfo } from './lock.js';
export { createLogger, type ServerLogger } from './logger.js';
export { ArgusServer, ServerStartError, type ServerOptions } from './server.js';
export { runServer } from './run.js';
export { readTls, TlsConfigError } from './tls.js';
export type { Store, StoreOptions } from './wiring.js';
export { loadRuleSet, type LoadedRuleSet } from './rules.js';
export { LOG_RULE_PARSE_OPTIONS, checkLogqlRuleExpr, logqlQueryFn } from './rules-logql.js';
export { loadAlerting, AlertmanagerConfigError, type LoadedAlerting } from './alerting-config.js';
