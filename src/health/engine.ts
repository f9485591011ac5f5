/**
 * The health engine: one per process, all tenants. It re-evaluates a tenant's services whenever
 * a check changes state, its definitions change, or a tick passes (maintenance windows start and
 * end, firing alerts are re-sent); appends service status changes to health_events; and sends
 * check alerts through the alerting pipeline with the root cause's alert standing for its
 * dependents. Evaluations of one tenant run one at a time and coalesce.
 */
import type { CheckState, CheckStatus } from '../checks/index.js';
import type { Alert, TenantId } from '../model/index.js';
import type { StateStore } from '../state/index.js';
import { nopLogger, type Logger } from '../util/index.js';
import { activeWindow, evaluateServices, overall, type ServiceEval } from './aggregate.js';
import { AlertTracker, desiredAlerts } from './alerts.js';
import { HealthConflictError, HealthNotFoundError } from './errors.js';
import { readEvents, readHistory, type HealthEvent } from './events.js';
import {
  SqliteMaintenanceStore,
  type MaintenanceFilter,
  type NewMaintenanceWindow,
} from './maintenance-store.js';
import type {
  CheckAlertInfo,
  CheckStateSource,
  MaintenanceWindow,
  ServiceEntry,
  ServiceHealth,
  ServiceStatus,
  TenantHealth,
} from './types.js';
import { DAY_MS, sloReport, uptimeReport, type SloReport, type Uptime } from './uptime.js';

export interface HealthEngineOptions {
  readonly checks: CheckStateSource;
  readonly state: StateStore;
  /** The alerting pipeline (AlertSink). A rejection is logged and the batch retried. */
  readonly alerts: (tenant: TenantId, alerts: Alert[]) => Promise<void>;
  readonly logger?: Logger;
  readonly now?: () => number;
  /** Re-send interval of firing alerts; default 60 s. */
  readonly resendMs?: number;
  /** Base of generatorURL links (`<externalUrl>/health/checks/<name>`); read per evaluation. */
  readonly externalUrl?: string | (() => string);
  /** How often every tenant is re-evaluated (windows, re-sends); default min(resendMs, 10 s). */
  readonly tickMs?: number;
}

export type SubjectKind = 'check' | 'service';

interface TenantState {
  services: Map<string, ServiceEntry>;
  checks: Map<string, CheckAlertInfo>;
  /** API windows not yet ended at the last evaluation. */
  apiWindows: MaintenanceWindow[];
  /** Last persisted status per service (loaded from health_events once). */
  last: Map<string, { status: ServiceStatus; since: number }>;
  loaded: boolean;
  tracker: AlertTracker;
  chain: Promise<void>;
  queued: Promise<void> | undefined;
}

export class HealthEngine {
  readonly maintenanceStore: SqliteMaintenanceStore;
  private readonly tenants = new Map<TenantId, TenantState>();
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly resendMs: number;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: HealthEngineOptions) {
    this.now = opts.now ?? Date.now;
    this.logger = opts.logger ?? nopLogger;
    this.resendMs = opts.resendMs ?? 60_000;
    this.maintenanceStore = new SqliteMaintenanceStore(opts.state);
  }

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.opts.checks.onStateChange((c) => void this.evaluate(c.tenant));
    const tick = this.opts.tickMs ?? Math.min(this.resendMs, 10_000);
    this.timer = setInterval(() => {
      for (const t of this.tenants.keys()) void this.evaluate(t);
    }, tick);
    this.timer.unref();
  }

  /** Stops ticking and listening; waits for evaluations in flight. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.tenants.values()].map((t) => t.chain));
  }

  setServices(tenant: TenantId, services: readonly ServiceEntry[]): void {
    this.tenant(tenant).services = new Map(services.map((s) => [s.definition.name, s]));
    void this.evaluate(tenant);
  }

  setChecks(tenant: TenantId, checks: readonly CheckAlertInfo[]): void {
    this.tenant(tenant).checks = new Map(checks.map((c) => [c.name, c]));
    void this.evaluate(tenant);
  }

  /**
   * Re-evaluates `tenant` now (persists status changes, sends due alerts). Resolves when done;
   * never rejects (failures are logged). Calls made while one is queued share it.
   */
  evaluate(tenant: TenantId): Promise<void> {
    const ts = this.tenant(tenant);
    if (ts.queued) return ts.queued;
    const p = ts.chain.then(async () => {
      ts.queued = undefined;
      try {
        await this.run(tenant, ts);
      } catch (err) {
        this.logger.error({ err, tenant }, 'cannot evaluate service health');
      }
    });
    ts.queued = p;
    ts.chain = p;
    return p;
  }

  health(tenant: TenantId): TenantHealth {
    const ts = this.tenants.get(tenant);
    if (!ts) return { status: 'unknown', services: [], rootCauses: [] };
    const now = this.now();
    const evals = this.compute(tenant, ts, now);
    const o = overall(evals);
    return { ...o, services: evals.map((e) => this.toHealth(ts, e, now)) };
  }

  service(tenant: TenantId, name: string): ServiceHealth | undefined {
    return this.health(tenant).services.find((s) => s.name === name);
  }

  /** Uptime over 24h/7d/30d/90d and per UTC day (90 days), from health_events. */
  async uptime(tenant: TenantId, kind: SubjectKind, name: string, nowMs?: number): Promise<Uptime> {
    const now = nowMs ?? this.now();
    const from = now - 90 * DAY_MS;
    const events = await readEvents(this.opts.state, tenant, kind, name, from, now);
    const maint = await this.windowsOf(tenant, kind, name, from, now);
    return uptimeReport(events, maint, now);
  }

  /** The service's SLO status, or undefined when it has no SLO (or does not exist). */
  async slo(tenant: TenantId, service: string, nowMs?: number): Promise<SloReport | undefined> {
    const def = this.tenants.get(tenant)?.services.get(service)?.definition;
    if (!def?.slo) return undefined;
    const now = nowMs ?? this.now();
    const from = now - def.slo.window;
    const events = await readEvents(this.opts.state, tenant, 'service', service, from, now);
    const maint = await this.windowsOf(tenant, 'service', service, from, now);
    return sloReport(events, maint, now, def.slo.target, def.slo.window);
  }

  /** State changes of a check or service in [from, to], newest first. */
  history(
    tenant: TenantId,
    kind: SubjectKind,
    name: string,
    from: number,
    to: number,
    limit = 100,
  ): Promise<HealthEvent[]> {
    return readHistory(this.opts.state, tenant, kind, name, from, to, limit);
  }

  /** API windows from the store and config windows (read-only, negative ids), by start. */
  async listMaintenance(tenant: TenantId, f: MaintenanceFilter = {}): Promise<MaintenanceWindow[]> {
    const api = await this.maintenanceStore.list(tenant, f);
    const cfg = this.configWindows(tenant).filter(
      (w) =>
        (f.service === undefined || w.service === f.service) &&
        (f.endsAfter === undefined || w.endsAt > f.endsAfter) &&
        (f.startsBefore === undefined || w.startsAt < f.startsBefore),
    );
    return [...cfg, ...api].sort((a, b) => a.startsAt - b.startsAt || a.id - b.id);
  }

  /** Adds an API window for a known service. @throws HealthNotFoundError, HealthInvalidError */
  async addMaintenance(
    tenant: TenantId,
    w: NewMaintenanceWindow,
    actor: string,
  ): Promise<MaintenanceWindow> {
    if (!this.tenants.get(tenant)?.services.has(w.service))
      throw new HealthNotFoundError(
        `cannot add maintenance window: unknown service ${JSON.stringify(w.service)}`,
      );
    const out = await this.maintenanceStore.add(tenant, w, actor);
    await this.evaluate(tenant);
    return out;
  }

  /** Deletes an API window. @throws HealthConflictError for config windows, HealthNotFoundError */
  async deleteMaintenance(tenant: TenantId, id: number, actor: string): Promise<void> {
    if (id < 0)
      throw new HealthConflictError(
        `cannot delete maintenance window ${id}: it is defined in argus.yml (read-only)`,
      );
    await this.maintenanceStore.delete(tenant, id, actor);
    await this.evaluate(tenant);
  }

  private tenant(t: TenantId): TenantState {
    let ts = this.tenants.get(t);
    if (!ts) {
      ts = {
        services: new Map(),
        checks: new Map(),
        apiWindows: [],
        last: new Map(),
        loaded: false,
        tracker: new AlertTracker(this.resendMs),
        chain: Promise.resolve(),
        queued: undefined,
      };
      this.tenants.set(t, ts);
    }
    return ts;
  }

  private async run(tenant: TenantId, ts: TenantState): Promise<void> {
    const state = this.opts.state;
    if (!ts.loaded) {
      for (const r of await state.sql.read((r) =>
        // SQLite returns the bare columns of the row holding MAX(id).
        r.all<{ subject: string; state: ServiceStatus; at: number }>(
          `SELECT subject, state, at, MAX(id) FROM health_events
           WHERE tenant = ? AND subject_kind = 'service' GROUP BY subject`,
          [tenant],
        ),
      ))
        ts.last.set(r.subject, { status: r.state, since: r.at });
      ts.loaded = true;
    }
    const now = this.now();
    ts.apiWindows = await this.maintenanceStore.list(tenant, { endsAfter: now });
    const statuses = this.opts.checks.statuses(tenant);
    const evals = this.compute(tenant, ts, now, statuses);
    const changed = evals.filter((e) => ts.last.get(e.name)?.status !== e.status);
    if (changed.length > 0) {
      await state.sql.write((tx) => {
        for (const e of changed)
          tx.run(
            `INSERT INTO health_events (tenant, subject_kind, subject, at, state, detail)
             VALUES (?, 'service', ?, ?, ?, ?)`,
            [
              tenant,
              e.name,
              now,
              e.status,
              JSON.stringify({ impactedBy: e.impactedBy, checks: e.checks }),
            ],
          );
      });
      for (const e of changed) ts.last.set(e.name, { status: e.status, since: now });
    }
    const desired = desiredAlerts({
      statuses,
      evals,
      services: new Map([...ts.services].map(([n, s]) => [n, s.definition])),
      checks: ts.checks,
      now,
      firing: new Set(ts.tracker.firing()),
      externalUrl:
        typeof this.opts.externalUrl === 'function'
          ? this.opts.externalUrl()
          : this.opts.externalUrl,
    });
    const batch = ts.tracker.next(desired, now);
    if (batch.alerts.length === 0) return;
    try {
      await this.opts.alerts(tenant, batch.alerts);
      ts.tracker.delivered(batch);
    } catch (err) {
      ts.tracker.failed(batch);
      this.logger.warn(
        { err, tenant, alerts: batch.alerts.length },
        'cannot send health alerts; retrying at the next evaluation',
      );
    }
  }

  private compute(
    tenant: TenantId,
    ts: TenantState,
    now: number,
    statuses: readonly CheckStatus[] = this.opts.checks.statuses(tenant),
  ): ServiceEval[] {
    const states = new Map<string, CheckState>(statuses.map((s) => [s.name, s.state]));
    const windows = [...this.configWindows(tenant), ...ts.apiWindows];
    return evaluateServices(
      [...ts.services.values()].map((s) => s.definition),
      (c) => states.get(c) ?? 'unknown',
      (s) =>
        activeWindow(
          windows.filter((w) => w.service === s),
          now,
        ),
    );
  }

  private toHealth(ts: TenantState, e: ServiceEval, now: number): ServiceHealth {
    const last = ts.last.get(e.name);
    return {
      name: e.name,
      status: e.status,
      since: last?.status === e.status ? last.since : now,
      checks: e.checks,
      impactedBy: e.impactedBy,
      ...(e.maintenance ? { maintenance: e.maintenance } : {}),
    };
  }

  /** Windows from argus.yml, ids -1, -2, … in service-name order. */
  private configWindows(tenant: TenantId): MaintenanceWindow[] {
    const ts = this.tenants.get(tenant);
    if (!ts) return [];
    const out: MaintenanceWindow[] = [];
    const names = [...ts.services.keys()].sort();
    for (const n of names) {
      const s = ts.services.get(n)!;
      for (const w of s.definition.maintenance)
        out.push({
          id: -(out.length + 1),
          service: n,
          startsAt: Date.parse(w.start),
          endsAt: Date.parse(w.end),
          comment: w.comment,
          createdBy: s.source === 'config' ? 'config' : 'api',
          source: 'config',
        });
    }
    return out;
  }

  /** Maintenance intervals of a service, or of every service holding a check, in [from, to). */
  private async windowsOf(
    tenant: TenantId,
    kind: SubjectKind,
    name: string,
    from: number,
    to: number,
  ): Promise<{ start: number; end: number }[]> {
    const ts = this.tenants.get(tenant);
    const services =
      kind === 'service'
        ? new Set([name])
        : new Set(
            [...(ts?.services.values() ?? [])]
              .filter((s) => s.definition.checks.includes(name))
              .map((s) => s.definition.name),
          );
    if (services.size === 0) return [];
    const all = await this.listMaintenance(tenant, { endsAfter: from, startsBefore: to });
    return all
      .filter((w) => services.has(w.service))
      .map((w) => ({ start: w.startsAt, end: w.endsAt }));
  }
}
