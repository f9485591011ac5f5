import { statfsSync } from 'node:fs';
import { Gauge, type Registry } from 'prom-client';
import { DEFAULT_TENANT, Labels } from '../model/index.js';
import { compileRelabel } from '../relabel/index.js';
import {
  resolveScrapeConfigs,
  scrapeConfigSchema,
  ScrapeLoop,
  type ScrapeReport,
} from '../scrape/index.js';
import type { Appendable, MetadataStore } from '../storage/index.js';
import { errorChain, type Logger } from '../util/index.js';
import type { ArgusConfig } from './config.js';

// WIRING: Argus's own registry → the default tenant, as Prometheus scrapes itself. The body
// goes through the scrape loop (parser, staleness, `up`, `scrape_*`) with an in-process fetch.

/** The job label of Argus's own series (the built-in rules select on it). */
export const SELF_JOB = 'argus';

/** Cancels a scheduled repetition. */
export type Cancel = () => void;

export interface SelfCollectorOptions {
  registry: Registry;
  appendable: Appendable;
  /** Where TYPE/HELP of Argus's families go (for /api/v1/metadata). */
  metadata?: MetadataStore;
  logger: Logger;
  /** The data dir whose file system the disk gauges describe. */
  dataDir: string;
  /** Runs `fn` every `ms` (tests: a hand-driven timer). Default setInterval, unref'd. */
  every?: (fn: () => void, ms: number) => Cancel;
  now?: () => number;
}

function every(fn: () => void, ms: number): Cancel {
  const t = setInterval(fn, ms);
  t.unref();
  return () => clearInterval(t);
}

/**
 * `argus_data_dir_free_bytes` / `argus_data_dir_size_bytes`: the data dir's file system, read
 * at /metrics time (the disk-nearly-full rule divides them). Registers once per registry.
 */
export function registerDataDirMetrics(registry: Registry, dataDir: string): void {
  if (registry.getSingleMetric('argus_data_dir_free_bytes')) return;
  // A statfs is one cheap syscall: read synchronously at render time (no async collect).
  const read = (): { free: number; size: number } | undefined => {
    try {
      const s = statfsSync(dataDir);
      return { free: s.bavail * s.bsize, size: s.blocks * s.bsize };
    } catch {
      return undefined; // no value rather than a wrong one (the dir may be gone)
    }
  };
  // Labelled, so a failed statfs shows no sample (an unlabelled gauge would read 0 bytes free).
  const labels = { path: dataDir };
  new Gauge({
    name: 'argus_data_dir_free_bytes',
    help: 'Bytes available to Argus on the file system of its data directory.',
    labelNames: ['path'],
    registers: [registry],
    collect() {
      const s = read();
      this.reset();
      if (s) this.set(labels, s.free);
    },
  });
  new Gauge({
    name: 'argus_data_dir_size_bytes',
    help: 'Size in bytes of the file system of the data directory.',
    labelNames: ['path'],
    registers: [registry],
    collect() {
      const s = read();
      this.reset();
      if (s) this.set(labels, s.size);
    },
  });
}

interface Running {
  json: string;
  loop: ScrapeLoop;
  cancel: Cancel;
  /** The collection in flight, if any (stop waits for it before writing stale markers). */
  inflight: Promise<unknown> | undefined;
}

/**
 * Stores Argus's own metrics in the default tenant every `collect.self.interval`, with
 * `job="argus"` and `instance` = the address Argus listens at, plus `up` and `scrape_*`.
 */
export class SelfCollector {
  private running: Running | undefined;

  constructor(private readonly o: SelfCollectorOptions) {
    registerDataDirMetrics(o.registry, o.dataDir);
  }

  /**
   * Starts, restarts (changed interval or instance) or stops collection as `cfg.collect.self`
   * says. The first collection runs at once.
   */
  async apply(cfg: ArgusConfig, instance: string): Promise<void> {
    const c = cfg.collect.self;
    const json = JSON.stringify({ ...c, instance });
    if (c.enabled && this.running?.json === json) return;
    await this.stop();
    if (!c.enabled) return;
    const job = scrapeConfigSchema.parse({ job_name: SELF_JOB });
    // Limits of `global:` are for scraped targets: Argus's own body is not held to them.
    const [resolved] = resolveScrapeConfigs(
      {
        ...cfg.global,
        scrape_interval: c.interval,
        scrape_timeout: c.interval,
        body_size_limit: 0,
        sample_limit: 0,
        label_limit: 0,
        label_name_length_limit: 0,
        label_value_length_limit: 0,
        target_limit: 0,
      },
      [job],
    );
    const { registry } = this.o;
    const loop = new ScrapeLoop({
      cfg: resolved,
      targetLabels: Labels.fromObject({ job: SELF_JOB, instance }),
      url: `self://${instance}/metrics`,
      timeoutMs: c.interval,
      appendable: this.o.appendable,
      metadata: this.o.metadata,
      tenant: DEFAULT_TENANT,
      metricRelabel: compileRelabel([]),
      logger: this.o.logger,
      fetch: async () => ({
        body: Buffer.from(await registry.metrics()),
        contentType: registry.contentType,
      }),
    });
    const r: Running = { json, loop, cancel: () => undefined, inflight: undefined };
    this.running = r;
    r.cancel = (this.o.every ?? every)(() => void this.tick(r), c.interval);
    this.o.logger.info({ interval_ms: c.interval, instance }, 'self-monitoring collector started');
    await this.tick(r);
  }

  /** One collection (skipped while the previous one still runs). */
  private tick(r: Running): Promise<ScrapeReport | undefined> {
    if (r.inflight !== undefined || this.running !== r) return Promise.resolve(undefined);
    const p = this.collect(r).finally(() => (r.inflight = undefined));
    r.inflight = p;
    return p;
  }

  private async collect(r: Running): Promise<ScrapeReport | undefined> {
    try {
      const report = await r.loop.scrape((this.o.now ?? Date.now)());
      if (report.health === 'down')
        this.o.logger.warn({ err: report.error }, 'cannot store Argus metrics');
      return report;
    } catch (err) {
      this.o.logger.warn({ err: errorChain(err) }, 'cannot store Argus metrics');
      return undefined;
    }
  }

  /** The last collection's report (undefined before the first one, or when stopped). */
  get last(): ScrapeReport | undefined {
    return this.running?.loop.last;
  }

  /** Stops collecting; Argus's series get stale markers. */
  async stop(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    if (!r) return;
    r.cancel();
    await r.inflight;
    // After the last collection even within the same millisecond (a same-time marker is refused).
    await r.loop.stop(Math.max((this.o.now ?? Date.now)(), r.loop.lastScrapeMs + 1));
  }
}
