import type { Registry } from 'prom-client';
import {
  AckSigner,
  AckStore,
  AlertHistory,
  Dispatcher,
  Inhibitor,
  inhibitRules,
  Notifier,
  pruneOutbox,
  realScheduler,
  SqliteAlertProvider,
  SqliteSilences,
  SqliteTenantConfigs,
  type LoadedReceivers,
  type StoredTenantConfig,
} from '../alerting/index.js';
import type { OutboundGuard } from '../net/index.js';
import type { Alert, TenantId } from '../model/index.js';
import type { AlertSink } from '../rules/index.js';
import type { StateStore } from '../state/index.js';
import { errorChain } from '../util/index.js';
import type { ServerLogger as Logger } from './logger.js';
import type { LoadedAlerting } from './alerting-config.js';
import { alertingMetrics, type AlertingMetrics } from './alerting-metrics.js';

// WIRING: the notification pipeline (Alertmanager's, per tenant): alerts from the rule
// manager and the Alertmanager API → the alert store → one dispatcher per tenant (routing,
// grouping, silences, inhibition, acks, escalation) → the notifier's outbox → the channels.

/** How long a one-click ack link in a notification stays valid. */
const ACK_LINK_TTL_MS = 7 * 24 * 3_600_000;
/** How often resolved alerts past retention and expired silences are dropped. */
const GC_INTERVAL_MS = 60_000;
/** Finished notifications (and their delivery receipts) are kept this long. */
const NOTIFICATION_RETENTION_MS = 7 * 24 * 3_600_000;
/** Alert history (state changes, attempts, acks) is kept this long (MTTA/MTTR look back this far). */
const HISTORY_RETENTION_MS = 30 * 24 * 3_600_000;
/** How often the notification and history tables are pruned. */
const PRUNE_INTERVAL_MS = 3_600_000;

export interface AlertingDeps {
  state: StateStore;
  logger: Logger;
  registry?: Registry;
  /** The HMAC key of one-click ack links (derived from the data dir's master key). */
  ackKey: Buffer;
  externalURL(): string;
  /** Checks the destinations of tenants' own configs (as is: they are typed by users). */
  guard: OutboundGuard;
}

export class Alerting {
  readonly sink: AlertSink;
  readonly signer: AckSigner;
  readonly history: AlertHistory;
  /** Tenants' own Alertmanager configs (API/UI), stored in the state store. */
  readonly tenantStore: SqliteTenantConfigs;
  private readonly dispatchers = new Map<TenantId, Dispatcher>();
  private inhibitor: Inhibitor | undefined;
  /** Tenants with their own config, and its inhibitor (the others use the file's). */
  private readonly own = new Map<TenantId, { loaded: LoadedAlerting; inhibitor: Inhibitor }>();
  private unsubscribe: (() => void) | undefined;
  private gcTimer: NodeJS.Timeout | undefined;
  private running = false;
  /** When the notification and history tables were last pruned (0: not yet; the first GC does). */
  private lastPrune = 0;
  private readonly metrics: AlertingMetrics;

  private constructor(
    private readonly deps: AlertingDeps,
    readonly provider: SqliteAlertProvider,
    readonly silences: SqliteSilences,
    readonly acks: AckStore,
    readonly notifier: Notifier,
    private loaded: LoadedAlerting,
    metrics: AlertingMetrics,
  ) {
    this.metrics = metrics;
    this.signer = new AckSigner(deps.ackKey);
    this.history = new AlertHistory(deps.state.sql);
    this.tenantStore = new SqliteTenantConfigs(deps.state, deps.guard);
    this.inhibitor = new Inhibitor(inhibitRules(loaded.config.inhibit_rules ?? []), provider);
    const log = deps.logger;
    this.sink = {
      send: (tenant: TenantId, alerts: Alert[]) => {
        this.put(tenant, alerts).catch((err: unknown) =>
          log.error(
            { tenant, alerts: alerts.length, err: errorChain(err) },
            'cannot store alerts from rules',
          ),
        );
      },
    };
  }

  static async open(deps: AlertingDeps, loaded: LoadedAlerting): Promise<Alerting> {
    const sql = deps.state.sql;
    const provider = await SqliteAlertProvider.open(deps.state, {
      resolveTimeoutMs: loaded.config.global?.resolve_timeout,
    });
    const silences = await SqliteSilences.open(deps.state);
    const acks = new AckStore(sql, () => Date.now());
    await acks.load();
    const metrics = alertingMetrics(deps.registry);
    // `ref.self` is set below: channelsFor reads the config in force at send time.
    const ref: { self?: Alerting } = {};
    const notifier = new Notifier({
      sql,
      scheduler: realScheduler,
      channelsFor: (tenant, receiver) => ref.self?.configFor(tenant).channels.get(receiver) ?? [],
      isNullReceiver: (tenant, receiver) =>
        ref.self?.configFor(tenant).nullReceivers.has(receiver) ?? false,
      logger: deps.logger.child({ stage: 'notify' }),
      stats: metrics.stats,
    });
    ref.self = new Alerting(deps, provider, silences, acks, notifier, loaded, metrics);
    await ref.self.loadTenantConfigs();
    return ref.self;
  }

  /** Loads the stored tenant configs; one that no longer loads leaves its tenant on the file's. */
  private async loadTenantConfigs(): Promise<void> {
    for (const st of await this.tenantStore.list()) {
      try {
        this.applyTenant(st.tenant as TenantId, this.tenantStore.load(st.tenant, st.yaml), st);
      } catch (err) {
        this.deps.logger.error(
          { tenant: st.tenant, version: st.version, err: errorChain(err) },
          "cannot load the tenant's alertmanager config; it uses the file config until it is saved again",
        );
      }
    }
  }

  /** The file config in force (argus.yml's; routes, receivers, inhibit rules…). */
  get config(): LoadedAlerting {
    return this.loaded;
  }

  /** The config `tenant` uses: its own (set through the API), else the file's. */
  configFor(tenant: TenantId): LoadedAlerting {
    return this.own.get(tenant)?.loaded ?? this.loaded;
  }

  /** What the tenant-config API routes need. */
  get tenantConfigs() {
    return {
      store: this.tenantStore,
      file: () => ({
        source: this.loaded.source === 'built-in' ? ('built-in' as const) : ('file' as const),
        raw: this.loaded.raw,
        config: this.loaded.config,
      }),
      applyTenant: (
        tenant: TenantId,
        loaded: LoadedReceivers | undefined,
        stored?: StoredTenantConfig,
      ) => this.applyTenant(tenant, loaded, stored),
    };
  }

  /**
   * Applies `tenant`'s own config at once (routing, inhibition, channels; alert state is kept),
   * or, with `undefined`, puts the tenant back on the file config.
   */
  applyTenant(
    tenant: TenantId,
    loaded: LoadedReceivers | undefined,
    stored?: StoredTenantConfig,
  ): void {
    this.own.get(tenant)?.inhibitor.stop();
    if (loaded === undefined) this.own.delete(tenant);
    else {
      const full: LoadedAlerting = {
        ...loaded,
        source: `tenant ${tenant} (API, version ${stored?.version ?? '?'})`,
        raw: stored?.yaml ?? '',
      };
      const inhibitor = new Inhibitor(
        inhibitRules(loaded.config.inhibit_rules ?? []),
        this.provider,
      );
      this.own.set(tenant, { loaded: full, inhibitor });
      for (const w of loaded.warnings) this.deps.logger.warn({ source: full.source }, w);
    }
    this.dispatchers.get(tenant)?.reload(this.configFor(tenant).config);
    this.deps.logger.info(
      { tenant, source: this.configFor(tenant).source },
      "tenant's alertmanager config applied",
    );
  }

  /** Stores alerts (from rules or the API); durable when it resolves. */
  async put(tenant: TenantId, alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.provider.put(tenant, alerts, Date.now());
    this.metrics.received(tenant, alerts.length);
  }

  /** The dispatcher of `tenant` (created with its first alert). */
  dispatcherFor(tenant: TenantId): Dispatcher | undefined {
    return this.dispatchers.get(tenant);
  }

  /** Applies a reloaded config: channels, inhibit rules and routing; state is kept. */
  apply(loaded: LoadedAlerting): void {
    this.loaded = loaded;
    this.inhibitor?.stop();
    this.inhibitor = new Inhibitor(inhibitRules(loaded.config.inhibit_rules ?? []), this.provider);
    // Tenants with their own config keep it.
    for (const [t, d] of this.dispatchers) if (!this.own.has(t)) d.reload(loaded.config);
    this.logWarnings();
  }

  private logWarnings(): void {
    for (const w of this.loaded.warnings) this.deps.logger.warn({ source: this.loaded.source }, w);
    this.deps.logger.info(
      {
        source: this.loaded.source,
        receivers: this.loaded.channels.size,
        channels: [...this.loaded.channels.values()].reduce((n, c) => n + c.length, 0),
      },
      'alertmanager config loaded',
    );
  }

  /** Starts dispatching and delivery (pending notifications from before a restart go out). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.logWarnings();
    this.notifier.start();
    for (const t of this.provider.tenants()) await this.ensureDispatcher(t);
    // A tenant's first alert creates its dispatcher (which then reads the store itself).
    this.unsubscribe = this.provider.subscribe((tenant) => {
      if (!this.dispatchers.has(tenant)) void this.ensureDispatcher(tenant);
    });
    this.gcTimer = setInterval(() => void this.gc(), GC_INTERVAL_MS);
    this.gcTimer.unref();
  }

  private async ensureDispatcher(tenant: TenantId): Promise<void> {
    if (this.dispatchers.has(tenant) || !this.running) return;
    const d = new Dispatcher({
      tenant,
      config: this.configFor(tenant).config,
      provider: this.provider,
      notifier: this.notifier,
      acks: this.acks,
      sql: this.deps.state.sql,
      scheduler: realScheduler,
      muters: [
        { kind: 'silence', muter: this.silences },
        {
          kind: 'inhibit',
          muter: {
            mutedBy: (t, l, now) =>
              (this.own.get(t)?.inhibitor ?? this.inhibitor)?.mutedBy(t, l, now) ?? [],
          },
        },
      ],
      // As Alertmanager's: no trailing slash (templates append `/…` to it).
      externalURL: this.deps.externalURL().replace(/\/+$/, ''),
      ackURL: (groupKey, fingerprints) => {
        const token = this.signer.ackLink(
          tenant,
          groupKey,
          fingerprints,
          Date.now() + ACK_LINK_TTL_MS,
        );
        return new URL(`api/argus/v1/alerts/ack-link/${token}`, this.deps.externalURL()).href;
      },
      logger: this.deps.logger.child({ stage: 'dispatch', tenant }),
    });
    this.dispatchers.set(tenant, d);
    await d.start();
  }

  private async gc(): Promise<void> {
    const now = Date.now();
    try {
      await this.provider.gc(now);
      await this.silences.gc(now);
      if (now - this.lastPrune >= PRUNE_INTERVAL_MS) {
        this.lastPrune = now;
        const notifications = await pruneOutbox(
          this.deps.state.sql,
          now - NOTIFICATION_RETENTION_MS,
        );
        const history = await this.history.prune(now - HISTORY_RETENTION_MS);
        if (notifications + history > 0)
          this.deps.logger.info(
            { notifications, history },
            'pruned alert notifications and history past retention',
          );
      }
    } catch (err) {
      this.deps.logger.warn({ err: errorChain(err) }, 'cannot drop old alerts and silences');
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.gcTimer);
    this.unsubscribe?.();
    for (const d of this.dispatchers.values()) d.stop();
    this.dispatchers.clear();
    this.inhibitor?.stop();
    for (const o of this.own.values()) o.inhibitor.stop();
    await this.notifier.stop();
  }
}
