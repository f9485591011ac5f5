import type { Statement } from 'better-sqlite3';
import { StateConflictError, quoted } from './errors.js';
import { isUniqueViolation, mustExist, type SqliteCtx } from './sqlite-ctx.js';
import type { SessionRow, Sessions } from './types.js';

interface SessionRecord {
  id_hash: string;
  user_id: number;
  tenant: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  address: string;
  user_agent: string;
}

const COLS =
  'id_hash, user_id, tenant, csrf_token, created_at, expires_at, last_seen_at, address, user_agent';

const toRow = (r: SessionRecord): SessionRow => ({
  idHash: r.id_hash,
  userId: r.user_id,
  tenant: r.tenant,
  csrfToken: r.csrf_token,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastSeenAt: r.last_seen_at,
  address: r.address,
  userAgent: r.user_agent,
});

/** Login sessions: bookkeeping, not audited (logins are an auth event, not a change). */
export class SqliteSessions implements Sessions {
  private readonly insert: Statement<[SessionRecord]>;
  private readonly one: Statement<[string], SessionRecord>;
  private readonly userExists: Statement<[number], number>;
  private readonly tenantExists: Statement<[string], number>;
  private readonly touchStmt: Statement<[number, number, string]>;
  private readonly deleteOne: Statement<[string]>;
  private readonly deleteUser: Statement<[number]>;
  private readonly deleteOld: Statement<[number]>;

  constructor(private readonly ctx: SqliteCtx) {
    const db = ctx.db;
    this.insert = db.prepare(
      `INSERT INTO sessions (${COLS}) VALUES (@id_hash, @user_id, @tenant, @csrf_token, @created_at, @expires_at, @last_seen_at, @address, @user_agent)`,
    );
    this.one = db.prepare(`SELECT ${COLS} FROM sessions WHERE id_hash = ?`);
    this.userExists = db.prepare<[number], number>(`SELECT 1 FROM users WHERE id = ?`).pluck();
    this.tenantExists = db.prepare<[string], number>(`SELECT 1 FROM tenants WHERE id = ?`).pluck();
    this.touchStmt = db.prepare(
      `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?`,
    );
    this.deleteOne = db.prepare(`DELETE FROM sessions WHERE id_hash = ?`);
    this.deleteUser = db.prepare(`DELETE FROM sessions WHERE user_id = ?`);
    this.deleteOld = db.prepare(`DELETE FROM sessions WHERE expires_at <= ?`);
  }

  async create(s: SessionRow): Promise<void> {
    this.ctx.write(() => {
      mustExist(this.userExists.get(s.userId), 'user', quoted(s.userId), 'create session');
      mustExist(this.tenantExists.get(s.tenant), 'tenant', quoted(s.tenant), 'create session');
      try {
        this.insert.run({
          id_hash: s.idHash,
          user_id: s.userId,
          tenant: s.tenant,
          csrf_token: s.csrfToken,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
          last_seen_at: s.lastSeenAt,
          address: s.address,
          user_agent: s.userAgent,
        });
      } catch (err) {
        // Never echo the id hash: it is as good as the cookie for anyone who can read logs.
        if (isUniqueViolation(err)) {
          throw new StateConflictError('session', 'with this id', 'create session', { cause: err });
        }
        throw err;
      }
    });
  }

  async byHash(idHash: string): Promise<SessionRow | undefined> {
    const r = this.one.get(idHash);
    return r && toRow(r);
  }

  // Bookkeeping, not a change of who may do what: does not move changeVersion (credential
  // caches would otherwise be dropped on every once-a-minute touch).
  async touch(idHash: string, lastSeenAt: number, expiresAt: number): Promise<void> {
    this.touchStmt.run(lastSeenAt, expiresAt, idHash);
  }

  async delete(idHash: string): Promise<void> {
    this.count(this.deleteOne.run(idHash).changes);
  }

  async deleteForUser(userId: number): Promise<number> {
    return this.count(this.deleteUser.run(userId).changes);
  }

  async deleteExpired(now: number): Promise<number> {
    return this.count(this.deleteOld.run(now).changes);
  }

  private count(changes: number): number {
    if (changes > 0) this.ctx.committed();
    return changes;
  }
}
