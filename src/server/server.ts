import type { Server as HttpsServer } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fastify, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { httpServerOptions, loadUiBundle, queryOptionsOf } from '../api/index.js';
import { parseExpr, PromQLEngine } from '../promql/index.js';
import { LiveHub } from '../live/index.js';
import { ArgusError, errorChain } from '../util/index.js';
import type { TsdbConfig } from '../tsdb/index.js';
import { parseListen, type ArgusConfig } from './config.js';
import { DataDirLock } from './lock.js';
import type { ServerLogger } from './logger.js';
import { createRegistry, instrumentHttp, reloadMetrics } from './metrics.js';
import { openSecurity, type Security } from './security.js';
import { readTls } from './tls.js';
import { Collection } from './collection.js';
import { SelfCollector } from './self-metrics.js';
import { SqliteDashboards, type DashboardStore } from '../dashboards/index.js';
import { provisionFromConfig } from './dashboards.js';
import { loadRuleSet, Rules, type LoadedRuleSet } from './rules.js';
import { SqliteRuleGroups } from '../rules/index.js';
import { Alerting } from './alerting.js';
import { Health } from './health.js';
import { Logs } from './logs.js';
import { healthMetrics } from './health-metrics.js';
import { loadAlerting, type LoadedAlerting } from './alerting-config.js';
import type { Store, StoreOptions } from './wiring.js';
import { externalUrl, loadArgusConfig, type Settings } from './settings.js';
import { createStore, defaultUiDir, registerRoutes, type ApiDeps } from './wiring.js';

export interface ServerOptions {
  settings: Settings;
  /** The config already loaded from `settings.source` (so startup errors surface before this). */
  config: ArgusConfig;
  logger: ServerLogger;
  version: string;
  /** Graceful shutdown budget before a forced exit (ms). */
  shutdownTimeoutMs?: number;
  /** Replaces the wired store (tests: slow or failing stores). */
  createStore?: (opts: StoreOptions) => Store;
  /** Environment for ARGUS_ADMIN_PASSWORD / ARGUS_SECRET_KEY (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The built web UI (default: the checkout's dist/ui). */
  uiDir?: string;
}

/** Where the server listens: the socket's real address, and a URL local tools can reach. */
interface Bound {
  /** `0.0.0.0:9470`, `[::]:9470`, `127.0.0.1:41234`… */
  address: string;
  /** `http://127.0.0.1:9470` for a wildcard bind; else the bound host. */
  url: string;
}

/** Listens (all interfaces for an empty host). */
async function listenOn(
  app: FastifyInstance,
  host: string,
  port: number,
  scheme: 'http' | 'https',
): Promise<Bound> {
  if (host) await app.listen({ host, port });
  else {
    try {
      await app.listen({ host: '::', port });
    } catch (err) {
      // No IPv6 on this machine: all IPv4 interfaces.
      if ((err as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT') throw err;
      await app.listen({ host: '0.0.0.0', port });
    }
  }
  const a = app.server.address();
  if (a === null || typeof a === 'string')
    return { address: `${host}:${port}`, url: `${scheme}://${host}:${port}` };
  const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h);
  const h = a.address === '::' || a.address === '0.0.0.0' ? '127.0.0.1' : a.address;
  return {
    address: `${bracket(a.address)}:${a.port}`,
    url: `${scheme}://${bracket(h)}:${a.port}`,
  };
}

/** The remote_write decoder's checks, matching the store's (which enforces them anyway). */
function ingestOptions(t: TsdbConfig): ApiDeps['ingest'] {
  return {
    labelLimits: {
      maxLabelNameLength: t.limits.max_label_name_length,
      maxLabelValueLength: t.limits.max_label_value_length,
      maxLabelsPerSeries: t.limits.max_labels_per_series,
    },
    nameValidation: t.name_validation,
    maxFutureMs: t.max_future,
  };
}

/** Keys a reload cannot apply (the running value stays until a restart). */
const RESTART_ONLY: [string, (c: ArgusConfig) => unknown][] = [
  ['server.listen', (c) => c.server.listen],
  ['logging.format', (c) => c.logging.format],
  ['storage.tsdb.block_duration', (c) => c.storage.tsdb.block_duration],
  ['storage.tsdb.wal', (c) => c.storage.tsdb.wal],
  ['server.trusted_proxies', (c) => c.server.trusted_proxies],
  ['server.tls (on/off; cert and key files are re-read)', (c) => c.server.tls !== undefined],
  ['health.concurrency', (c) => c.health.concurrency],
  ['logs.enabled', (c) => c.logs.enabled],
  ['logs.store', (c) => c.logs.store],
];

function restartOnlyChanges(old: ArgusConfig, cfg: ArgusConfig): string[] {
  return RESTART_ONLY.filter(
    ([, get]) => JSON.stringify(get(old)) !== JSON.stringify(get(cfg)),
  ).map(([key]) => key);
}

/** Could not start: the data dir is taken, the port is busy… */
export class ServerStartError extends ArgusError {}

/**
 * The running Argus server: HTTP endpoints, the store, the data-dir lock, reload and
 * shutdown. `done` resolves with the process exit code once shut down.
 */
export class ArgusServer {
  readonly registry: Registry;
  readonly done: Promise<number>;
  /** Base URL the server listens on (e.g. `http://127.0.0.1:9470`). */
  url = '';
  private config: ArgusConfig;
  private reloading: Promise<unknown> = Promise.resolve();
  private shuttingDown = false;
  private resolveDone!: (code: number) => void;
  private readonly reloadGauge: { success(ok: boolean): void };
  private readonly deps: ApiDeps;
  private readonly collection: Collection;
  private readonly self: SelfCollector;
  private readonly dashboards: DashboardStore;
  private readonly rules: Rules;
  /** Health checks and services (started once the store is ready). */
  readonly health: Health;
  /** The log store, LogQL and the log inputs (absent when `logs.enabled` is false). */
  readonly logs: Logs | undefined;
  /** For /api/v1/status/runtimeinfo: the last (re)load's outcome and the running config's age. */
  private configStatus = { ok: true, loadedAt: new Date() };

  private constructor(
    private readonly opts: ServerOptions,
    private readonly app: FastifyInstance,
    private readonly store: Store,
    private readonly lock: DataDirLock,
    registry: Registry,
    private readonly security: Security,
    private readonly live: LiveHub,
    readonly alerting: Alerting,
  ) {
    this.config = opts.config;
    this.registry = registry;
    this.reloadGauge = reloadMetrics(registry);
    this.collection = new Collection(
      store,
      opts.logger.child({ component: 'collect' }),
      path.join(opts.settings.dataDir, 'push.json'),
      registry,
    );
    this.self = new SelfCollector({
      registry,
      appendable: store,
      metadata: store,
      logger: opts.logger.child({ component: 'self-metrics' }),
      dataDir: opts.settings.dataDir,
    });
    this.done = new Promise((r) => (this.resolveDone = r));
    this.dashboards = new SqliteDashboards(security.state);
    const engine = new PromQLEngine({ parse: parseExpr });
    const ruleGroups = new SqliteRuleGroups(security.state);
    this.rules = new Rules({
      store,
      engine,
      groups: ruleGroups,
      queryOptions: () => queryOptionsOf(this.config.query),
      logger: opts.logger.child({ component: 'rules' }),
      registry,
      sink: alerting.sink,
      externalURL: () => this.externalURL(),
      logEngine: () => this.logs?.engine,
    });
    this.health = new Health(
      {
        state: security.state,
        store,
        engine,
        queryOptions: () => queryOptionsOf(this.config.query),
        guard: security.guard,
        secrets: security.secrets,
        heartbeatKey: security.heartbeatKey,
        alerts: (tenant, alerts) => alerting.put(tenant, alerts),
        externalURL: () => this.externalURL(),
        logger: opts.logger.child({ component: 'health' }),
      },
      opts.config.health.concurrency,
    );
    healthMetrics(registry, () => this.health.checkEngine.metrics());
    this.logs = opts.config.logs.enabled
      ? new Logs(
          {
            dataDir: opts.settings.dataDir,
            logger: opts.logger.child({ component: 'logs' }),
            registry,
            limits: security.limits,
          },
          opts.config,
        )
      : undefined;
    this.deps = {
      logs: this.logs?.source,
      rules: this.rules,
      health: this.health,
      ruleGroups: {
        store: ruleGroups,
        changed: (tenant) => this.rules.changed(tenant),
        provisioned: (tenant) => this.rules.provisioned(tenant),
      },
      alerting,
      dashboards: this.dashboards,
      storage: store,
      snapshot: (withHead) => store.snapshot(withHead),
      remoteWrite: opts.config.ingest.remote_write,
      otlp: opts.config.ingest.otlp,
      registry,
      logger: opts.logger,
      ingest: ingestOptions(opts.config.storage.tsdb),
      limits: security.limits,
      access: security.access,
      open: () => this.config.auth.open,
      cors: () => this.config.server.cors,
      scrape: this.collection.scrape,
      push: this.collection.push,
      storageInfo: {
        retention: () => ({
          timeMs: this.config.storage.tsdb.retention_time,
          sizeBytes: this.config.storage.tsdb.retention_size,
        }),
        headStats: (tenant) => store.headStats?.(tenant),
        corruptionCount: () =>
          store.stats?.().tenants.reduce((n, t) => n + t.walCorruptions, 0) ?? 0,
      },
      query: {
        engine,
        options: () => queryOptionsOf(this.config.query),
        configStatus: () => this.configStatus,
      },
      server: {
        version: opts.version,
        // Ready once every store can take writes (the log store opens beside the TSDB).
        ready: () => this.store.isReady && (this.logs?.isOpen ?? true),
        reload: () => this.reload(),
      },
      ui: loadUiBundle(opts.uiDir ?? defaultUiDir()),
      live,
    };
  }

  /** Locks the data dir, listens, then opens the store in the background (ready when done). */
  static async start(opts: ServerOptions): Promise<ArgusServer> {
    const { settings, config, logger } = opts;
    const lock = await DataDirLock.acquire(settings.dataDir);
    if (lock.tookOver !== undefined) {
      logger.warn(
        {
          data_dir: settings.dataDir,
          stale_pid: lock.tookOver?.pid ?? null,
          stale_url: lock.tookOver?.url ?? null,
        },
        'took over a stale data-dir lock (its process is gone; the last run did not shut down cleanly)',
      );
    }
    let app: FastifyInstance | undefined;
    let security: Security | undefined;
    let alerting: Alerting | undefined;
    try {
      // Rule files are part of the config: a bad one stops the start, as a bad argus.yml does.
      const ruleSet = loadRuleSet(config, settings.source.file);
      const registry = createRegistry(opts.version);
      security = await openSecurity({
        dataDir: settings.dataDir,
        config,
        env: opts.env ?? process.env,
        logger: logger.child({ component: 'auth' }),
        registry,
      });
      const live = new LiveHub();
      // The Alertmanager config is part of the config too (a bad one stops the start).
      const alertingCfg = await loadAlerting(config, settings.source.file, security.guard);
      // `srv` does not exist yet: the alerting wiring reads the address through this box.
      const box: { srv?: ArgusServer } = {};
      alerting = await Alerting.open(
        {
          state: security.state,
          logger: logger.child({ component: 'alerting' }),
          registry,
          ackKey: security.ackKey,
          guard: security.guard,
          externalURL: () => box.srv?.externalURL() ?? externalUrl(config, os.hostname()),
        },
        alertingCfg,
      );
      const store = (opts.createStore ?? createStore)({
        dir: path.join(settings.dataDir, 'tsdb'),
        config: config.storage.tsdb,
        logger: logger.child({ component: 'tsdb' }),
        registry,
        maxSeriesFor: (t) => security!.limits.for(t).max_series,
        onCommit: (t, n) => live.notify(t, n),
      });
      const tls = await readTls(config);
      const trustProxy =
        config.server.trusted_proxies.length > 0 ? config.server.trusted_proxies : false;
      const base = {
        ...httpServerOptions(),
        logger: false,
        forceCloseConnections: 'idle',
        return503OnClosing: true,
        trustProxy,
      } as const;
      // The https instance differs only in its server type; routes and hooks are the same.
      app = tls ? fastify({ ...base, https: tls }) : fastify(base);
      const srv = new ArgusServer(opts, app, store, lock, registry, security, live, alerting);
      box.srv = srv;
      srv.routes();
      await srv.provisionDashboards(config);
      const listen = parseListen(config.server.listen)!;
      const bound = await listenOn(app, listen.host, listen.port, tls ? 'https' : 'http');
      srv.url = bound.url;
      await lock.setUrl(srv.url);
      // After listening: rules link to Argus's own address when external_url is unset.
      await srv.rules.apply(config, ruleSet);
      await alerting.start();
      logger.info(
        {
          address: bound.address,
          url: srv.url,
          data_dir: settings.dataDir,
          config_file: settings.source.file ?? null,
          external_url: externalUrl(config, os.hostname(), Number(new URL(srv.url).port)),
          version: opts.version,
        },
        'listening',
      );
      srv.openStore();
      return srv;
    } catch (err) {
      await app?.close().catch(() => undefined);
      await alerting?.stop().catch(() => undefined);
      await security?.close().catch(() => undefined);
      await lock.release();
      throw new ServerStartError('cannot start server', { cause: err }); // errorChain renders the cause
    }
  }

  private routes(): void {
    const { app, registry } = this;
    instrumentHttp(app, registry);
    registerRoutes(app, this.deps);
  }

  /** Loads the provisioning dir's dashboards; bad files are logged, never fatal. */
  private async provisionDashboards(cfg: ArgusConfig): Promise<void> {
    const logger = this.opts.logger.child({ component: 'dashboards' });
    try {
      await provisionFromConfig(this.dashboards, cfg, this.opts.settings.source, logger);
    } catch (err) {
      logger.error({ err: errorChain(err) }, 'cannot provision dashboards');
    }
  }

  private openStore(): void {
    this.logs?.open().catch((err: unknown) => {
      this.opts.logger.error({ err: errorChain(err) }, 'cannot open the log store; shutting down');
      void this.shutdown('log store failed to open', 1);
    });
    const started = Date.now();
    this.opts.logger.info({}, 'opening store');
    this.store.open().then(
      () => {
        this.opts.logger.info({ duration_ms: Date.now() - started }, 'store ready');
        // Collection and rule evaluation start once appends can succeed.
        if (this.shuttingDown) return;
        // Argus's own metrics first: the built-in rules read them from their first evaluation.
        void this.self.apply(this.config, new URL(this.url).host);
        void this.collection.apply(this.config);
        this.rules.start();
        this.health
          .start(this.config)
          .catch((err: unknown) =>
            this.opts.logger.error({ err: errorChain(err) }, 'cannot start health checks'),
          );
      },
      (err: unknown) => {
        this.opts.logger.error({ err: errorChain(err) }, 'cannot open store; shutting down');
        void this.shutdown('store failed to open', 1);
      },
    );
  }

  /**
   * Re-reads the config; a bad one is refused and the running one kept. Returns the error
   * text, or undefined on success. Reloads are serialised.
   */
  reload(): Promise<string | undefined> {
    const next = this.reloading.then(() => this.doReload());
    this.reloading = next.catch(() => undefined);
    return next;
  }

  private async doReload(): Promise<string | undefined> {
    const { logger, settings } = this.opts;
    let cfg: ArgusConfig;
    try {
      cfg = await loadArgusConfig(settings.source);
    } catch (err) {
      const msg = errorChain(err);
      this.reloadGauge.success(false);
      this.configStatus = { ...this.configStatus, ok: false };
      logger.error(
        { err: msg, config_file: settings.source.file ?? null },
        'cannot reload config; keeping the running one',
      );
      return msg;
    }
    let tls;
    try {
      tls = await readTls(cfg);
    } catch (err) {
      const msg = errorChain(err);
      this.reloadGauge.success(false);
      logger.error({ err: msg }, 'cannot reload config; keeping the running one');
      return msg;
    }
    if (tls && this.config.server.tls !== undefined) {
      try {
        (this.app.server as unknown as HttpsServer).setSecureContext(tls);
      } catch (err) {
        const msg = `cannot use server.tls cert/key: ${errorChain(err)}`;
        this.reloadGauge.success(false);
        logger.error({ err: msg }, 'cannot reload config; keeping the running one');
        return msg;
      }
    }
    let ruleSet: LoadedRuleSet;
    let alertingCfg: LoadedAlerting;
    try {
      ruleSet = loadRuleSet(cfg, settings.source.file);
      alertingCfg = await loadAlerting(cfg, settings.source.file, this.security.guard);
    } catch (err) {
      const msg = errorChain(err);
      this.reloadGauge.success(false);
      this.configStatus = { ...this.configStatus, ok: false };
      logger.error({ err: msg }, 'cannot reload config; keeping the running one');
      return msg;
    }
    // Config checks and services that API-created services still use cannot go away.
    const broken = await this.health.conflicts(cfg);
    if (broken.length > 0) {
      const msg = `cannot apply checks/services: services created through the API would break: ${broken.join('; ')}`;
      this.reloadGauge.success(false);
      this.configStatus = { ...this.configStatus, ok: false };
      logger.error({ err: msg }, 'cannot reload config; keeping the running one');
      return msg;
    }
    const old = this.config;
    for (const key of restartOnlyChanges(old, cfg)) {
      logger.warn({ key }, `${key} changes take effect after a restart`);
    }
    logger.level = cfg.logging.level;
    this.store.applyConfig(cfg.storage.tsdb);
    this.deps.remoteWrite = cfg.ingest.remote_write;
    this.deps.otlp = cfg.ingest.otlp;
    this.security.apply(cfg);
    if (this.store.isReady) await this.collection.apply(cfg);
    if (this.store.isReady) await this.self.apply(cfg, new URL(this.url).host);
    await this.provisionDashboards(cfg);
    this.config = cfg;
    await this.rules.apply(cfg, ruleSet);
    this.alerting.apply(alertingCfg);
    this.health.setGuard(this.security.guard);
    if (this.store.isReady) await this.health.apply(cfg);
    await this.logs?.apply(cfg);
    this.configStatus = { ok: true, loadedAt: new Date() };
    this.reloadGauge.success(true);
    logger.info({ config_file: settings.source.file ?? null }, 'config reloaded');
    return undefined;
  }

  /** `global.external_url`, else the address we listen on (links in alerts). */
  externalURL(): string {
    return externalUrl(
      this.config,
      os.hostname(),
      this.url ? Number(new URL(this.url).port) : 9470,
    );
  }

  /** The config currently applied. */
  get currentConfig(): ArgusConfig {
    return this.config;
  }

  /**
   * Stops accepting, lets in-flight requests finish, closes the store (flushing its WAL) and
   * releases the lock; resolves `done` with `code`. Forces exit code 1 past the timeout.
   */
  shutdown(reason: string, code = 0): Promise<number> {
    if (this.shuttingDown) return this.done;
    this.shuttingDown = true;
    const { logger } = this.opts;
    const timeoutMs = this.opts.shutdownTimeoutMs ?? 9000;
    logger.info({ reason, timeout_ms: timeoutMs }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeout_ms: timeoutMs }, 'shutdown timed out; forcing exit');
      this.resolveDone(1);
    }, timeoutMs);
    void this.close(code).then((exit) => {
      clearTimeout(timer);
      logger.info({ code: exit }, 'shutdown complete');
      this.resolveDone(exit);
    });
    return this.done;
  }

  private async close(code: number): Promise<number> {
    let exit = code;
    // Every part is stopped even when an earlier one fails: a part left running (a timer, the
    // log store's worker threads) would keep the process alive.
    const steps: [string, () => unknown][] = [
      // Live streams never go idle: end them, or closing the server waits for them.
      ['live', () => this.live.close()],
      ['http', () => this.app.close()],
      ['collection', () => this.collection.stop()],
      ['self-metrics', () => this.self.stop()],
      ['rules', () => this.rules.stop()],
      ['health', () => this.health.stop()],
      ['logs', () => this.logs?.stop()],
      ['alerting', () => this.alerting.stop()],
      ['store', () => this.store.close()],
      ['security', () => this.security.close()],
    ];
    for (const [part, stop] of steps) {
      try {
        await stop();
      } catch (err) {
        this.opts.logger.error({ err: errorChain(err), part }, 'error during shutdown');
        exit = 1;
      }
    }
    await this.lock.release().catch(() => undefined);
    return exit;
  }
}
