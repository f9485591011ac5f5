/**
 * WIRING for health checks and services: the check engine, the services engine and their
 * stores, fed by argus.yml (`checks:`, `services:`) and the API, with check state changes sent
 * to the alerting pipeline. Implements the API's `HealthApiSource`.
 */
import {
  CHECK_KINDS,
  CheckDefinitionError,
  CheckEngine,
  CheckNotFoundError,
  CheckStoreConflictError,
  CheckStoreNotFoundError,
  SqliteCheckStore,
  probeOnce,
  redactCheckBody,
  type CheckDefinition,
  type ScheduledCheck,
} from '../checks/index.js';
import {
  HealthConflictError as ServiceConflictError,
  HealthEngine,
  HealthInvalidError as ServiceInvalidError,
  HealthNotFoundError as ServiceNotFoundError,
  SqliteMaintenanceStore,
  SqliteServiceStore,
  validateServices,
  type ServiceDefinition,
  type ServiceEntry,
  type ServiceHealth,
} from '../health/index.js';
import {
  HealthConflictError,
  HealthInvalidError,
  HealthNotFoundError,
  type CheckRunView,
  type CheckView,
  type HealthApiSource,
  type HealthEventView,
  type MaintenanceView,
  type OverallHealthView,
  type PublicStatusView,
  type ResultPointView,
  type ServiceView,
  type SloView,
  type UptimeView,
} from '../api/index.js';
import { DEFAULT_TENANT, tenantId, type Alert, type TenantId } from '../model/index.js';
import { OutboundBlockedError, type OutboundGuard } from '../net/index.js';
import type { QueryEngine, QueryOptions } from '../promql/index.js';
import type { SecretService } from '../secrets/index.js';
import type { StateStore } from '../state/index.js';
import type { Appendable, MetadataStore, Queryable } from '../storage/index.js';
import type { Logger } from '../util/index.js';
import type { ArgusConfig } from './config.js';
import { parseConfigHealth, type ConfigHealth } from './health-config.js';
import { instantQuery, probeResults } from './health-probes.js';
import {
  definitionOf,
  maintenanceView,
  publicStatus,
  runView,
  statusFields,
  targetOf,
} from './health-views.js';

export interface HealthDeps {
  state: StateStore;
  store: Appendable & Queryable & MetadataStore;
  engine: QueryEngine;
  queryOptions: () => Partial<QueryOptions>;
  /** The API guard at start (config reloads call `setGuard`). */
  guard: OutboundGuard;
  secrets: SecretService;
  heartbeatKey: Buffer;
  /** The alerting pipeline. */
  alerts: (tenant: TenantId, alerts: Alert[]) => Promise<void>;
  externalURL: () => string;
  logger: Logger;
}

const EMPTY: ConfigHealth = { checks: new Map(), services: new Map() };

interface Versioned {
  version?: number;
  updatedBy?: string;
  updatedAt?: number;
}
interface AppliedCheck extends Versioned {
  def: CheckDefinition;
  source: 'config' | 'api';
  /** The definition as written (secrets redacted), for answers. */
  body: Record<string, unknown>;
}
interface AppliedService extends Versioned {
  entry: ServiceEntry;
}
interface Applied {
  checks: Map<string, AppliedCheck>;
  services: Map<string, AppliedService>;
}
type Obj = Record<string, unknown>;

/** Translates the stores' errors into the API's. */
async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CheckDefinitionError)
      throw new HealthInvalidError(err.problems, { cause: err });
    if (err instanceof ServiceInvalidError)
      throw new HealthInvalidError(err.message.split('; '), { cause: err });
    if (err instanceof CheckStoreNotFoundError || err instanceof ServiceNotFoundError)
      throw new HealthNotFoundError(err.message, { cause: err });
    if (err instanceof CheckNotFoundError)
      throw new HealthNotFoundError(err.message, { cause: err });
    if (err instanceof CheckStoreConflictError || err instanceof ServiceConflictError)
      throw new HealthConflictError(err.message, { cause: err });
    throw err;
  }
}

export class Health implements HealthApiSource {
  readonly checkEngine: CheckEngine;
  readonly serviceEngine: HealthEngine;
  private readonly checkStore: SqliteCheckStore;
  private readonly serviceStore: SqliteServiceStore;
  private readonly maintenanceStore: SqliteMaintenanceStore;
  private config: ConfigHealth = EMPTY;
  /** argus.yml entries as written (for `definition` in answers), by tenant and name. */
  private raw = new Map<TenantId, Map<string, Obj>>();
  private guard: OutboundGuard;
  private statusTitle = 'Service status';
  /** Tenants applied so far (a tenant whose last check goes must be emptied). */
  private readonly known = new Set<TenantId>();
  /** Per tenant: definitions as last applied (views read these, not the stores). */
  private readonly applied = new Map<TenantId, Applied>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: HealthDeps,
    concurrency = 64,
  ) {
    this.guard = deps.guard;
    const secrets = deps.secrets;
    this.checkEngine = new CheckEngine({
      appendable: deps.store,
      metadata: deps.store,
      state: deps.state,
      kinds: CHECK_KINDS,
      guard: deps.guard,
      secrets: { get: (tenant, name) => secrets.reveal(tenantId(tenant), name) },
      query: instantQuery(deps),
      heartbeatKey: deps.heartbeatKey,
      concurrency,
      logger: deps.logger,
    });
    this.serviceEngine = new HealthEngine({
      checks: this.checkEngine,
      state: deps.state,
      alerts: deps.alerts,
      logger: deps.logger,
      externalUrl: deps.externalURL,
    });
    this.checkStore = new SqliteCheckStore(deps.state, CHECK_KINDS, {
      put: (tenant, name, value, actor) => secrets.put(tenantId(tenant), name, value, actor),
      delete: (tenant, name, actor) => secrets.delete(tenantId(tenant), name, actor),
    });
    this.serviceStore = new SqliteServiceStore(deps.state);
    this.maintenanceStore = new SqliteMaintenanceStore(deps.state);
  }

  async start(cfg: ArgusConfig): Promise<void> {
    await this.checkEngine.start();
    this.serviceEngine.start();
    await this.apply(cfg);
  }

  /** Applies argus.yml's checks and services (validated by the config schema already). */
  async apply(cfg: ArgusConfig): Promise<void> {
    this.statusTitle = cfg.health.status_page.title;
    const parsed = parseConfigHealth(cfg);
    this.config = parsed.config ?? EMPTY;
    this.raw = new Map();
    for (const entry of cfg.checks) {
      const tenant = tenantId(typeof entry.tenant === 'string' ? entry.tenant : DEFAULT_TENANT);
      const { tenant: _t, ...def } = entry;
      const m = this.raw.get(tenant) ?? new Map<string, Obj>();
      m.set(String(entry.name), def);
      this.raw.set(tenant, m);
    }
    const tenants = new Set<TenantId>([
      ...this.known,
      ...this.config.checks.keys(),
      ...this.config.services.keys(),
      ...(await this.checkStore.tenants()).map((t) => tenantId(t)),
      ...(await this.serviceTenants()),
    ]);
    for (const t of tenants) await this.changed(t);
  }

  /** The outbound guard after a config reload (API checks use it from their next probe). */
  setGuard(guard: OutboundGuard): void {
    this.guard = guard;
    this.checkEngine.setGuard(guard);
  }

  private async serviceTenants(): Promise<TenantId[]> {
    const rows = await this.deps.state.sql.read((r) =>
      r.all<{ tenant: string }>('SELECT DISTINCT tenant FROM service_definitions'),
    );
    return rows.map((x) => tenantId(x.tenant));
  }

  /** Re-reads a tenant's API checks and services and applies them with the config's. */
  changed(tenant: TenantId): Promise<void> {
    const next = this.chain.then(() => this.refresh(tenant));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async refresh(tenant: TenantId): Promise<void> {
    this.known.add(tenant);
    const checks = new Map<string, AppliedCheck>();
    const raw = this.raw.get(tenant);
    for (const def of this.config.checks.get(tenant) ?? []) {
      const body = redactCheckBody(
        raw?.get(def.name) ?? { name: def.name },
        CHECK_KINDS.get(def.kind),
      );
      checks.set(def.name, { def, source: 'config', body });
    }
    for (const s of await this.checkStore.list(tenant)) {
      if (checks.has(s.name)) {
        this.deps.logger.warn(
          { tenant, check: s.name },
          'a check defined in argus.yml has the name of one created through the API; the API one is not run',
        );
        continue;
      }
      checks.set(s.name, {
        def: s.definition,
        source: 'api',
        body: s.body,
        version: s.version,
        updatedBy: s.updatedBy,
        updatedAt: s.updatedAt,
      });
    }
    const services = new Map<string, AppliedService>();
    for (const definition of this.config.services.get(tenant) ?? [])
      services.set(definition.name, { entry: { definition, source: 'config' } });
    for (const s of await this.serviceStore.list(tenant)) {
      if (services.has(s.definition.name)) continue;
      services.set(s.definition.name, {
        entry: { definition: s.definition, source: 'api' },
        version: s.version,
        updatedBy: s.updatedBy,
        updatedAt: s.updatedAt,
      });
    }
    this.applied.set(tenant, { checks, services });
    const memberOf = new Map<string, string[]>();
    for (const { entry } of services.values())
      for (const c of entry.definition.checks)
        memberOf.set(c, [...(memberOf.get(c) ?? []), entry.definition.name]);
    const scheduled: ScheduledCheck[] = [...checks.values()].map((c) => ({
      definition: c.def,
      source: c.source,
      services: (memberOf.get(c.def.name) ?? []).sort(),
    }));
    this.checkEngine.setChecks(tenant, scheduled);
    this.serviceEngine.setChecks(
      tenant,
      [...checks.values()].map((c) => ({
        name: c.def.name,
        kind: c.def.kind,
        target: targetOf(c.def),
        severity: c.def.severity,
        labels: c.def.labels,
      })),
    );
    this.serviceEngine.setServices(
      tenant,
      [...services.values()].map((s) => s.entry),
    );
  }

  async stop(): Promise<void> {
    await this.serviceEngine.stop();
    await this.checkEngine.stop();
  }

  private tenantState(tenant: string): Applied {
    return this.applied.get(tenantId(tenant)) ?? { checks: new Map(), services: new Map() };
  }

  // ---- HealthApiSource: checks

  kinds(): { name: string; description: string }[] {
    return [...CHECK_KINDS.values()]
      .map((k) => ({ name: k.name, description: k.description }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private checkView(tenant: TenantId, name: string): CheckView | undefined {
    const c = this.tenantState(tenant).checks.get(name);
    if (!c) return undefined;
    const st = this.checkEngine.status(tenant, name);
    const services = [...this.tenantState(tenant).services.values()]
      .filter((s) => s.entry.definition.checks.includes(name))
      .map((s) => s.entry.definition.name)
      .sort();
    return {
      name,
      kind: c.def.kind,
      description: c.def.description,
      target: st?.target ?? targetOf(c.def),
      source: c.source,
      enabled: c.def.enabled,
      interval_seconds: c.def.interval / 1000,
      timeout_seconds: c.def.timeout / 1000,
      definition: c.body,
      services,
      ...statusFields(st),
      ...(c.def.kind === 'heartbeat'
        ? {
            ping_url: `${this.deps.externalURL().replace(/\/$/, '')}/api/argus/v1/ping/${this.checkEngine.heartbeatToken(tenant, name)}`,
          }
        : {}),
      ...(c.version !== undefined
        ? { version: c.version, updated_by: c.updatedBy, updated_at: c.updatedAt }
        : {}),
    };
  }

  checks(tenant: string): Promise<CheckView[]> {
    const t = tenantId(tenant);
    return Promise.resolve(
      [...this.tenantState(t).checks.keys()]
        .sort()
        .map((n) => this.checkView(t, n))
        .filter((v): v is CheckView => v !== undefined),
    );
  }

  check(tenant: string, name: string): Promise<CheckView | undefined> {
    return Promise.resolve(this.checkView(tenantId(tenant), name));
  }

  private configCheckNames(tenant: TenantId): Set<string> {
    return new Set((this.config.checks.get(tenant) ?? []).map((c) => c.name));
  }

  async saveCheck(
    tenant: string,
    name: string,
    definition: Record<string, unknown>,
    actor: string,
    version?: number,
  ): Promise<CheckView> {
    const t = tenantId(tenant);
    const refused = refusedDestinations(this.guard, t, definition);
    if (refused.length > 0) throw new HealthInvalidError(refused);
    await mapped(() =>
      this.checkStore.put(t, { ...definition, name }, actor, {
        expectVersion: version,
        configNames: this.configCheckNames(t),
      }),
    );
    await this.changed(t);
    return this.mustCheck(t, name);
  }

  private mustCheck(tenant: TenantId, name: string): CheckView {
    const v = this.checkView(tenant, name);
    if (!v) throw new HealthNotFoundError(`check ${JSON.stringify(name)} not found`);
    return v;
  }

  async deleteCheck(tenant: string, name: string, actor: string): Promise<void> {
    const t = tenantId(tenant);
    if (this.configCheckNames(t).has(name))
      throw new HealthConflictError(
        `cannot delete check ${JSON.stringify(name)}: it is defined in argus.yml (edit the file and reload)`,
      );
    const users = [...this.tenantState(t).services.values()]
      .filter((s) => s.entry.definition.checks.includes(name))
      .map((s) => s.entry.definition.name)
      .sort();
    if (users.length > 0)
      throw new HealthConflictError(
        `cannot delete check ${JSON.stringify(name)}: service${users.length > 1 ? 's' : ''} ${users.join(', ')} use${users.length > 1 ? '' : 's'} it; remove it from ${users.length > 1 ? 'them' : 'it'} first`,
      );
    await mapped(() => this.checkStore.delete(t, name, actor));
    await this.changed(t);
  }

  async runCheck(tenant: string, name: string): Promise<CheckRunView> {
    const t = tenantId(tenant);
    this.mustCheck(t, name);
    const run = await mapped(() => this.checkEngine.runNow(t, name));
    return runView(run);
  }

  async tryCheck(tenant: string, definition: Record<string, unknown>): Promise<CheckRunView> {
    const t = tenantId(tenant);
    const at = Date.now();
    // An unsaved definition is the user's: the API guard applies, files are refused.
    const r = await mapped(() =>
      probeOnce(definition, CHECK_KINDS, {
        tenant: t,
        guard: this.guard,
        secrets: { get: (tn, n) => this.deps.secrets.reveal(tenantId(tn), n) },
        secret: async (ref) => {
          if (typeof ref === 'string') return ref;
          if ('secret' in ref) return this.deps.secrets.reveal(t, ref.secret);
          throw new Error(
            `cannot read file ${JSON.stringify(ref.file)}: files are for argus.yml checks`,
          );
        },
        query: (expr, time) => instantQuery(this.deps)(t, expr, time),
      }),
    );
    return runView({ at, result: r.result });
  }

  results(tenant: string, name: string, from: number, to: number): Promise<ResultPointView[]> {
    const t = tenantId(tenant);
    this.mustCheck(t, name);
    const points = probeResults(this.deps.store, t, name, from, to, this.checkEngine.runs(t, name));
    return Promise.resolve(points);
  }

  async history(
    tenant: string,
    subject: 'check' | 'service',
    name: string,
    from: number,
    to: number,
    limit: number,
  ): Promise<HealthEventView[]> {
    const t = tenantId(tenant);
    this.mustExist(t, subject, name);
    const events = await this.serviceEngine.history(t, subject, name, from, to, limit);
    return events.map((e) => ({
      at: e.at,
      state: e.state,
      detail: (typeof e.detail === 'object' && e.detail !== null ? e.detail : {}) as Record<
        string,
        unknown
      >,
    }));
  }

  private mustExist(tenant: TenantId, subject: 'check' | 'service', name: string): void {
    const st = this.tenantState(tenant);
    if (subject === 'check' ? !st.checks.has(name) : !st.services.has(name))
      throw new HealthNotFoundError(`${subject} ${JSON.stringify(name)} not found`);
  }

  async uptime(tenant: string, subject: 'check' | 'service', name: string): Promise<UptimeView> {
    const t = tenantId(tenant);
    this.mustExist(t, subject, name);
    const u = await this.serviceEngine.uptime(t, subject, name);
    return {
      windows: {
        '24h': u.windows['24h'],
        '7d': u.windows['7d'],
        '30d': u.windows['30d'],
        '90d': u.windows['90d'],
      },
      daily: u.daily.map((d) => ({
        day: d.day,
        ratio: d.ratio,
        down_seconds: d.downSeconds,
        maintenance_seconds: d.maintenanceSeconds,
      })),
    };
  }

  // ---- services

  private serviceView(tenant: TenantId, h: ServiceHealth): ServiceView | undefined {
    const s = this.tenantState(tenant).services.get(h.name);
    if (!s) return undefined;
    const d = s.entry.definition;
    return {
      name: d.name,
      description: d.description,
      source: s.entry.source,
      checks: h.checks.map((c) => ({ name: c.name, state: c.state })),
      depends_on: [...d.depends_on],
      public: d.public,
      status: h.status,
      since: h.since,
      impacted_by: [...h.impactedBy],
      ...(h.maintenance ? { maintenance: maintenanceView(h.maintenance) } : {}),
      ...(d.slo ? { slo: { target: d.slo.target, window_seconds: d.slo.window / 1000 } } : {}),
      definition: definitionOf(d),
      ...(s.version !== undefined
        ? { version: s.version, updated_by: s.updatedBy, updated_at: s.updatedAt }
        : {}),
    };
  }

  services(tenant: string): Promise<ServiceView[]> {
    const t = tenantId(tenant);
    return Promise.resolve(
      this.serviceEngine
        .health(t)
        .services.map((h) => this.serviceView(t, h))
        .filter((v): v is ServiceView => v !== undefined),
    );
  }

  service(tenant: string, name: string): Promise<ServiceView | undefined> {
    const t = tenantId(tenant);
    const h = this.serviceEngine.service(t, name);
    return Promise.resolve(h && this.serviceView(t, h));
  }

  /**
   * Problems a change to the tenant's API services would ADD: one left behind by a reload or an
   * older version never blocks saving an unrelated service.
   */
  private serviceValidator(tenant: TenantId) {
    const configDefs = this.config.services.get(tenant) ?? [];
    const checkNames = new Set(this.tenantState(tenant).checks.keys());
    const stored = [...this.tenantState(tenant).services.values()]
      .filter((s) => s.entry.source === 'api')
      .map((s) => s.entry.definition);
    const before = new Set(validateServices([...configDefs, ...stored], checkNames));
    return (all: readonly ServiceDefinition[]): string[] =>
      validateServices([...configDefs, ...all], checkNames).filter((p) => !before.has(p));
  }

  /**
   * What applying `cfg` would break among the services and checks created through the API
   * (a removed config service or check they use): a reload with problems is refused.
   */
  async conflicts(cfg: ArgusConfig): Promise<string[]> {
    const next = parseConfigHealth(cfg).config ?? EMPTY;
    const out: string[] = [];
    const tenants = new Set<TenantId>([...this.applied.keys(), ...next.services.keys()]);
    for (const t of tenants) {
      const api = (await this.serviceStore.list(t)).map((s) => s.definition);
      if (api.length === 0) continue;
      const configDefs = (next.services.get(t) ?? []).filter(
        (d) => !api.some((a) => a.name === d.name),
      );
      const checkNames = new Set([
        ...(next.checks.get(t) ?? []).map((c) => c.name),
        ...(await this.checkStore.list(t)).map((c) => c.name),
      ]);
      const now = new Set(
        validateServices(
          [...(this.config.services.get(t) ?? []), ...api],
          new Set(this.tenantState(t).checks.keys()),
        ),
      );
      for (const p of validateServices([...configDefs, ...api], checkNames))
        if (!now.has(p)) out.push(t === DEFAULT_TENANT ? p : `tenant ${t}: ${p}`);
    }
    return out;
  }

  async saveService(
    tenant: string,
    name: string,
    definition: Record<string, unknown>,
    actor: string,
    version?: number,
  ): Promise<ServiceView> {
    const t = tenantId(tenant);
    await mapped(() =>
      this.serviceStore.put(t, { ...definition, name }, actor, {
        expectVersion: version,
        configNames: new Set((this.config.services.get(t) ?? []).map((s) => s.name)),
        validate: this.serviceValidator(t),
      }),
    );
    await this.changed(t);
    await this.serviceEngine.evaluate(t);
    const v = await this.service(t, name);
    if (!v) throw new HealthNotFoundError(`service ${JSON.stringify(name)} not found`);
    return v;
  }

  async deleteService(tenant: string, name: string, actor: string): Promise<void> {
    const t = tenantId(tenant);
    if ((this.config.services.get(t) ?? []).some((s) => s.name === name))
      throw new HealthConflictError(
        `cannot delete service ${JSON.stringify(name)}: it is defined in argus.yml (edit the file and reload)`,
      );
    await mapped(() =>
      this.serviceStore.delete(t, name, actor, { validate: this.serviceValidator(t) }),
    );
    await this.changed(t);
  }

  async slo(tenant: string, name: string): Promise<SloView | undefined> {
    const t = tenantId(tenant);
    this.mustExist(t, 'service', name);
    const r = await this.serviceEngine.slo(t, name);
    if (!r) return undefined;
    const remaining = r.remainingRatio ?? 1;
    return {
      target: r.target,
      window_seconds: r.window / 1000,
      availability: r.availability,
      error_budget_seconds: r.errorBudgetSeconds,
      spent_seconds: Math.max(0, (1 - remaining) * r.errorBudgetSeconds),
      remaining_ratio: remaining,
    };
  }

  async health(tenant: string): Promise<OverallHealthView> {
    const t = tenantId(tenant);
    const h = this.serviceEngine.health(t);
    const statuses = this.checkEngine.statuses(t);
    const services = h.services
      .map((s) => this.serviceView(t, s))
      .filter((v): v is ServiceView => v !== undefined);
    return Promise.resolve({
      status: services.length === 0 ? 'up' : h.status,
      root_causes: [...h.rootCauses],
      services,
      counts: {
        checks: statuses.length,
        up: statuses.filter((s) => s.state === 'up').length,
        down: statuses.filter((s) => s.state === 'down').length,
        unknown: statuses.filter((s) => s.state === 'unknown').length,
      },
    });
  }

  // ---- maintenance

  async maintenance(tenant: string, service?: string): Promise<MaintenanceView[]> {
    const list = await this.serviceEngine.listMaintenance(
      tenantId(tenant),
      service === undefined ? {} : { service },
    );
    return list.map(maintenanceView);
  }

  async addMaintenance(
    tenant: string,
    w: { service: string; starts_at: number; ends_at: number; comment: string },
    actor: string,
  ): Promise<MaintenanceView> {
    const t = tenantId(tenant);
    this.mustExist(t, 'service', w.service);
    const added = await mapped(() =>
      this.serviceEngine.addMaintenance(
        t,
        { service: w.service, startsAt: w.starts_at, endsAt: w.ends_at, comment: w.comment },
        actor,
      ),
    );
    return maintenanceView(added);
  }

  async deleteMaintenance(tenant: string, id: number, actor: string): Promise<void> {
    await mapped(() => this.serviceEngine.deleteMaintenance(tenantId(tenant), id, actor));
  }

  // ---- public

  ping(token: string, kind: 'success' | 'start' | 'fail', message?: string): boolean {
    return this.checkEngine.ping(token, kind, message) !== undefined;
  }

  async statusPage(tenant: string): Promise<PublicStatusView | undefined> {
    let t: TenantId;
    try {
      t = tenantId(tenant);
    } catch {
      return undefined;
    }
    const defs = this.tenantState(t).services;
    return publicStatus(
      this.serviceEngine,
      t,
      this.statusTitle,
      (name) => defs.get(name)?.entry.definition,
    );
  }
}

/**
 * Destinations of an API check the guard refuses before any lookup (IP literals, `localhost`,
 * metadata names): refused on save with the guard's words, not left to fail every probe. Names
 * that resolve to refused addresses are still caught at connect time.
 */
function refusedDestinations(
  guard: OutboundGuard,
  tenant: TenantId,
  definition: Record<string, unknown>,
): string[] {
  const out: string[] = [];
  const hostOf = (field: string, v: unknown): void => {
    if (typeof v !== 'string' || v === '') return;
    let host = v;
    if (field === 'url') {
      try {
        host = new URL(v).hostname.replace(/^\[|\]$/g, '');
      } catch {
        return; // the kind's own validation reports it
      }
    } else if (field === 'resolver') {
      // host, host:port, [v6]:port or a bare v6 literal
      const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
      if (bracket) host = bracket[1];
      else if ((v.match(/:/g) ?? []).length === 1) host = v.slice(0, v.indexOf(':'));
    }
    try {
      const r = guard.check(host, tenant);
      if (!r.allowed)
        out.push(`${field}: ${new OutboundBlockedError(host, r.address, r.reason).message}`);
    } catch {
      // not a host name: the kind's validation says so
    }
  };
  for (const f of ['url', 'host', 'resolver']) hostOf(f, definition[f]);
  return out;
}
