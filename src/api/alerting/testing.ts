/**
 * Test-only: an AlertingApiSource built from the alerting module's real classes over the test
 * app's SQLite state (what the server's `Alerting` wires), with recording channels.
 */
import {
  AckSigner,
  AckStore,
  AlertHistory,
  Dispatcher,
  Inhibitor,
  inhibitRules,
  Notifier,
  parseAlertmanagerConfig,
  realScheduler,
  SqliteAlertProvider,
  SqliteSilences,
  SqliteTenantConfigs,
  type Channel,
  type LoadedReceivers,
  type DeliveryResult,
  type Notification,
} from '../../alerting/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { AccessAdmin, Authenticator, defaultAuthConfig } from '../../auth/index.js';
import { remoteWriteConfigSchema } from '../../ingest/remote-write/index.js';
import type { Alert, TenantId } from '../../model/index.js';
import { loadKeyring, SecretService } from '../../secrets/index.js';
import { openSqliteState, type StateStore } from '../../state/index.js';
import { MemStore } from '../../storage/testing.js';
import { defaultLimitsConfig, TenantLimits } from '../../tenancy/index.js';
import type { Logger } from '../../util/index.js';
import { httpServerOptions } from '../fallback.js';
import { registerApi, type ApiDeps } from '../index.js';
import type { RouteTable } from '../route-table.js';
import { OutboundGuard } from '../../net/index.js';
import type { AlertingApiSource, AlertingConfigView, TenantConfigSource } from './source.js';

export const ACK_KEY = Buffer.alloc(32, 7);

/** A channel that records what it is sent and answers `result`. */
export class RecordingChannel implements Channel {
  readonly sent: Notification[] = [];
  readonly sendsAcks = true;
  result: DeliveryResult = { ok: true, retryable: false, status: 200 };
  constructor(
    readonly name: string,
    readonly kind = 'webhook',
    readonly sendResolved = true,
  ) {}
  send(n: Notification): Promise<DeliveryResult> {
    this.sent.push(n);
    return Promise.resolve(this.result);
  }
}

export const TEST_AM_CONFIG = `
route:
  receiver: team
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1h
  repeat_interval: 4h
  routes:
    - matchers: ['severity="page"']
      receiver: pager
      continue: true
inhibit_rules:
  - source_matchers: ['alertname="Outage"']
    target_matchers: ['severity="warning"']
receivers:
  - name: team
    webhook_configs:
      - url: http://127.0.0.1:9/hook
        http_config:
          authorization:
            credentials: very-secret-token
  - name: pager
    opsgenie_configs:
      - api_key: another-secret
`;

export class TestAlerting implements AlertingApiSource {
  readonly signer = new AckSigner(ACK_KEY);
  readonly history: AlertHistory;
  readonly channels = new Map<string, RecordingChannel[]>([
    ['team', [new RecordingChannel('team/webhook[0]')]],
  ]);
  readonly dispatchers = new Map<TenantId, Dispatcher>();
  readonly config;
  /** Tenants' own configs (saved through the API). */
  readonly own = new Map<TenantId, LoadedReceivers>();
  readonly tenantStore: SqliteTenantConfigs;
  readonly tenantConfigs: TenantConfigSource;
  private readonly inhibitor: Inhibitor;

  private constructor(
    private readonly state: StateStore,
    readonly provider: SqliteAlertProvider,
    readonly silences: SqliteSilences,
    readonly acks: AckStore,
    readonly notifier: Notifier,
    yaml: string,
  ) {
    this.history = new AlertHistory(state.sql);
    const config = parseAlertmanagerConfig(yaml, { baseDir: '/' }).config;
    this.config = { config, channels: this.channels as ReadonlyMap<string, readonly Channel[]> };
    this.inhibitor = new Inhibitor(inhibitRules(config.inhibit_rules ?? []), provider);
    // Loopback is allowed for tenant configs here: tests post to local servers.
    this.tenantStore = new SqliteTenantConfigs(state, new OutboundGuard({ allow: ['127.0.0.1'] }));
    this.tenantConfigs = {
      store: this.tenantStore,
      file: () => ({ source: 'file', raw: yaml, config }),
      applyTenant: (tenant, loaded) => {
        if (loaded === undefined) this.own.delete(tenant);
        else this.own.set(tenant, loaded);
        this.dispatchers.get(tenant)?.reload(this.configFor(tenant).config);
      },
    };
  }

  configFor(tenant: TenantId): AlertingConfigView {
    return this.own.get(tenant) ?? this.config;
  }

  static async open(state: StateStore, yaml = TEST_AM_CONFIG): Promise<TestAlerting> {
    const provider = await SqliteAlertProvider.open(state, {});
    const silences = await SqliteSilences.open(state);
    const acks = new AckStore(state.sql, () => Date.now());
    await acks.load();
    const ref: { self?: TestAlerting } = {};
    const notifier = new Notifier({
      sql: state.sql,
      scheduler: realScheduler,
      channelsFor: (t, r) =>
        ref.self?.own.get(t)?.channels.get(r) ?? ref.self?.channels.get(r) ?? [],
    });
    notifier.start();
    ref.self = new TestAlerting(state, provider, silences, acks, notifier, yaml);
    return ref.self;
  }

  async put(tenant: TenantId, alerts: readonly Alert[]): Promise<void> {
    await this.provider.put(tenant, alerts, Date.now());
    await this.ensure(tenant);
  }

  /** Creates the tenant's dispatcher (the server does on the tenant's first alert). */
  async ensure(tenant: TenantId): Promise<Dispatcher> {
    let d = this.dispatchers.get(tenant);
    if (d) return d;
    d = new Dispatcher({
      tenant,
      config: this.configFor(tenant).config,
      provider: this.provider,
      notifier: this.notifier,
      acks: this.acks,
      sql: this.state.sql,
      scheduler: realScheduler,
      muters: [
        { kind: 'silence', muter: this.silences },
        { kind: 'inhibit', muter: this.inhibitor },
      ],
      externalURL: 'http://argus.test/',
    });
    this.dispatchers.set(tenant, d);
    await d.start();
    return d;
  }

  dispatcherFor(tenant: TenantId): Dispatcher | undefined {
    return this.dispatchers.get(tenant);
  }

  async stop(): Promise<void> {
    for (const d of this.dispatchers.values()) d.stop();
    this.inhibitor.stop();
    await this.notifier.stop();
  }
}

export const ADMIN_PASSWORD = 'test-admin-password-0';

export interface AlertingTestApi {
  app: FastifyInstance;
  table: RouteTable;
  state: StateStore;
  admin: AccessAdmin;
  source: TestAlerting;
  logs: { level: string; obj: object; msg: string }[];
  close(): Promise<void>;
}

/**
 * The whole API (registerApi, the access hook included) with `alerting` set to a TestAlerting
 * over the app's own state; system admin `admin` / ADMIN_PASSWORD. No default credentials.
 */
export async function alertingTestApi(
  opts: { yaml?: string; open?: ApiDeps['open'] } = {},
): Promise<AlertingTestApi> {
  const app = fastify(httpServerOptions());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'argus-am-api-'));
  const state = openSqliteState({ file: path.join(dir, 'state.db') });
  const keyring = await loadKeyring({ dataDir: dir, env: {} });
  const admin = new AccessAdmin(state);
  await admin.createUser(
    { username: 'admin', password: ADMIN_PASSWORD, role: 'admin', systemAdmin: true },
    'system',
  );
  const logs: AlertingTestApi['logs'] = [];
  const rec = (level: string) => (obj: object, msg: string) => void logs.push({ level, obj, msg });
  const logger: Logger = {
    debug: rec('debug'),
    info: rec('info'),
    warn: rec('warn'),
    error: rec('error'),
  };
  const registry = new Registry();
  const limits = new TenantLimits(defaultLimitsConfig(), { registry });
  const source = await TestAlerting.open(state, opts.yaml);
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
    open: opts.open ?? (() => defaultAuthConfig().open),
    cors: () => ({ allowed_origins: [] }),
    server: { version: 'test', ready: () => true, reload: async () => undefined },
    snapshot: () => Promise.resolve('x'),
    remoteWrite: remoteWriteConfigSchema.parse({}),
    registry,
    logger,
    alerting: source,
  });
  await app.ready();
  return {
    app,
    table,
    state,
    admin,
    source,
    logs,
    async close() {
      await app.close();
      await source.stop();
      await state.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
