import type { Registry } from 'prom-client';
import {
  AckSigner,
  AckStore,
  AlertHistory,
  Dispatcher,
  Inhibitor,
  inhibitRules,
  Notifier,
  realScheduler,
  SqliteAlertProvider,
  SqliteSilences,
  type Channel,
} from '../alerting/index.js';
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

export interface AlertingDeps {
  state: StateStore;
  logger: Logger;
  registry?: Registry;
  /** The HMAC key of one-click ack links (derived from the data dir's master key). */
  ackKey: Buffer;
  externalURL(): string;
}

export class Alerting {
  readonly sink: AlertSink;
  readonly signer: AckSigner;
  readonly history: AlertHistory;
  private readonly dispatchers = new Map<TenantId, Dispatcher>();
  private inhibitor: Inhibitor | undefined;
  private unsubscribe: (() => void) | undefined;
  private gcTimer: NodeJS.Timeout | undefined;
  private running = false;
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
      channelsFor: (_tenant, receiver) => ref.self?.channelsFor(receiver) ?? [],
      isNullReceiver: (_tenant, receiver) => ref.self?.loaded.nullReceivers.has(receiver) ?? false,
      logger: deps.logger.child({ component: 'notify' }),
      stats: metrics.stats,
    });
    ref.self = new Alerting(deps, provider, silences, acks, notifier, loaded, metrics);
    return ref.self;
  }

  private channelsFor(receiver: string): readonly Channel[] {
    return this.loaded.channels.get(receiver) ?? [];
  }

  /** The config in force (routes, receivers, inhibit rules…). */
  get config(): LoadedAlerting {
    return this.loaded;
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
    for (const d of this.dispatchers.values()) d.reload(loaded.config);
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
      config: this.loaded.config,
      provider: this.provider,
      notifier: this.notifier,
      acks: this.acks,
      sql: this.deps.state.sql,
      scheduler: realScheduler,
      muters: [
        { kind: 'silence', muter: this.silences },
        {
          kind: 'inhibit',
          muter: { mutedBy: (t, l, now) => this.inhibitor?.mutedBy(t, l, now) ?? [] },
        },
      ],
      externalURL: this.deps.externalURL(),
      ackURL: (groupKey, fingerprints) => {
        const token = this.signer.ackLink(
          tenant,
          groupKey,
          fingerprints,
          Date.now() + ACK_LINK_TTL_MS,
        );
        return new URL(`api/argus/v1/alerts/ack-link/${token}`, this.deps.externalURL()).href;
      },
      logger: this.deps.logger.child({ component: 'dispatch', tenant }),
    });
    this.dispatchers.set(tenant, d);
    await d.start();
  }

  private async gc(): Promise<void> {
    const now = Date.now();
    try {
      await this.provider.gc(now);
      await this.silences.gc(now);
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
    await this.notifier.stop();
  }
}
