import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Registry } from 'prom-client';
import { InvalidTenantError, tenantId, type Matcher, type TenantId } from '../model/index.js';
import {
  StorageUnavailableError,
  type Appendable,
  type Appender,
  type AppendResult,
  type MetadataStore,
  type MetricMetadata,
  type Querier,
  type Queryable,
} from '../storage/index.js';
import { errorChain, type Logger } from '../util/index.js';
import { snapshotBlocks, writeBlock } from './block/index.js';
import type { TsdbConfig } from './config.js';
import { TenantDb } from './db.js';
import { compactTenant, headSeries, type CompactResult } from './db-compact.js';
import { limitsFromConfig } from './limits.js';
import { registerTsdbMetrics } from './metrics.js';
import { collectStats, headStatsOf, type HeadStats, type TsdbStats } from './stats.js';

export interface TsdbOptions {
  /** Root directory: `<dir>/<tenant>/…` and `<dir>/snapshots/`. */
  dir: string;
  config: TsdbConfig;
  logger: Logger;
  /** Metrics are registered here when given. */
  registry?: Registry;
  /** Wall clock (ms); injectable for tests. */
  now?: () => number;
  /** Background compaction period (ms); 0 disables the loop (tests call compactNow()). */
  compactionIntervalMs?: number;
  /**
   * Persist closed head chunks (`<tenant>/chunks_head/`) so a restart replays only the WAL
   * samples after them (default true; false leaves existing files unused and untouched).
   */
  headChunks?: boolean;
  /** Size at which a head chunk file is closed off (default 128 MiB; tests use small ones). */
  headChunkFileSize?: number;
  /**
   * Each tenant's own series budget (the server wires `TenantLimits.for(t).max_series`);
   * the lower of it and `limits.max_series_per_tenant` applies; 0 = none of its own.
   */
  maxSeriesFor?: (tenant: TenantId) => number;
  /**
   * Called after every commit that stored samples (live views: the server pushes a tick to
   * open UIs). Must be cheap and must not throw.
   */
  onCommit?: (tenant: TenantId, result: AppendResult) => void;
}

const SNAPSHOTS_DIR = 'snapshots';
/** Delay of the first compaction pass after open (ms). */
const FIRST_PASS_MS = 1000;
const DEFAULT_COMPACTION_INTERVAL_MS = 60_000;

/**
 * The embedded time-series store: one head + WAL + blocks per tenant under `<dir>/<tenant>/`.
 * Tenants found on disk are loaded at `open()`; others are created on their first append.
 * Implements the storage seams (Appendable, Queryable, MetadataStore).
 */
export class Tsdb implements Appendable, Queryable, MetadataStore {
  private readonly tenants = new Map<TenantId, TenantDb>();
  private config: TsdbConfig;
  private ready = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private firstPass: NodeJS.Timeout | null = null;
  private compacting: Promise<void> | null = null;
  /** Counters not kept per tenant. */
  readonly counters = { compactions: 0, compactionsFailed: 0, replayDurationMs: 0 };
  private readonly now: () => number;

  constructor(private readonly opts: TsdbOptions) {
    this.config = opts.config;
    this.now = opts.now ?? Date.now;
    if (opts.registry !== undefined) registerTsdbMetrics(opts.registry, this);
  }

  get isReady(): boolean {
    return this.ready && !this.closed;
  }

  /** Loads every tenant on disk (blocks, WAL replay), then starts the background loop. */
  async open(): Promise<void> {
    const start = performance.now();
    await mkdir(this.opts.dir, { recursive: true });
    for (const e of await readdir(this.opts.dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name === SNAPSHOTS_DIR) continue;
      let t: TenantId;
      try {
        t = tenantId(e.name);
      } catch {
        this.opts.logger.warn({ dir: e.name }, 'ignoring a directory that is not a tenant');
        continue;
      }
      const db = this.newTenant(t);
      await db.open();
    }
    this.counters.replayDurationMs = performance.now() - start;
    this.ready = true;
    const every = this.opts.compactionIntervalMs ?? DEFAULT_COMPACTION_INTERVAL_MS;
    if (every > 0) {
      this.timer = setInterval(() => void this.compactNow(), every);
      this.timer.unref();
      // A first pass soon after start: a head replayed after a long stop may already be due for
      // a block cut or retention, which should not wait a whole interval.
      this.firstPass = setTimeout(() => void this.compactNow(), Math.min(every, FIRST_PASS_MS));
      this.firstPass.unref();
    }
    this.opts.logger.info(
      { tenants: this.tenants.size, durationMs: Math.round(this.counters.replayDurationMs) },
      'tsdb open',
    );
  }

  private newTenant(t: TenantId): TenantDb {
    const db = new TenantDb({
      dir: path.join(this.opts.dir, t),
      tenant: t,
      config: this.config,
      limits: limitsFromConfig(this.config, this.opts.maxSeriesFor),
      logger: this.opts.logger,
      now: this.now,
      headChunks: this.opts.headChunks,
      headChunkFileSize: this.opts.headChunkFileSize,
    });
    this.tenants.set(t, db);
    return db;
  }

  /** Throws StorageUnavailableError unless open and not closed (reads and writes alike). */
  private mustBeReady(verb: string): void {
    if (!this.isReady) {
      throw new StorageUnavailableError(
        `cannot ${verb}: the store is ${this.closed ? 'closed' : 'not ready (WAL replay in progress)'}`,
      );
    }
  }

  /** The tenant's db, created (and its WAL opened in the background) on first use. */
  private tenantForWrite(t: TenantId): TenantDb {
    this.mustBeReady('append');
    let db = this.tenants.get(t);
    if (db === undefined) {
      if (t === SNAPSHOTS_DIR) {
        throw new InvalidTenantError(
          `invalid tenant id "${t}": reserved for the snapshots directory`,
        );
      }
      db = this.newTenant(t);
      db.open().catch((err: unknown) => {
        this.opts.logger.error({ tenant: t, err: errorChain(err) }, 'cannot open tenant store');
      });
    }
    return db;
  }

  appender(tenant: TenantId): Appender {
    const a = this.tenantForWrite(tenant).appender();
    const hook = this.opts.onCommit;
    if (hook === undefined) return a;
    // Only commit is wrapped (once per batch): append, the per-sample hot path, stays the
    // appender's own method.
    const commit = a.commit.bind(a);
    a.commit = async () => {
      const r = await commit();
      if (r.appended > 0) hook(tenant, r);
      return r;
    };
    return a;
  }

  /**
   * Throws StorageUnavailableError while the WAL replays (or after close): an empty answer then
   * would look like "no data" rather than "ask again later".
   */
  querier(tenant: TenantId, mint: number, maxt: number): Querier {
    this.mustBeReady('query');
    const db = this.tenants.get(tenant);
    if (db === undefined) return EMPTY_QUERIER;
    return db.querier(mint, maxt);
  }

  setMetadata(tenant: TenantId, metric: string, md: MetricMetadata): void {
    this.tenantForWrite(tenant).setMetadata(metric, md);
  }

  getMetadata(tenant: TenantId, metric?: string): Map<string, MetricMetadata> {
    return this.tenants.get(tenant)?.getMetadata(metric) ?? new Map<string, MetricMetadata>();
  }

  /** Applies live-changeable settings: retention, limits (fsync and block duration need a restart). */
  applyConfig(cfg: TsdbConfig): void {
    this.config = cfg;
    const limits = limitsFromConfig(cfg, this.opts.maxSeriesFor);
    for (const db of this.tenants.values()) db.head.limits = limits;
  }

  /**
   * Runs one compaction pass over every tenant (head → blocks, merges, retention). Never two
   * at once: a call during a pass waits for it and returns. Errors are logged and counted.
   */
  compactNow(): Promise<void> {
    this.compacting ??= this.runCompaction().finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  /** Results of the last pass per tenant (tests and debugging). */
  lastCompaction = new Map<TenantId, CompactResult>();

  private async runCompaction(): Promise<void> {
    if (!this.isReady) return;
    const cfg = {
      blockDuration: this.config.block_duration,
      retentionMs: this.config.retention_time,
      retentionBytes: this.config.retention_size,
    };
    for (const db of this.tenants.values()) {
      if (this.closed) return;
      if (db.openWal === null) continue; // still opening
      try {
        db.head.gcUncommitted();
        const res = await compactTenant(db, cfg);
        this.lastCompaction.set(db.tenant, res);
        if (res.headBlocks.length + res.merged.length + res.deleted.length > 0) {
          this.counters.compactions++;
          this.opts.logger.info(
            {
              tenant: db.tenant,
              headBlocks: res.headBlocks.map((m) => m.ulid),
              merged: res.merged.map((m) => m.ulid),
              deleted: res.deleted,
            },
            'tsdb compaction done',
          );
        }
      } catch (err) {
        this.counters.compactionsFailed++;
        this.opts.logger.error(
          { tenant: db.tenant, err: errorChain(err) },
          'tsdb compaction failed',
        );
      }
    }
  }

  /**
   * Writes a consistent copy of every tenant's blocks to `<dir>/snapshots/<name>/<tenant>/`
   * (hard links), plus the head written as a block when `withHead`. Returns the name.
   */
  async snapshot(withHead: boolean): Promise<string> {
    if (!this.isReady) throw new StorageUnavailableError('cannot snapshot: the store is not ready');
    const name = snapshotName(this.now());
    const root = path.join(this.opts.dir, SNAPSHOTS_DIR, name);
    await mkdir(root, { recursive: true });
    for (const db of this.tenants.values()) {
      const dir = path.join(root, db.tenant);
      await snapshotBlocks([...db.blocks], dir);
      const h = db.head;
      if (withHead && h.maxT !== -Infinity) {
        await writeBlock(
          dir,
          { minTime: h.minT, maxTime: h.maxT + 1 },
          headSeries(h, h.minT, h.maxT + 1),
        );
      }
    }
    return name;
  }

  /** Stops the loop, waits for a running compaction, flushes and closes every tenant. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.firstPass !== null) clearTimeout(this.firstPass);
    this.firstPass = null;
    await this.compacting;
    for (const db of this.tenants.values()) {
      try {
        await db.close();
      } catch (err) {
        this.opts.logger.error(
          { tenant: db.tenant, err: errorChain(err) },
          'cannot close tenant store',
        );
      }
    }
  }

  stats(): TsdbStats {
    return collectStats(this.tenants.values(), this.counters);
  }

  /** One tenant's head figures; undefined when the tenant has no data here. */
  headStats(t: TenantId): HeadStats | undefined {
    const db = this.tenants.get(t);
    return db ? headStatsOf(db) : undefined;
  }

  /** The tenant directories' data, for tests. */
  tenantDb(t: TenantId): TenantDb | undefined {
    return this.tenants.get(t);
  }
}

function snapshotName(now: number): string {
  const iso = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, 'Z');
  return `${iso}-${Math.floor(Math.random() * 0xffffffff)
    .toString(16)
    .padStart(8, '0')}`;
}

const EMPTY_QUERIER: Querier = {
  select: (_m: readonly Matcher[]) => [],
  labelNames: () => [],
  labelValues: () => [],
  close() {},
};
