import type { Statement } from 'better-sqlite3';
import { tenantId } from '../model/index.js';
import { quoted } from './errors.js';
import type { SqliteAudit } from './sqlite-audit.js';
import { insertOrConflict, type SqliteCtx } from './sqlite-ctx.js';
import type { Actor, TenantRow, Tenants } from './types.js';

interface TenantRecord {
  id: string;
  created_at: number;
}

const toRow = (r: TenantRecord): TenantRow => ({ id: r.id, createdAt: r.created_at });

export class SqliteTenants implements Tenants {
  private readonly all: Statement<[], TenantRecord>;
  private readonly one: Statement<[string], TenantRecord>;
  private readonly insert: Statement<[string, number]>;

  constructor(
    private readonly ctx: SqliteCtx,
    private readonly audit: SqliteAudit,
  ) {
    this.all = ctx.db.prepare(`SELECT id, created_at FROM tenants ORDER BY id`);
    this.one = ctx.db.prepare(`SELECT id, created_at FROM tenants WHERE id = ?`);
    this.insert = ctx.db.prepare(`INSERT INTO tenants (id, created_at) VALUES (?, ?)`);
  }

  async list(): Promise<TenantRow[]> {
    return this.all.all().map(toRow);
  }

  async get(id: string): Promise<TenantRow | undefined> {
    const r = this.one.get(id);
    return r && toRow(r);
  }

  /** Throws model's InvalidTenantError for an id that cannot be a tenant id. */
  async create(id: string, actor: Actor): Promise<TenantRow> {
    tenantId(id);
    const row = this.ctx.write(() => {
      const createdAt = this.ctx.now();
      insertOrConflict(() => this.insert.run(id, createdAt), 'tenant', quoted(id), 'create tenant');
      this.audit.appendInTx({
        actor,
        tenant: '',
        action: 'tenant.create',
        target: `tenant:${id}`,
        after: { id },
        time: createdAt,
      });
      return { id, createdAt };
    });
    return row;
  }
}
