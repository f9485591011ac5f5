import type { Statement } from 'better-sqlite3';
import { StateConflictError, quoted } from './errors.js';
import type { SqliteAudit } from './sqlite-audit.js';
import { bit, isUniqueViolation, mustExist, type SqliteCtx } from './sqlite-ctx.js';
import type { Actor, TokenRow, Tokens, TokenScope } from './types.js';

interface TokenRecord {
  id: string;
  user_id: number;
  tenant: string;
  name: string;
  scope: TokenScope;
  cross_tenant: number;
  hash: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

const COLS =
  'id, user_id, tenant, name, scope, cross_tenant, hash, created_at, expires_at, last_used_at, revoked_at';

const toRow = (r: TokenRecord): TokenRow => ({
  id: r.id,
  userId: r.user_id,
  tenant: r.tenant,
  name: r.name,
  scope: r.scope,
  crossTenant: r.cross_tenant === 1,
  hash: r.hash,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export class SqliteTokens implements Tokens {
  private readonly byHashStmt: Statement<[string], TokenRecord>;
  private readonly byId: Statement<[string], TokenRecord>;
  private readonly insert: Statement<[TokenRecord]>;
  private readonly userName: Statement<[number], string>;
  private readonly tenantExists: Statement<[string], number>;
  private readonly liveName: Statement<[number, string], number>;
  private readonly revokeStmt: Statement<[number, string]>;
  private readonly touchStmt: Statement<[number, string]>;
  private readonly listCache = new Map<string, Statement<unknown[], TokenRecord>>();

  constructor(
    private readonly ctx: SqliteCtx,
    private readonly audit: SqliteAudit,
  ) {
    const db = ctx.db;
    this.byHashStmt = db.prepare(`SELECT ${COLS} FROM tokens WHERE hash = ?`);
    this.byId = db.prepare(`SELECT ${COLS} FROM tokens WHERE id = ?`);
    this.insert = db.prepare(
      `INSERT INTO tokens (${COLS}) VALUES (@id, @user_id, @tenant, @name, @scope, @cross_tenant, @hash, @created_at, @expires_at, @last_used_at, @revoked_at)`,
    );
    this.userName = db.prepare<[number], string>(`SELECT username FROM users WHERE id = ?`).pluck();
    this.tenantExists = db.prepare<[string], number>(`SELECT 1 FROM tenants WHERE id = ?`).pluck();
    this.liveName = db
      .prepare<[number, string], number>(
        `SELECT 1 FROM tokens WHERE user_id = ? AND name = ? AND revoked_at IS NULL`,
      )
      .pluck();
    this.revokeStmt = db.prepare(
      `UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`,
    );
    this.touchStmt = db.prepare(`UPDATE tokens SET last_used_at = ? WHERE id = ?`);
  }

  async create(t: Omit<TokenRow, 'lastUsedAt' | 'revokedAt'>, actor: Actor): Promise<TokenRow> {
    const verb = `create token ${quoted(t.name)}`;
    return this.ctx.write(() => {
      const username = mustExist(this.userName.get(t.userId), 'user', quoted(t.userId), verb);
      mustExist(this.tenantExists.get(t.tenant), 'tenant', quoted(t.tenant), verb);
      if (this.byId.get(t.id) !== undefined) {
        throw new StateConflictError('token', quoted(t.id), 'create token');
      }
      if (this.liveName.get(t.userId, t.name) !== undefined) {
        throw new StateConflictError(
          'token',
          `${quoted(t.name)} of user ${quoted(username)}`,
          'create token',
        );
      }
      const row: TokenRow = { ...t, lastUsedAt: null, revokedAt: null };
      try {
        this.insert.run({
          id: t.id,
          user_id: t.userId,
          tenant: t.tenant,
          name: t.name,
          scope: t.scope,
          cross_tenant: bit(t.crossTenant),
          hash: t.hash,
          created_at: t.createdAt,
          expires_at: t.expiresAt,
          last_used_at: null,
          revoked_at: null,
        });
      } catch (err) {
        // The only unique key left is the hash: a collision means a reused secret.
        if (isUniqueViolation(err)) {
          throw new StateConflictError('token', 'with this hash', 'create token', { cause: err });
        }
        throw err;
      }
      this.audit.appendInTx({
        actor,
        tenant: t.tenant,
        action: 'token.create',
        target: `token:${t.id}`,
        after: {
          name: t.name,
          user: username,
          scope: t.scope,
          crossTenant: t.crossTenant,
          expiresAt: t.expiresAt,
        },
      });
      return row;
    });
  }

  async byHash(hash: string): Promise<TokenRow | undefined> {
    const r = this.byHashStmt.get(hash);
    return r && toRow(r);
  }

  async get(id: string): Promise<TokenRow | undefined> {
    const r = this.byId.get(id);
    return r && toRow(r);
  }

  async list(
    filter: { userId?: number; tenant?: string; includeRevoked?: boolean } = {},
  ): Promise<TokenRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.userId !== undefined) {
      where.push('user_id = ?');
      args.push(filter.userId);
    }
    if (filter.tenant !== undefined) {
      where.push('tenant = ?');
      args.push(filter.tenant);
    }
    if (filter.includeRevoked !== true) where.push('revoked_at IS NULL');
    const sql = `SELECT ${COLS} FROM tokens${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`;
    let stmt = this.listCache.get(sql);
    if (stmt === undefined) {
      stmt = this.ctx.db.prepare<unknown[], TokenRecord>(sql);
      this.listCache.set(sql, stmt);
    }
    return stmt.all(...args).map(toRow);
  }

  async revoke(id: string, actor: Actor): Promise<void> {
    this.ctx.write(() => {
      const t = mustExist(this.byId.get(id), 'token', quoted(id), 'revoke token');
      if (t.revoked_at !== null) return; // idempotent: already revoked, nothing changes
      const now = this.ctx.now();
      this.revokeStmt.run(now, id);
      this.audit.appendInTx({
        actor,
        tenant: t.tenant,
        action: 'token.revoke',
        target: `token:${id}`,
        before: { name: t.name, revokedAt: null },
        after: { name: t.name, revokedAt: now },
        time: now,
      });
    });
  }

  // Bookkeeping only: does not move changeVersion (see Sessions.touch).
  async touch(id: string, time: number): Promise<void> {
    this.touchStmt.run(time, id);
  }
}
