import type { Statement } from 'better-sqlite3';
import { quoted } from './errors.js';
import type { SqliteAudit } from './sqlite-audit.js';
import { bit, insertOrConflict, mustExist, type SqliteCtx } from './sqlite-ctx.js';
import type { Actor, MembershipRow, NewUser, Role, UserRow, Users } from './types.js';

interface UserRecord {
  id: number;
  username: string;
  password_hash: string | null;
  kind: 'user' | 'service';
  system_admin: number;
  disabled: number;
  created_at: number;
  password_changed_at: number;
}

const COLS =
  'id, username, password_hash, kind, system_admin, disabled, created_at, password_changed_at';

const toRow = (r: UserRecord): UserRow => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  kind: r.kind,
  systemAdmin: r.system_admin === 1,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
  passwordChangedAt: r.password_changed_at,
});

/** What the audit trail records of a user: never the password hash. */
function auditView(u: UserRow, roles: { tenant: string; role: Role }[]): object {
  return {
    username: u.username,
    kind: u.kind,
    systemAdmin: u.systemAdmin,
    disabled: u.disabled,
    password: u.passwordHash === null ? null : '<set>',
    roles,
  };
}

export class SqliteUsers implements Users {
  private readonly byId: Statement<[number], UserRecord>;
  private readonly byUsername: Statement<[string], UserRecord>;
  private readonly all: Statement<[], UserRecord>;
  private readonly inTenant: Statement<[string], UserRecord>;
  private readonly countAll: Statement<[], number>;
  private readonly insert: Statement<[string, string | null, string, number, number, number]>;
  private readonly tenantExists: Statement<[string], number>;
  private readonly rolesOf: Statement<[number], { tenant: string; role: Role }>;
  private readonly roleIn: Statement<[number, string], Role>;
  private readonly upsertRole: Statement<[number, string, Role]>;
  private readonly deleteRole: Statement<[number, string]>;
  private readonly updatePassword: Statement<[string, number, number]>;
  private readonly dropSessions: Statement<[number]>;
  private readonly updateFlag: {
    systemAdmin: Statement<[number, number]>;
    disabled: Statement<[number, number]>;
  };
  private readonly deleteUser: Statement<[number]>;

  constructor(
    private readonly ctx: SqliteCtx,
    private readonly audit: SqliteAudit,
  ) {
    const db = ctx.db;
    this.byId = db.prepare(`SELECT ${COLS} FROM users WHERE id = ?`);
    this.byUsername = db.prepare(`SELECT ${COLS} FROM users WHERE username = ?`);
    this.all = db.prepare(`SELECT ${COLS} FROM users ORDER BY username`);
    this.inTenant = db.prepare(
      `SELECT ${COLS.replace(/(\w+)/g, 'u.$1')} FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.tenant = ? ORDER BY u.username`,
    );
    this.countAll = db.prepare<[], number>(`SELECT COUNT(*) FROM users`).pluck();
    this.insert = db.prepare(
      `INSERT INTO users (username, password_hash, kind, system_admin, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.tenantExists = db.prepare<[string], number>(`SELECT 1 FROM tenants WHERE id = ?`).pluck();
    this.rolesOf = db.prepare(
      `SELECT tenant, role FROM memberships WHERE user_id = ? ORDER BY tenant`,
    );
    this.roleIn = db
      .prepare<[number, string], Role>(
        `SELECT role FROM memberships WHERE user_id = ? AND tenant = ?`,
      )
      .pluck();
    this.upsertRole = db.prepare(
      `INSERT INTO memberships (user_id, tenant, role) VALUES (?, ?, ?) ON CONFLICT (user_id, tenant) DO UPDATE SET role = excluded.role`,
    );
    this.deleteRole = db.prepare(`DELETE FROM memberships WHERE user_id = ? AND tenant = ?`);
    this.updatePassword = db.prepare(
      `UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?`,
    );
    this.dropSessions = db.prepare(`DELETE FROM sessions WHERE user_id = ?`);
    this.updateFlag = {
      systemAdmin: db.prepare(`UPDATE users SET system_admin = ? WHERE id = ?`),
      disabled: db.prepare(`UPDATE users SET disabled = ? WHERE id = ?`),
    };
    this.deleteUser = db.prepare(`DELETE FROM users WHERE id = ?`);
  }

  async get(id: number): Promise<UserRow | undefined> {
    const r = this.byId.get(id);
    return r && toRow(r);
  }

  async byName(username: string): Promise<UserRow | undefined> {
    const r = this.byUsername.get(username);
    return r && toRow(r);
  }

  async list(tenant?: string): Promise<UserRow[]> {
    const rows = tenant === undefined ? this.all.all() : this.inTenant.all(tenant);
    return rows.map(toRow);
  }

  async count(): Promise<number> {
    return this.countAll.get()!;
  }

  async memberships(userId: number): Promise<MembershipRow[]> {
    return this.rolesOf.all(userId).map((m) => ({ userId, ...m }));
  }

  async create(u: NewUser, actor: Actor): Promise<UserRow> {
    const verb = `create user ${quoted(u.username)}`;
    const row = this.ctx.write(() => {
      const now = this.ctx.now();
      const roles = [...(u.roles ?? [])].sort((a, b) => (a.tenant < b.tenant ? -1 : 1));
      for (const r of roles)
        mustExist(this.tenantExists.get(r.tenant), 'tenant', quoted(r.tenant), verb);
      const res = insertOrConflict(
        () =>
          this.insert.run(
            u.username,
            u.passwordHash,
            u.kind ?? 'user',
            bit(u.systemAdmin ?? false),
            now,
            now,
          ),
        'user',
        quoted(u.username),
        'create user',
      );
      const id = Number(res.lastInsertRowid);
      for (const r of roles) this.upsertRole.run(id, r.tenant, r.role);
      const created = toRow(this.byId.get(id)!);
      this.audit.appendInTx({
        actor,
        tenant: homeTenant(roles),
        action: 'user.create',
        target: `user:${u.username}`,
        after: auditView(created, roles),
        time: now,
      });
      return created;
    });
    return row;
  }

  /** Loads the user inside a write transaction, or throws StateNotFoundError. */
  private must(userId: number, verb: string): UserRow {
    return toRow(mustExist(this.byId.get(userId), 'user', quoted(userId), verb));
  }

  async setPassword(userId: number, passwordHash: string, actor: Actor): Promise<number> {
    const revoked = this.ctx.write(() => {
      const u = this.must(userId, 'set password');
      const now = this.ctx.now();
      this.updatePassword.run(passwordHash, now, userId);
      const n = this.dropSessions.run(userId).changes;
      this.audit.appendInTx({
        actor,
        tenant: homeTenant(this.rolesOf.all(userId)),
        action: 'user.password',
        target: `user:${u.username}`,
        before: { password: u.passwordHash === null ? null : '<set>' },
        after: { password: '<changed>', sessionsRevoked: n },
        time: now,
      });
      return n;
    });
    return revoked;
  }

  async setRole(userId: number, tenant: string, role: Role | null, actor: Actor): Promise<void> {
    this.ctx.write(() => {
      const u = this.must(userId, 'set role');
      mustExist(this.tenantExists.get(tenant), 'tenant', quoted(tenant), 'set role');
      const old = this.roleIn.get(userId, tenant) ?? null;
      if (old === role) return; // the audit trail records changes, not no-ops
      if (role === null) this.deleteRole.run(userId, tenant);
      else this.upsertRole.run(userId, tenant, role);
      this.audit.appendInTx({
        actor,
        tenant,
        action: 'user.role',
        target: `user:${u.username}`,
        before: { role: old },
        after: { role },
      });
    });
  }

  async setSystemAdmin(userId: number, on: boolean, actor: Actor): Promise<void> {
    this.setFlag(userId, 'systemAdmin', on, actor, 'user.system_admin');
  }

  async setDisabled(userId: number, disabled: boolean, actor: Actor): Promise<void> {
    this.setFlag(userId, 'disabled', disabled, actor, 'user.disabled');
  }

  private setFlag(
    userId: number,
    flag: 'systemAdmin' | 'disabled',
    on: boolean,
    actor: Actor,
    action: string,
  ): void {
    this.ctx.write(() => {
      const u = this.must(userId, `set ${flag}`);
      if (u[flag] === on) return;
      this.updateFlag[flag].run(bit(on), userId);
      this.audit.appendInTx({
        actor,
        tenant: homeTenant(this.rolesOf.all(userId)),
        action,
        target: `user:${u.username}`,
        before: { [flag]: u[flag] },
        after: { [flag]: on },
      });
    });
  }

  /** Memberships, tokens (revoked ones too) and sessions go with the user (ON DELETE CASCADE). */
  async delete(userId: number, actor: Actor): Promise<void> {
    this.ctx.write(() => {
      const u = this.must(userId, 'delete user');
      const roles = this.rolesOf.all(userId);
      this.deleteUser.run(userId);
      this.audit.appendInTx({
        actor,
        tenant: homeTenant(roles),
        action: 'user.delete',
        target: `user:${u.username}`,
        before: auditView(u, roles),
        after: null,
      });
    });
  }
}

/**
 * The tenant a user change is filed under in the audit trail: the user's only tenant (so that
 * tenant's admins see it), or '' (server-wide) for users in several tenants or none.
 */
function homeTenant(roles: readonly { tenant: string }[]): string {
  return roles.length === 1 ? roles[0].tenant : '';
}
