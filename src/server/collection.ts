import { HostCollector, type HostConfig } from '../hostmetrics/index.js';
import type { Registry } from 'prom-client';
import { PushRegistry } from '../ingest/push/index.js';
import { resolveScrapeConfigs, ScrapeManager } from '../scrape/index.js';
import type { Appendable, MetadataStore } from '../storage/index.js';
import { errorChain, type Logger } from '../util/index.js';
import { collectionMetrics } from './collection-metrics.js';
import type { ArgusConfig } from './config.js';

// WIRING: what collects metrics inside the server: the host collector and the scrape jobs.

/**
 * Starts collection once the store is ready and re-applies the config on reload: scrape jobs
 * by diff (unchanged jobs keep running), the host collector restarted when its section changes.
 */
export class Collection {
  readonly scrape: ScrapeManager;
  readonly push: PushRegistry;
  private pushTimer: NodeJS.Timeout | undefined;
  private host:
    | { json: string; abort: AbortController; done: Promise<void>; collector: HostCollector }
    | undefined;

  constructor(
    private readonly store: Appendable & MetadataStore,
    private readonly logger: Logger,
    pushFile?: string,
    registry?: Registry,
  ) {
    this.scrape = new ScrapeManager({ appendable: store, metadata: store, logger });
    this.push = new PushRegistry({ appendable: store, logger, file: pushFile });
    if (registry) collectionMetrics(registry, this.scrape, () => this.host?.collector.stats);
  }

  async apply(cfg: ArgusConfig): Promise<void> {
    await this.applyHost(cfg.collect.host);
    if (this.pushTimer === undefined) await this.push.load();
    clearInterval(this.pushTimer);
    // Pushed groups are re-written every interval, as a Prometheus scraping a Pushgateway would.
    this.pushTimer = setInterval(() => void this.push.tick(), cfg.ingest.push.interval);
    this.pushTimer.unref();
    await this.scrape
      .apply(resolveScrapeConfigs(cfg.global, cfg.scrape_configs))
      .catch((err: unknown) =>
        this.logger.error({ err: errorChain(err) }, 'cannot apply scrape_configs'),
      );
  }

  private async applyHost(h: HostConfig): Promise<void> {
    const json = JSON.stringify(h);
    if (this.host?.json === json) return;
    await this.stopHost();
    if (!h.enabled) return;
    const collector = new HostCollector({
      config: h,
      appendable: this.store,
      metadata: this.store,
      logger: this.logger,
    });
    const abort = new AbortController();
    const done = collector.run(abort.signal).catch((err: unknown) => {
      this.logger.error({ err: errorChain(err) }, 'host collector stopped');
    });
    this.host = { json, abort, done, collector };
    this.logger.info(
      { interval_ms: h.interval, job: h.job },
      'host collector started (node_exporter-compatible metrics)',
    );
  }

  private async stopHost(): Promise<void> {
    const h = this.host;
    this.host = undefined;
    if (!h) return;
    h.abort.abort();
    await h.done;
  }

  async stop(): Promise<void> {
    clearInterval(this.pushTimer);
    await Promise.all([this.stopHost(), this.scrape.stop(), this.push.flush()]);
  }
}
