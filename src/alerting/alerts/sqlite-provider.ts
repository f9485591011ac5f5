import type { Alert, TenantId } from '../../model/index.js';
import { Labels } from '../../model/index.js';
import type { StateStore, SqlTx } from '../../state/index.js';
import { nopLogger, type Logger } from '../../util/index.js';
import type { AlertProvider, StoredAlert } from '../types.js';
import { AlertLimitError } from './errors.js';
import { mergeInto, receive, type HeldAlert } from './merge.js';

export interface AlertProviderOptions {
  /** endsAt given to alerts posted without one (Alertmanager's `resolve_timeout`); default 5m. */
  resolveTimeoutMs?: number;
  /** How long a resolved alert is kept (for the dispatcher to notify it, and the UI); default 15m. */
  retentionMs?: number;
  /** Alerts held per tenant, resolved ones included; default 100 000. */
  maxAlertsPerTenant?: number;
  logger?: Logger;
}

export const DEFAULT_RESOLVE_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_ALERT_RETENTION_MS = 15 * 60_000;
export const DEFAULT_MAX_ALERTS_PER_TENANT = 100_000;

interface Row {
  tenant: string;
  fingerprint: string;
  labels: string;
  annotations: string;
  starts_at: number;
  ends_at: number;
  timeout: number;
  generator_url: string;
  evaluated_at: number | null;
  updated_at: number;
}

const UPSERT = `INSERT OR REPLACE INTO alerts (tenant, fingerprint, labels, annotations, starts_at, ends_at, timeout, generator_url, evaluated_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

function fromRow(r: Row): HeldAlert {
  const alert: Alert = {
    labels: Labels.fromSortedFlat(JSON.parse(r.labels) as string[]),
    annotations: JSON.parse(r.annotations) as Record<string, string>,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    generatorURL: r.generator_url,
    ...(r.evaluated_at === null ? {} : { evaluatedAt: r.evaluated_at }),
  };
  return {
    tenant: r.tenant as TenantId,
    fingerprint: r.fingerprint,
    alert,
    updatedAt: r.updated_at,
    timeout: r.timeout === 1,
  };
}

function write(tx: SqlTx, h: HeldAlert): void {
  const a = h.alert;
  tx.run(UPSERT, [
    h.tenant,
    h.fingerprint,
    JSON.stringify(a.labels.flat),
    JSON.stringify(a.annotations),
    a.startsAt,
    a.endsAt,
    h.timeout ? 1 : 0,
    a.generatorURL,
    a.evaluatedAt ?? null,
    h.updatedAt,
  ]);
}

/**
 * Alerts in state.db (table `alerts`, migration 3) with an in-memory index per tenant that
 * answers `get`/`list` without I/O. Each `put` is one transaction, committed before it
 * resolves; puts are serialised so each merges against the previous one's result. The index
 * is the table's mirror: open with `SqliteAlertProvider.open` to load it.
 */
export class SqliteAlertProvider implements AlertProvider {
  private readonly byTenant = new Map<TenantId, Map<string, HeldAlert>>();
  private readonly listeners = new Set<(t: TenantId, a: readonly StoredAlert[]) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly resolveTimeoutMs: number;
  private readonly retentionMs: number;
  private readonly maxPerTenant: number;
  private readonly logger: Logger;

  private constructor(
    private readonly state: Pick<StateStore, 'sql'>,
    opts: AlertProviderOptions,
  ) {
    this.resolveTimeoutMs = opts.resolveTimeoutMs ?? DEFAULT_RESOLVE_TIMEOUT_MS;
    this.retentionMs = opts.retentionMs ?? DEFAULT_ALERT_RETENTION_MS;
    this.maxPerTenant = opts.maxAlertsPerTenant ?? DEFAULT_MAX_ALERTS_PER_TENANT;
    this.logger = opts.logger ?? nopLogger;
  }

  /** Opens the provider, loading every stored alert into the index. */
  static async open(
    state: Pick<StateStore, 'sql'>,
    opts: AlertProviderOptions = {},
  ): Promise<SqliteAlertProvider> {
    const p = new SqliteAlertProvider(state, opts);
    const rows = await state.sql.read((r) => r.all<Row>(`SELECT * FROM alerts`));
    for (const r of rows) p.tenantMap(r.tenant as TenantId).set(r.fingerprint, fromRow(r));
    return p;
  }

  private tenantMap(tenant: TenantId): Map<string, HeldAlert> {
    let m = this.byTenant.get(tenant);
    if (m === undefined) {
      m = new Map();
      this.byTenant.set(tenant, m);
    }
    return m;
  }

  put(tenant: TenantId, alerts: readonly Alert[], now: number): Promise<HeldAlert[]> {
    const run = this.queue.then(() => this.putNow(tenant, alerts, now));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async putNow(
    tenant: TenantId,
    alerts: readonly Alert[],
    now: number,
  ): Promise<HeldAlert[]> {
    if (alerts.length === 0) return [];
    const held = this.byTenant.get(tenant);
    const next = new Map<string, HeldAlert>();
    for (const a of alerts) {
      const h = receive(tenant, a, now, this.resolveTimeoutMs);
      next.set(
        h.fingerprint,
        mergeInto(next.get(h.fingerprint) ?? held?.get(h.fingerprint), h, now),
      );
    }
    let added = 0;
    for (const fp of next.keys()) if (held?.has(fp) !== true) added++;
    const total = (held?.size ?? 0) + added;
    if (added > 0 && total > this.maxPerTenant)
      throw new AlertLimitError(tenant, this.maxPerTenant, total);
    const stored = [...next.values()];
    await this.state.sql.write((tx) => {
      for (const h of stored) write(tx, h);
    });
    const m = this.tenantMap(tenant);
    for (const h of stored) m.set(h.fingerprint, h);
    for (const fn of this.listeners) {
      try {
        fn(tenant, stored);
      } catch (err) {
        this.logger.warn({ err, tenant }, 'alert subscriber failed');
      }
    }
    return stored;
  }

  get(tenant: TenantId, fingerprint: string): HeldAlert | undefined {
    return this.byTenant.get(tenant)?.get(fingerprint);
  }

  list(tenant: TenantId): HeldAlert[] {
    const m = this.byTenant.get(tenant);
    return m === undefined ? [] : [...m.values()];
  }

  /** Tenants that hold at least one alert. */
  tenants(): TenantId[] {
    return [...this.byTenant.keys()].filter((t) => this.byTenant.get(t)!.size > 0);
  }

  subscribe(fn: (tenant: TenantId, alerts: readonly StoredAlert[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Deletes alerts resolved more than the retention before `now` (the dispatcher has had its
   * group_interval to notify the resolution). Returns how many were deleted.
   */
  gc(now: number): Promise<number> {
    const run = this.queue.then(() => this.gcNow(now));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async gcNow(now: number): Promise<number> {
    const before = now - this.retentionMs;
    const gone: HeldAlert[] = [];
    for (const m of this.byTenant.values())
      for (const h of m.values()) if (h.alert.endsAt <= before) gone.push(h);
    if (gone.length === 0) return 0;
    await this.state.sql.write((tx) => {
      for (const h of gone)
        tx.run(`DELETE FROM alerts WHERE tenant = ? AND fingerprint = ? AND updated_at = ?`, [
          h.tenant,
          h.fingerprint,
          h.updatedAt,
        ]);
    });
    for (const h of gone) {
      const m = this.byTenant.get(h.tenant)!;
      m.delete(h.fingerprint);
      if (m.size === 0) this.byTenant.delete(h.tenant);
    }
    return gone.length;
  }
}
