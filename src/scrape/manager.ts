import { createHash } from 'node:crypto';
import { Labels, tenantId, DEFAULT_TENANT, type TenantId } from '../model/index.js';
import { compileRelabel, relabel, type RelabelProgram } from '../relabel/index.js';
import type { Appendable, MetadataStore, MetricMetadata } from '../storage/index.js';
import { errorChain, type Logger } from '../util/index.js';
import type { ResolvedScrapeConfig } from './config.js';
import { JobDiscovery, type DiscoveryOptions, type TargetGroup } from './discovery.js';
import { ScrapeLoop, type FetchFn } from './loop.js';
import { buildTargets, type Target } from './targets.js';

/** One target as `/api/v1/targets` shows it. */
export interface TargetStatus {
  tenant: string;
  scrapePool: string;
  scrapeUrl: string;
  labels: Record<string, string>;
  discoveredLabels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrapeMs: number;
  lastScrapeDurationMs: number;
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
  /** Metric family → TYPE/HELP/UNIT, from the target's last successful scrape. */
  metadata: ReadonlyMap<string, MetricMetadata>;
}

interface Running {
  target: Target;
  loop: ScrapeLoop;
  timer?: NodeJS.Timeout;
  busy: boolean;
}

/** Where a target's scrapes fall within its interval: spread by a hash of its identity. */
export function scrapeOffset(key: string, intervalMs: number): number {
  const h = createHash('sha256').update(key).digest().readUInt32BE(0);
  return h % intervalMs;
}

export interface ManagerOptions {
  appendable: Appendable;
  /** Where scraped TYPE/HELP/UNIT go. */
  metadata?: MetadataStore;
  logger: Logger;
  now?: () => number;
  discovery?: Omit<DiscoveryOptions, 'logger'>;
  /** Tests: fetch bodies without HTTP. */
  fetch?: FetchFn;
}

/** One job: its discovery, targets and running scrape loops. */
class ScrapePool {
  private readonly running = new Map<string, Running>();
  private dropped: { discoveredLabels: Record<string, string> }[] = [];
  private readonly program: RelabelProgram;
  private readonly metricProgram: RelabelProgram;
  private readonly discovery: JobDiscovery;
  private limitError = '';
  private stopped = false;
  readonly tenant: TenantId;

  constructor(
    readonly cfg: ResolvedScrapeConfig,
    private readonly o: ManagerOptions,
  ) {
    this.tenant = cfg.tenant === undefined ? DEFAULT_TENANT : tenantId(cfg.tenant);
    this.program = compileRelabel(cfg.relabel_configs);
    this.metricProgram = compileRelabel(cfg.metric_relabel_configs);
    this.discovery = new JobDiscovery(cfg, (g) => this.sync(g), {
      ...o.discovery,
      logger: o.logger,
    });
  }

  start(): Promise<void> {
    return this.discovery.start();
  }

  private relabelFn = (l: Record<string, string>) => {
    const out = relabel(this.program, Labels.fromObject(l));
    return out === undefined ? undefined : out.toObject();
  };

  /** Starts loops for new targets and stops (with stale markers) those that went away. */
  private sync(groups: TargetGroup[]): void {
    if (this.stopped) return;
    const set = buildTargets(this.cfg, groups, this.relabelFn);
    this.dropped = set.dropped;
    const limit = this.cfg.target_limit;
    this.limitError =
      limit > 0 && set.active.length > limit
        ? `target_limit exceeded (${set.active.length} targets, limit ${limit})`
        : '';
    const want = new Map(set.active.map((t) => [targetKey(t), t]));
    const now = this.now();
    for (const [key, r] of this.running) {
      if (want.has(key)) continue;
      this.running.delete(key);
      clearTimeout(r.timer);
      void r.loop.stop(now);
    }
    for (const [key, t] of want) {
      if (this.running.has(key)) continue;
      const loop = new ScrapeLoop({
        cfg: this.cfg,
        targetLabels: Labels.fromObject(t.labels),
        url: t.url,
        timeoutMs: t.scrapeTimeoutMs,
        appendable: this.o.appendable,
        metadata: this.o.metadata,
        tenant: this.tenant,
        metricRelabel: this.metricProgram,
        logger: this.o.logger,
        fetch: this.o.fetch,
      });
      const r: Running = { target: t, loop, busy: false };
      this.running.set(key, r);
      this.schedule(key, r);
    }
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Next scrape at the target's offset within its interval; never two at once. */
  private schedule(key: string, r: Running): void {
    if (this.stopped) return;
    const iv = r.target.scrapeIntervalMs;
    const now = this.now();
    const offset = scrapeOffset(key, iv);
    let next = Math.floor(now / iv) * iv + offset;
    if (next <= now) next += iv;
    r.timer = setTimeout(() => void this.tick(key, r, next), next - now);
    r.timer.unref();
  }

  private async tick(key: string, r: Running, t: number): Promise<void> {
    if (this.stopped || this.running.get(key) !== r) return;
    if (!r.busy) {
      r.busy = true;
      try {
        if (this.limitError !== '') await r.loop.fail(t, this.limitError);
        else await r.loop.scrape(t);
      } catch (err) {
        this.o.logger.error({ err: errorChain(err), url: r.target.url }, 'scrape failed');
      } finally {
        r.busy = false;
      }
    }
    this.schedule(key, r);
  }

  statuses(): TargetStatus[] {
    return [...this.running.values()].map((r) => ({
      tenant: this.tenant,
      scrapePool: this.cfg.job_name,
      scrapeUrl: r.target.url,
      labels: r.target.labels,
      discoveredLabels: r.target.discoveredLabels,
      health: r.loop.last?.health ?? 'unknown',
      lastError: r.loop.last?.error ?? '',
      lastScrapeMs: r.loop.lastScrapeMs,
      lastScrapeDurationMs: r.loop.last?.durationMs ?? 0,
      scrapeIntervalMs: r.target.scrapeIntervalMs,
      scrapeTimeoutMs: r.target.scrapeTimeoutMs,
      metadata: r.loop.metadata,
    }));
  }

  droppedTargets() {
    return this.dropped.map((d) => ({ tenant: this.tenant, scrapePool: this.cfg.job_name, ...d }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.discovery.stop();
    const now = this.now();
    const loops = [...this.running.values()];
    this.running.clear();
    for (const r of loops) clearTimeout(r.timer);
    await Promise.all(loops.map((r) => r.loop.stop(now)));
  }
}

function targetKey(t: Target): string {
  return `${t.url}\u0000${JSON.stringify(Object.entries(t.labels).sort())}`;
}

/**
 * Runs every scrape job of the config: `apply()` with a new config stops jobs that went away
 * or changed (stale-marking their series) and starts new ones; unchanged jobs keep running.
 */
export class ScrapeManager {
  private readonly pools = new Map<string, { json: string; pool: ScrapePool }>();

  constructor(private readonly o: ManagerOptions) {}

  async apply(configs: readonly ResolvedScrapeConfig[]): Promise<void> {
    const next = new Map(configs.map((c) => [c.job_name, c]));
    for (const [name, p] of this.pools) {
      const c = next.get(name);
      if (c !== undefined && JSON.stringify(c) === p.json) continue;
      this.pools.delete(name);
      await p.pool.stop();
    }
    for (const [name, c] of next) {
      if (this.pools.has(name)) continue;
      const pool = new ScrapePool(c, this.o);
      this.pools.set(name, { json: JSON.stringify(c), pool });
      await pool
        .start()
        .catch((err: unknown) =>
          this.o.logger.error({ err: errorChain(err), job: name }, 'cannot start scrape job'),
        );
    }
  }

  /** Active targets (optionally of one tenant). */
  activeTargets(tenant?: string): TargetStatus[] {
    return [...this.pools.values()]
      .flatMap((p) => p.pool.statuses())
      .filter((t) => tenant === undefined || t.tenant === tenant);
  }

  droppedTargets(tenant?: string) {
    return [...this.pools.values()]
      .flatMap((p) => p.pool.droppedTargets())
      .filter((t) => tenant === undefined || t.tenant === tenant);
  }

  async stop(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.pool.stop()));
  }
}
