/**
 * @module state
 * The state store: tenants, users, tokens, sessions, the hash-chained audit trail, encrypted
 * secret blobs (and later rules, silences, checks, dashboards). `StateStore` is the seam; the
 * embedded implementation is SQLite (better-sqlite3, WAL mode), safe to open from the server
 * and the CLI at once.
 */
export * from './types.js';
export {
  StateError,
  StateConflictError,
  StateNotFoundError,
  StateVersionError,
  StateCorruptError,
  type StateThing,
} from './errors.js';
export { openSqliteState, type SqliteStateOptions } from './sqlite.js';
export { backupSqliteState } from './sqlite-backup.js';
export { SCHEMA_VERSION } from './migrations.js';
export { canonicalJson, GENESIS_HASH } from './audit-hash.js';
