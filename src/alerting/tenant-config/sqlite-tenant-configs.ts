/**
 * Per-tenant Alertmanager configs in the state store (migration 6), like Mimir's per-tenant
 * Alertmanager configs: the YAML as saved (it holds the secrets; the API serves it with
 * `hideSecrets`), validated and loaded on save so what is stored always loads. Each change
 * commits with its audit entry (`alertmanager.config.update|delete`), which never holds the body.
 */
import { createHash } from 'node:crypto';
import type { OutboundGuard } from '../../net/index.js';
import type { SqlReader, StateStore } from '../../state/index.js';
import {
  loadTenantConfig,
  TenantConfigConflictError,
  TenantConfigNotFoundError,
  type LoadedReceivers,
} from './load.js';
import { restoreSecrets } from './secrets.js';

export interface StoredTenantConfig {
  readonly tenant: string;
  /** The YAML as saved, secrets included: never serve it as is. */
  readonly yaml: string;
  readonly version: number;
  readonly updatedBy: string;
  readonly updatedAt: number;
}

interface Row {
  tenant: string;
  body: string;
  version: number;
  updated_by: string;
  updated_at: number;
}

const toStored = (r: Row): StoredTenantConfig => ({
  tenant: r.tenant,
  yaml: r.body,
  version: r.version,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

const one = (r: SqlReader, tenant: string) =>
  r.get<Row>(`SELECT * FROM alertmanager_configs WHERE tenant = ?`, [tenant]);

/** Identifies a body in the audit trail without holding it (it has secrets). */
const digest = (yaml: string) => createHash('sha256').update(yaml).digest('hex').slice(0, 16);

export class SqliteTenantConfigs {
  constructor(
    private readonly state: Pick<StateStore, 'sql'>,
    private readonly guard: OutboundGuard,
  ) {}

  async get(tenant: string): Promise<StoredTenantConfig | undefined> {
    const row = await this.state.sql.read((r) => one(r, tenant));
    return row && toStored(row);
  }

  /** Every stored config (loaded at start). */
  async list(): Promise<StoredTenantConfig[]> {
    const rows = await this.state.sql.read((r) =>
      r.all<Row>(`SELECT * FROM alertmanager_configs ORDER BY tenant`),
    );
    return rows.map(toStored);
  }

  /** Loads a stored config for `tenant` (its guard allow-list applies). */
  load(tenant: string, yaml: string): LoadedReceivers {
    return loadTenantConfig(yaml, { guard: this.guard, tenant });
  }

  /**
   * Validates and saves `tenant`'s config. `<secret>` values keep the stored field's value (or
   * the one in `base`, the config the tenant uses now, for a first save). `version`: the
   * version the caller edited; undefined = the tenant has none yet (else a conflict).
   * @throws TenantConfigInvalidError, TenantConfigConflictError
   */
  async save(
    tenant: string,
    yaml: string,
    actor: string,
    version: number | undefined,
    base?: string,
  ): Promise<{ stored: StoredTenantConfig; loaded: LoadedReceivers }> {
    const cur0 = await this.get(tenant);
    const text = restoreSecrets(yaml, cur0?.yaml ?? base);
    const loaded = this.load(tenant, text);
    const stored = await this.state.sql.write((tx) => {
      const cur = one(tx, tenant);
      if (cur?.body !== cur0?.yaml)
        throw new TenantConfigConflictError(
          `cannot save the alertmanager config of tenant ${JSON.stringify(tenant)}: it changed while saving; reload it and apply your change again`,
        );
      if (version === undefined && cur !== undefined)
        throw new TenantConfigConflictError(
          `cannot save the alertmanager config of tenant ${JSON.stringify(tenant)}: it has one (version ${cur.version}, saved by ${cur.updated_by}); send its version to replace it`,
        );
      if (version !== undefined && cur?.version !== version)
        throw new TenantConfigConflictError(
          `cannot save the alertmanager config of tenant ${JSON.stringify(tenant)}: ${cur ? `it was saved by ${cur.updated_by} since (version ${cur.version}, yours is ${version})` : `it has none now (yours is version ${version})`}; reload it and apply your change again`,
        );
      const next = (cur?.version ?? 0) + 1;
      tx.run(
        `INSERT INTO alertmanager_configs (tenant, body, version, updated_by, updated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (tenant) DO UPDATE SET body = excluded.body, version = excluded.version,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        [tenant, text, next, actor, tx.now],
      );
      tx.audit({
        actor,
        tenant,
        action: 'alertmanager.config.update',
        target: 'alertmanager_config',
        before: cur ? { version: cur.version, sha256: digest(cur.body) } : null,
        after: {
          version: next,
          sha256: digest(text),
          receivers: (loaded.config.receivers ?? []).length,
          escalation_policies: (loaded.config.escalation_policies ?? []).length,
        },
      });
      return { tenant, yaml: text, version: next, updatedBy: actor, updatedAt: tx.now };
    });
    return { stored, loaded };
  }

  /** Drops `tenant`'s config: it uses argus.yml's again. */
  async delete(tenant: string, actor: string): Promise<void> {
    await this.state.sql.write((tx) => {
      const cur = one(tx, tenant);
      if (cur === undefined)
        throw new TenantConfigNotFoundError(
          `cannot delete the alertmanager config of tenant ${JSON.stringify(tenant)}: it has none (it uses the file config)`,
        );
      tx.run(`DELETE FROM alertmanager_configs WHERE tenant = ?`, [tenant]);
      tx.audit({
        actor,
        tenant,
        action: 'alertmanager.config.delete',
        target: 'alertmanager_config',
        before: { version: cur.version, sha256: digest(cur.body) },
        after: null,
      });
    });
  }
}
