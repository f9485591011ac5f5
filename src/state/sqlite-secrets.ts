import type { Statement } from 'better-sqlite3';
import { quoted } from './errors.js';
import type { SqliteAudit } from './sqlite-audit.js';
import { mustExist, type SqliteCtx } from './sqlite-ctx.js';
import type { Actor, SecretRow, Secrets } from './types.js';

interface SecretRecord {
  tenant: string;
  name: string;
  ciphertext: Buffer;
  updated_at: number;
}

/** What the audit trail shows for a secret's value: never the ciphertext. */
const REDACTED = { value: '<secret>' };

/** Encrypted blobs; the `secrets` module encrypts, this only stores. */
export class SqliteSecrets implements Secrets {
  private readonly one: Statement<[string, string], SecretRecord>;
  private readonly names: Statement<[string], Omit<SecretRecord, 'ciphertext'>>;
  private readonly exists: Statement<[string, string], number>;
  private readonly tenantExists: Statement<[string], number>;
  private readonly upsert: Statement<[string, string, Buffer, number]>;
  private readonly remove: Statement<[string, string]>;

  constructor(
    private readonly ctx: SqliteCtx,
    private readonly audit: SqliteAudit,
  ) {
    const db = ctx.db;
    this.one = db.prepare(
      `SELECT tenant, name, ciphertext, updated_at FROM secrets WHERE tenant = ? AND name = ?`,
    );
    this.names = db.prepare(
      `SELECT tenant, name, updated_at FROM secrets WHERE tenant = ? ORDER BY name`,
    );
    this.exists = db
      .prepare<[string, string], number>(`SELECT 1 FROM secrets WHERE tenant = ? AND name = ?`)
      .pluck();
    this.tenantExists = db.prepare<[string], number>(`SELECT 1 FROM tenants WHERE id = ?`).pluck();
    this.upsert = db.prepare(
      `INSERT INTO secrets (tenant, name, ciphertext, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (tenant, name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
    );
    this.remove = db.prepare(`DELETE FROM secrets WHERE tenant = ? AND name = ?`);
  }

  async put(tenant: string, name: string, ciphertext: Buffer, actor: Actor): Promise<void> {
    this.ctx.write(() => {
      mustExist(
        this.tenantExists.get(tenant),
        'tenant',
        quoted(tenant),
        `put secret ${quoted(name)}`,
      );
      const existed = this.exists.get(tenant, name) !== undefined;
      const now = this.ctx.now();
      this.upsert.run(tenant, name, ciphertext, now);
      this.audit.appendInTx({
        actor,
        tenant,
        action: 'secret.put',
        target: `secret:${name}`,
        before: existed ? REDACTED : null,
        after: REDACTED,
        time: now,
      });
    });
  }

  async get(tenant: string, name: string): Promise<SecretRow | undefined> {
    const r = this.one.get(tenant, name);
    return (
      r && { tenant: r.tenant, name: r.name, ciphertext: r.ciphertext, updatedAt: r.updated_at }
    );
  }

  async list(tenant: string): Promise<Omit<SecretRow, 'ciphertext'>[]> {
    return this.names
      .all(tenant)
      .map((r) => ({ tenant: r.tenant, name: r.name, updatedAt: r.updated_at }));
  }

  async delete(tenant: string, name: string, actor: Actor): Promise<boolean> {
    return this.ctx.write(() => {
      if (this.remove.run(tenant, name).changes === 0) return false;
      this.audit.appendInTx({
        actor,
        tenant,
        action: 'secret.delete',
        target: `secret:${name}`,
        before: REDACTED,
        after: null,
      });
      return true;
    });
  }
}
