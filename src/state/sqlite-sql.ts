import type { Statement } from 'better-sqlite3';
import type { SqliteAudit } from './sqlite-audit.js';
import type { SqliteCtx } from './sqlite-ctx.js';
import type { SqlAccess, SqlReader, SqlTx, SqlValue } from './types.js';

/**
 * Statement access for modules that keep their own tables in state.db (dashboards; later rules,
 * silences). Statements are prepared once per SQL text: callers pass constant SQL with `?`
 * parameters, so the cache is bounded by the code's own statements.
 */
export class SqliteSql implements SqlAccess {
  private readonly statements = new Map<string, Statement<SqlValue[], unknown>>();

  constructor(
    private readonly ctx: SqliteCtx,
    private readonly audit: SqliteAudit,
  ) {}

  private stmt(sql: string): Statement<SqlValue[], unknown> {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.ctx.db.prepare<SqlValue[], unknown>(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private reader(): SqlReader {
    return {
      get: <T>(sql: string, params: readonly SqlValue[] = []) =>
        this.stmt(sql).get(...params) as T | undefined,
      all: <T>(sql: string, params: readonly SqlValue[] = []) =>
        this.stmt(sql).all(...params) as T[],
    };
  }

  async read<T>(fn: (r: SqlReader) => T): Promise<T> {
    // A deferred transaction: every statement of `fn` sees one snapshot.
    return this.ctx.db.transaction(() => fn(this.reader())).deferred();
  }

  async write<T>(fn: (tx: SqlTx) => T): Promise<T> {
    return this.ctx.write(() => {
      const now = this.ctx.now();
      const tx: SqlTx = {
        ...this.reader(),
        now,
        run: (sql, params = []) => this.stmt(sql).run(...params).changes,
        audit: (e) => this.audit.appendInTx({ time: now, ...e }),
      };
      return fn(tx);
    });
  }
}
