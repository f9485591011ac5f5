/**
 * Test-only: an in-memory HealthApiSource (what the server's facade promises, enough to drive
 * the routes) and the whole API built around it with real access control over a real state.db.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { AccessAdmin, Authenticator, defaultAuthConfig } from '../../auth/index.js';
import { remoteWriteConfigSchema } from '../../ingest/remote-write/index.js';
import { loadKeyring, SecretService } from '../../secrets/index.js';
import { openSqliteState, type StateStore } from '../../state/index.js';
import { MemStore } from '../../storage/testing.js';
import { defaultLimitsConfig, TenantLimits } from '../../tenancy/index.js';
import type { Logger } from '../../util/index.js';
import { httpServerOptions } from '../fallback.js';
import { registerApi, type ApiDeps } from '../index.js';
import type { RouteTable } from '../route-table.js';
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
  type ServiceView,
  type UptimeView,
} from './source.js';

const DAY = 86_400_000;

function daily(ratio: number | null): UptimeView['daily'] {
  const today = Math.floor(Date.now() / DAY) * DAY;
  return Array.from({ length: 90 }, (_, i) => ({
    day: new Date(today - (89 - i) * DAY).toISOString().slice(0, 10),
    ratio: i === 0 ? null : i === 88 ? 0.5 : ratio,
    down_seconds: 0,
    maintenance_seconds: 0,
  }));
}

/** One recorded call of the fake (what the routes passed on). */
export interface FakeCall {
  method: string;
  args: unknown[];
}

/** An in-memory facade: maps per tenant, `calls` records what the routes asked for. */
export class FakeHealth implements HealthApiSource {
  readonly calls: FakeCall[] = [];
  readonly checkMap = new Map<string, Map<string, CheckView>>();
  readonly serviceMap = new Map<string, Map<string, ServiceView>>();
  readonly windows: (MaintenanceView & { tenant: string })[] = [];
  /** token → [tenant, check]. */
  readonly tokens = new Map<string, [string, string]>();
  readonly pings: { token: string; kind: string; message?: string }[] = [];
  /** Throw this from statusPage (the page's error path). */
  failStatusPage = false;
  private nextId = 1;

  private rec(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }
  private checksOf(t: string): Map<string, CheckView> {
    let m = this.checkMap.get(t);
    if (m === undefined) this.checkMap.set(t, (m = new Map<string, CheckView>()));
    return m;
  }
  private servicesOf(t: string): Map<string, ServiceView> {
    let m = this.serviceMap.get(t);
    if (m === undefined) this.serviceMap.set(t, (m = new Map<string, ServiceView>()));
    return m;
  }

  kinds() {
    return [
      { name: 'http', description: 'HTTP(S) request' },
      { name: 'heartbeat', description: 'A job pings Argus' },
    ];
  }

  /** Validation like the real one: every problem, `field: message`. */
  private validate(def: Record<string, unknown>): void {
    const problems: string[] = [];
    if (!this.kinds().some((k) => k.name === def.kind))
      problems.push(`kind: unknown kind ${JSON.stringify(def.kind)}`);
    if (def.kind === 'http' && typeof def.url !== 'string') problems.push('url: required');
    if (def.interval !== undefined && typeof def.interval !== 'string')
      problems.push('interval: want a duration like 30s');
    if (problems.length > 0) throw new HealthInvalidError(problems);
  }

  checks(tenant: string) {
    return Promise.resolve([...this.checksOf(tenant).values()]);
  }
  check(tenant: string, name: string) {
    return Promise.resolve(this.checksOf(tenant).get(name));
  }
  saveCheck(
    tenant: string,
    name: string,
    definition: Record<string, unknown>,
    actor: string,
    version?: number,
  ): Promise<CheckView> {
    this.rec('saveCheck', tenant, name, definition, actor, version);
    this.validate(definition);
    const m = this.checksOf(tenant);
    const old = m.get(name);
    if (old?.source === 'config')
      throw new HealthConflictError(`cannot save check "${name}": it is provisioned`);
    if (old !== undefined && version === undefined)
      throw new HealthConflictError(`cannot create check "${name}": it exists`);
    if (old === undefined && version !== undefined)
      throw new HealthNotFoundError(`cannot replace check "${name}": not found`);
    if (old !== undefined && old.version !== version)
      throw new HealthConflictError(
        `cannot save check "${name}": saved since version ${version} (now ${old.version})`,
      );
    const v: CheckView = {
      name,
      kind: String(definition.kind),
      description: typeof definition.description === 'string' ? definition.description : '',
      target: typeof definition.url === 'string' ? definition.url : '',
      source: 'api',
      enabled: true,
      interval_seconds: 30,
      timeout_seconds: 10,
      definition,
      services: [],
      state: 'unknown',
      since: Date.now(),
      consecutive_failures: 0,
      consecutive_successes: 0,
      version: (old?.version ?? 0) + 1,
      updated_by: actor,
      updated_at: Date.now(),
    };
    m.set(name, v);
    return Promise.resolve(v);
  }
  deleteCheck(tenant: string, name: string, actor: string): Promise<void> {
    this.rec('deleteCheck', tenant, name, actor);
    const c = this.checksOf(tenant).get(name);
    if (c === undefined) throw new HealthNotFoundError(`cannot delete check "${name}": not found`);
    if (c.source === 'config')
      throw new HealthConflictError(`cannot delete check "${name}": it is provisioned`);
    this.checksOf(tenant).delete(name);
    return Promise.resolve();
  }
  private run(): CheckRunView {
    return {
      at: Date.now(),
      success: true,
      duration_seconds: 0.012,
      metrics: [{ name: 'probe_success', value: 1 }],
    };
  }
  runCheck(tenant: string, name: string): Promise<CheckRunView> {
    this.rec('runCheck', tenant, name);
    if (!this.checksOf(tenant).has(name))
      throw new HealthNotFoundError(`cannot run check "${name}": not found`);
    return Promise.resolve(this.run());
  }
  tryCheck(tenant: string, definition: Record<string, unknown>): Promise<CheckRunView> {
    this.rec('tryCheck', tenant, definition);
    this.validate(definition);
    return Promise.resolve(this.run());
  }
  results(tenant: string, name: string, from: number, to: number) {
    this.rec('results', tenant, name, from, to);
    return Promise.resolve([{ at: from, success: true, duration_seconds: 0.01 }]);
  }
  history(
    tenant: string,
    subject: 'check' | 'service',
    name: string,
    from: number,
    to: number,
    limit: number,
  ): Promise<HealthEventView[]> {
    this.rec('history', tenant, subject, name, from, to, limit);
    return Promise.resolve([{ at: to, state: 'down', detail: { error: 'connection refused' } }]);
  }
  uptime(tenant: string, subject: 'check' | 'service', name: string): Promise<UptimeView> {
    this.rec('uptime', tenant, subject, name);
    return Promise.resolve({
      windows: { '24h': 1, '7d': 0.999, '30d': 0.99, '90d': null },
      daily: daily(1),
    });
  }

  services(tenant: string) {
    return Promise.resolve([...this.servicesOf(tenant).values()]);
  }
  service(tenant: string, name: string) {
    return Promise.resolve(this.servicesOf(tenant).get(name));
  }
  saveService(
    tenant: string,
    name: string,
    definition: Record<string, unknown>,
    actor: string,
    version?: number,
  ): Promise<ServiceView> {
    this.rec('saveService', tenant, name, definition, actor, version);
    const m = this.servicesOf(tenant);
    const deps = Array.isArray(definition.depends_on) ? definition.depends_on.map(String) : [];
    if (deps.includes(name)) throw new HealthInvalidError([`depends_on: cycle ${name} -> ${name}`]);
    const old = m.get(name);
    if (old !== undefined && version === undefined)
      throw new HealthConflictError(`cannot create service "${name}": it exists`);
    if (old === undefined && version !== undefined)
      throw new HealthNotFoundError(`cannot replace service "${name}": not found`);
    const slo = definition.slo as { target: number; window_seconds: number } | undefined;
    const v: ServiceView = {
      name,
      description: typeof definition.description === 'string' ? definition.description : '',
      source: 'api',
      checks: [],
      depends_on: deps,
      public: definition.public === true,
      status: (definition.status as ServiceView['status'] | undefined) ?? 'up',
      since: 1_700_000_000_000,
      impacted_by: [],
      ...(slo !== undefined ? { slo } : {}),
      definition,
      version: (old?.version ?? 0) + 1,
      updated_by: actor,
    };
    m.set(name, v);
    return Promise.resolve(v);
  }
  deleteService(tenant: string, name: string, actor: string): Promise<void> {
    this.rec('deleteService', tenant, name, actor);
    if (!this.servicesOf(tenant).delete(name))
      throw new HealthNotFoundError(`cannot delete service "${name}": not found`);
    return Promise.resolve();
  }
  slo(tenant: string, name: string) {
    const s = this.servicesOf(tenant).get(name)?.slo;
    if (s === undefined) return Promise.resolve(undefined);
    return Promise.resolve({
      ...s,
      availability: 0.9995,
      error_budget_seconds: 2592,
      spent_seconds: 1296,
      remaining_ratio: 0.5,
    });
  }
  async health(tenant: string): Promise<OverallHealthView> {
    const services = await this.services(tenant);
    return {
      status: services.some((s) => s.status === 'down') ? 'down' : 'up',
      root_causes: services.filter((s) => s.status === 'down').map((s) => s.name),
      services,
      counts: { checks: this.checksOf(tenant).size, up: 0, down: 0, unknown: 0 },
    };
  }

  maintenance(tenant: string, service?: string) {
    this.rec('maintenance', tenant, service);
    return Promise.resolve(
      this.windows.filter((w) => w.tenant === tenant && (service ?? w.service) === w.service),
    );
  }
  addMaintenance(
    tenant: string,
    w: { service: string; starts_at: number; ends_at: number; comment: string },
    actor: string,
  ): Promise<MaintenanceView> {
    this.rec('addMaintenance', tenant, w, actor);
    if (!this.servicesOf(tenant).has(w.service))
      throw new HealthNotFoundError(
        `cannot schedule maintenance: service "${w.service}" not found`,
      );
    const v = { ...w, id: this.nextId++, created_by: actor, source: 'api' as const };
    this.windows.push({ ...v, tenant });
    return Promise.resolve(v);
  }
  deleteMaintenance(tenant: string, id: number, actor: string): Promise<void> {
    this.rec('deleteMaintenance', tenant, id, actor);
    const i = this.windows.findIndex((w) => w.tenant === tenant && w.id === id);
    if (i < 0) throw new HealthNotFoundError(`cannot delete maintenance window ${id}: not found`);
    this.windows.splice(i, 1);
    return Promise.resolve();
  }

  ping(token: string, kind: 'success' | 'start' | 'fail', message?: string): boolean {
    if (!this.tokens.has(token)) return false;
    this.pings.push({ token, kind, ...(message !== undefined ? { message } : {}) });
    return true;
  }
  statusPage(tenant: string): Promise<PublicStatusView | undefined> {
    if (this.failStatusPage) return Promise.reject(new Error('store closed'));
    const pub = [...this.servicesOf(tenant).values()].filter((s) => s.public);
    if (pub.length === 0) return Promise.resolve(undefined);
    const now = Date.now();
    return Promise.resolve({
      title: `${tenant} status`,
      status: pub.some((s) => s.status === 'down') ? 'down' : 'up',
      updated_at: now,
      services: pub.map((s) => ({
        name: s.name,
        description: s.description,
        status: s.status,
        uptime_90d: 0.99,
        daily: daily(1).map((d) => ({ day: d.day, ratio: d.ratio })),
      })),
      maintenance: this.windows
        .filter((w) => w.tenant === tenant && pub.some((s) => s.name === w.service))
        .map((w) => ({
          service: w.service,
          starts_at: w.starts_at,
          ends_at: w.ends_at,
          comment: w.comment,
        })),
      outages: pub
        .filter((s) => s.status === 'down' || s.status === 'degraded')
        .map((s) => ({ service: s.name, status: s.status, since: s.since })),
    });
  }
}

export const TEST_PASSWORD = 'health-test-password-0';

export interface HealthTestApi {
  app: FastifyInstance;
  table: RouteTable;
  state: StateStore;
  source: FakeHealth;
  /** Bearer tokens: `viewer` (read), `editor` (edit in default), `writer` (write scope), `acme` (editor in tenant acme). */
  auth: Record<'viewer' | 'editor' | 'writer' | 'acme', string>;
  routes: { method: string; url: string; config: unknown }[];
  logs: { level: string; msg: string }[];
  close(): Promise<void>;
}

/** The whole API (registerApi, access hook included) with `health` set to a FakeHealth. */
export async function healthTestApi(opts: { ui?: ApiDeps['ui'] } = {}): Promise<HealthTestApi> {
  const app = fastify(httpServerOptions());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'argus-health-api-'));
  const state = openSqliteState({ file: path.join(dir, 'state.db') });
  const keyring = await loadKeyring({ dataDir: dir, env: {} });
  const admin = new AccessAdmin(state);
  await state.tenants.create('acme', 'system');
  const auth = {} as HealthTestApi['auth'];
  const mk = async (
    who: keyof HealthTestApi['auth'],
    role: string,
    scope: string,
    tenant?: string,
  ) => {
    await admin.createUser(
      { username: who, password: TEST_PASSWORD, role, ...(tenant ? { tenant } : {}) },
      'system',
    );
    const { token } = await admin.createToken(
      { username: who, scope, ...(tenant ? { tenant } : {}) },
      'system',
    );
    auth[who] = `Bearer ${token}`;
  };
  await mk('viewer', 'viewer', 'read');
  await mk('editor', 'editor', 'admin');
  await mk('writer', 'editor', 'write');
  await mk('acme', 'editor', 'admin', 'acme');
  const logs: HealthTestApi['logs'] = [];
  const rec = (level: string) => (_obj: object, msg: string) => void logs.push({ level, msg });
  const logger: Logger = {
    debug: rec('debug'),
    info: rec('info'),
    warn: rec('warn'),
    error: rec('error'),
  };
  const registry = new Registry();
  const limits = new TenantLimits(defaultLimitsConfig(), { registry });
  const source = new FakeHealth();
  const routes: HealthTestApi['routes'] = [];
  app.addHook('onRoute', (r) => {
    for (const m of Array.isArray(r.method) ? r.method : [r.method])
      routes.push({ method: m, url: r.url ?? r.path, config: r.config });
  });
  const table = registerApi(app, {
    storage: new MemStore(),
    limits,
    access: {
      state,
      authenticator: new Authenticator({ state, logger }),
      admin,
      secrets: new SecretService(state, keyring, logger),
      limits,
      auditSigner: keyring.auditSigner(),
      sessionTtlMs: () => defaultAuthConfig().session_ttl,
    },
    open: () => defaultAuthConfig().open,
    cors: () => ({ allowed_origins: [] }),
    server: { version: 'test', ready: () => true, reload: async () => undefined },
    snapshot: () => Promise.resolve('x'),
    remoteWrite: remoteWriteConfigSchema.parse({}),
    registry,
    logger,
    ...(opts.ui !== undefined ? { ui: opts.ui } : {}),
    health: source,
  });
  await app.ready();
  return {
    app,
    table,
    state,
    source,
    auth,
    routes,
    logs,
    async close() {
      await app.close();
      await state.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
