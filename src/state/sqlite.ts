import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { nopLogger, type Logger } from '../util/index.js';
import { StateCorruptError, StateError, StateVersionError } from './errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { SqliteAudit } from './sqlite-audit.js';
import type { SqliteCtx } from './sqlite-ctx.js';
import { SqliteSecrets } from './sqlite-secrets.js';
import { SqliteSessions } from './sqlite-sessions.js';
import { SqliteSql } from './sqlite-sql.js';
import { SqliteTenants } from './sqlite-tenants.js';
import { SqliteTokens } from './sqlite-tokens.js';
import { SqliteUsers } from './sqlite-users.js';
import type { StateStore } from './types.js';

export interface SqliteStateOptions {
  /** The database file (`<data-dir>/state.db`); created 0600 when missing. */
  file: string;
  logger?: Logger;
  /** Clock for created/changed times and audit entries (tests). */
  now?: () => number;
  /** How long a write waits for another process's write lock; default 5000 ms. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating and migrating as needed) the SQLite state store. Synchronous: better-sqlite3
 * is, and the server opens it once at start-up. Several processes may open one file at once.
 */
export function openSqliteState(opts: SqliteStateOptions): StateStore {
  const logger = opts.logger ?? nopLogger;
  // Create the file ourselves so it is 0600 from the first byte (SQLite would use the umask);
  // SQLite gives the -wal and -shm files the database file's mode.
  const busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
  let db: Database.Database;
  try {
    closeSync(openSync(opts.file, 'a', 0o600));
    db = new Database(opts.file, { timeout: busyTimeoutMs });
  } catch (err) {
    throw new StateError(`cannot open state database ${opts.file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    configure(db, opts.file, busyTimeoutMs);
    const applied = migrate(db, opts.file);
    if (applied.length > 0) {
      logger.info(
        { file: opts.file, migrations: applied, version: SCHEMA_VERSION },
        'state database migrated',
      );
    }
    return new SqliteState(db, logger, opts.now ?? Date.now, busyTimeoutMs);
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Retries `fn` while SQLite answers SQLITE_BUSY, up to `timeoutMs`. Needed where SQLite does not
 * call the busy handler: switching a fresh file to WAL while other processes open it too returns
 * "database is locked" at once (the handler is skipped to avoid a lock-upgrade deadlock).
 */
function busyRetry<T>(fn: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      return fn();
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
      Atomics.wait(pause, 0, 0, delay); // a synchronous sleep: opening is synchronous
    }
  }
}

function configure(db: Database.Database, file: string, busyTimeoutMs: number): void {
  try {
    const mode = busyRetry(
      () => db.pragma('journal_mode = WAL', { simple: true }) as string,
      busyTimeoutMs,
    );
    if (mode !== 'wal')
      throw new StateError(`cannot open state database ${file}: journal mode is ${mode}, want wal`);
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') {
      throw new StateCorruptError(`cannot open state database ${file}: not an SQLite database`, {
        cause: err,
      });
    }
    throw err;
  }
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
}

/** Runs the migrations this file lacks, under the write lock so two processes never both do. */
function migrate(db: Database.Database, file: string): number[] {
  const run = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    const current =
      (db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get() as number | null) ??
      0;
    if (current > SCHEMA_VERSION) throw new StateVersionError(file, current, SCHEMA_VERSION);
    const insert = db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      insert.run(m.version, m.name, Date.now());
      applied.push(m.version);
    }
    return applied;
  });
  return run.immediate();
}

class SqliteState implements StateStore, SqliteCtx {
  readonly tenants: SqliteTenants;
  readonly users: SqliteUsers;
  readonly tokens: SqliteTokens;
  readonly sessions: SqliteSessions;
  readonly audit: SqliteAudit;
  readonly secrets: SqliteSecrets;
  readonly sql: SqliteSql;
  private readonly dataVersion: Database.Statement<[], number>;
  private lastDataVersion: number;
  private version = 0;
  private closed = false;

  constructor(
    readonly db: Database.Database,
    readonly logger: Logger,
    readonly now: () => number,
    private readonly busyTimeoutMs: number,
  ) {
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.lastDataVersion = this.dataVersion.get()!;
    this.audit = new SqliteAudit(this);
    this.tenants = new SqliteTenants(this, this.audit);
    this.users = new SqliteUsers(this, this.audit);
    this.tokens = new SqliteTokens(this, this.audit);
    this.sessions = new SqliteSessions(this);
    this.secrets = new SqliteSecrets(this, this.audit);
    this.sql = new SqliteSql(this, this.audit);
  }

  write<T>(fn: () => T): T {
    let result: T;
    try {
      result = this.db.transaction(fn).immediate();
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_BUSY') {
        throw new StateError(
          `cannot write state database: another process held the write lock for more than ${this.busyTimeoutMs} ms`,
          { cause: err },
        );
      }
      throw err;
    }
    this.version++;
    return result;
  }

  committed(): void {
    this.version++;
  }

  changeVersion(): number {
    // data_version moves only on OTHER connections' commits; fold each move into our counter
    // so the result is monotonic and covers both.
    const dv = this.dataVersion.get()!;
    if (dv !== this.lastDataVersion) {
      this.lastDataVersion = dv;
      this.version++;
    }
    return this.version;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
