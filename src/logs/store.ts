/**
 * The embedded log store (ADR 0005): the head and its WAL, sealing into chunks, the chunk
 * store, live tail and the background loops. Implements the log seams of `storage`.
 */
import { join } from 'node:path';
import type { Labels, Matcher, TenantId } from '../model/index.js';
import {
  StorageUnavailableError,
  type LogAppendable,
  type LogAppender,
  type LogEntry,
  type LogQuerier,
  type LogQueryable,
  type LogTailable,
} from '../storage/index.js';
import { Wal } from '../tsdb/index.js';
import { errorChain, nopLogger, type Logger } from '../util/index.js';
import { ChunkEncoderPool } from './chunk-pool.js';
import { FileChunkStore } from './chunk-store.js';
import { outOfOrderWindowMs, type LogsStoreConfig } from './config.js';
import { decodeLogRecord } from './head-wal.js';
import { HeadReplay } from './head-replay.js';
import { Head } from './head.js';
import {
  RateBucket,
  checkStreamLabels,
  defaultLogLimits,
  streamLimitError,
  type LogLimits,
} from './limits.js';
import { commitBatch, type PendingStream } from './store-commit.js';
import { makeLogQuerier } from './store-query.js';
import { Sealer } from './store-seal.js';
import type { ChunkEncoder } from './store-encoder.js';
import { TailRegistry } from './tail.js';
import type { ChunkStore, RetentionPolicy } from './types.js';

export interface LogStoreOptions {
  /** The WAL goes in `<dir>/wal`, chunks (when no chunkStore is given) in `<dir>/chunks`. */
  dir: string;
  config: LogsStoreConfig;
  /** Per-tenant limits; default `defaultLogLimits()` for everyone. */
  limits?: (tenant: TenantId) => LogLimits;
  /** The retention policy now (read at each retention run); none = nothing is dropped. */
  retention?: () => RetentionPolicy;
  logger?: Logger;
  /** Wall clock in ms (tests move it). */
  now?: () => number;
  /** Where sealed chunks go; default a FileChunkStore in `<dir>/chunks`, closed by close(). */
  chunkStore?: ChunkStore;
  /** How chunks are encoded; default a ChunkEncoderPool of its own (worker threads), closed by close(). */
  encoder?: ChunkEncoder;
  /** WAL segment size; default 64 MiB. */
  walSegmentSize?: number;
  /** The WAL is checkpointed once it holds more than this and twice the head; default 16 MiB. */
  walCheckpointBytes?: number;
  /**
   * Commits wait while more than this many raw bytes are cut and not yet in the chunk store
   * (sealing slower than ingestion); default 64 MiB.
   */
  maxSealBacklogBytes?: number;
  /** How often open chunks are checked for age and idleness; default min(10 s, idle/2); 0 = never. */
  sealCheckIntervalMs?: number;
}

export interface LogStoreStats {
  headStreams: number;
  headEntries: number;
  /** Raw line bytes held by the head (open and sealing chunks). */
  headBytes: number;
  /** Chunks cut from the head and not yet durable in the chunk store. */
  sealingChunks: number;
  /** Raw bytes of those chunks (commits wait above maxSealBacklogBytes). */
  sealingBytes: number;
  sealedChunks: number;
  sealErrors: number;
  walBytes: number;
  walSegments: number;
  truncatedLines: number;
  rejectedEntries: number;
  tailSubscribers: number;
  chunkStore: ReturnType<ChunkStore['stats']>;
}

export class LogStore implements LogAppendable, LogQueryable, LogTailable {
  private readonly head = new Head();
  private readonly tails: TailRegistry;
  private readonly buckets = new Map<TenantId, RateBucket>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly bg = new AbortController();
  private readonly sealer: Sealer;
  private readonly ownEncoder: ChunkEncoderPool | null;
  private readonly limitsOf: (t: TenantId) => LogLimits;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly maxBacklog: number;
  private retentionRun: Promise<void> | null = null;
  private compactionRun: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  readonly counters = { truncatedLines: 0, rejectedEntries: 0 };

  private constructor(
    private readonly opts: LogStoreOptions,
    private readonly wal: Wal,
    readonly chunkStore: ChunkStore,
    private readonly ownsStore: boolean,
  ) {
    this.log = opts.logger ?? nopLogger;
    this.now = opts.now ?? Date.now;
    this.maxBacklog = opts.maxSealBacklogBytes ?? 64 * 2 ** 20;
    const fallback = defaultLogLimits();
    this.limitsOf = opts.limits ?? (() => fallback);
    this.tails = new TailRegistry(this.log);
    this.ownEncoder = opts.encoder === undefined ? new ChunkEncoderPool() : null;
    this.sealer = new Sealer({
      head: this.head,
      wal,
      chunkStore,
      encoder: opts.encoder ?? this.ownEncoder!,
      config: opts.config,
      log: this.log,
      now: this.now,
      walCheckpointBytes: opts.walCheckpointBytes ?? 16 * 2 ** 20,
    });
  }

  /** Opens (creating) the store: replays the WAL into the head, then starts the loops. */
  static async open(opts: LogStoreOptions): Promise<LogStore> {
    const log = opts.logger ?? nopLogger;
    const owns = opts.chunkStore === undefined;
    const chunkStore =
      opts.chunkStore ??
      (await FileChunkStore.open({ dir: join(opts.dir, 'chunks'), logger: log, now: opts.now }));
    let wal: Wal;
    try {
      wal = await Wal.open({
        dir: join(opts.dir, 'wal'),
        fsync: opts.config.wal.fsync,
        segmentSize: opts.walSegmentSize ?? 64 * 2 ** 20,
        logger: log,
      });
    } catch (err) {
      if (owns) await chunkStore.close();
      throw err;
    }
    const store = new LogStore(opts, wal, chunkStore, owns);
    try {
      await store.replay();
    } catch (err) {
      await store.ownEncoder?.close();
      await wal.close();
      if (owns) await chunkStore.close();
      throw err;
    }
    store.startLoops();
    return store;
  }

  private async replay(): Promise<void> {
    const start = performance.now();
    const r = new HeadReplay(this.log);
    const ws = await this.wal.replay((rec) => r.add(decodeLogRecord(rec)));
    const res = r.build(this.head, this.chunkStore, this.now(), this.opts.config.chunk_target_size);
    this.log.info(
      { ...res, walRecords: ws.records, durationMs: Math.round(performance.now() - start) },
      'log store: WAL replayed into the head',
    );
    if (res.merged > 0) await this.sealer.checkpointNow();
    if (res.resealPieces > 0) void this.sealer.kick();
  }

  private startLoops(): void {
    const c = this.opts.config;
    const every = (ms: number, fn: () => void): void => {
      if (ms > 0) this.timers.push(setInterval(fn, ms).unref());
    };
    every(
      this.opts.sealCheckIntervalMs ?? Math.max(100, Math.min(10_000, c.chunk_idle_period / 2)),
      () => void this.sealer.kick(),
    );
    every(c.retention_interval, () => void this.runRetention());
    every(c.compaction_interval, () => void this.runCompaction());
  }

  logAppender(tenant: TenantId): LogAppender {
    const pending = new Map<string, PendingStream>();
    let created = 0;
    let done = false;
    const use = (): void => {
      if (done)
        throw new StorageUnavailableError(
          'cannot use log appender: already committed or rolled back',
        );
    };
    return {
      append: (labels: Labels, entries: readonly LogEntry[]) => {
        use();
        const key = labels.toString();
        let p = pending.get(key);
        if (!p) {
          if (this.head.get(tenant, key) === undefined) {
            const limits = this.limitsOf(tenant);
            checkStreamLabels(labels, limits);
            const have = this.head.streamCount(tenant) + created;
            if (limits.maxStreams > 0 && have >= limits.maxStreams)
              throw streamLimitError(tenant, have, limits.maxStreams);
            created++;
          }
          pending.set(key, (p = { key, labels, parts: [] }));
        }
        p.parts.push(entries);
      },
      commit: async () => {
        use();
        done = true;
        if (this.closing !== null)
          throw new StorageUnavailableError('cannot commit logs: the log store is closed');
        if (this.head.sealingBytes > this.maxBacklog) {
          await this.sealer.waitForBacklog(this.maxBacklog);
          if (this.closing !== null)
            throw new StorageUnavailableError('cannot commit logs: the log store is closed');
        }
        let bucket = this.buckets.get(tenant);
        if (!bucket) this.buckets.set(tenant, (bucket = new RateBucket()));
        const run = commitBatch(
          {
            head: this.head,
            wal: this.wal,
            tails: this.tails,
            config: this.opts.config,
            oooWindowMs: outOfOrderWindowMs(this.opts.config),
            limits: this.limitsOf(tenant),
            bucket,
            nowMs: this.now(),
          },
          tenant,
          pending.values(),
        );
        // commitBatch took what it needs before its first await: drop the entries now, so
        // they are garbage while the WAL write waits for its fsync.
        pending.clear();
        const res = await run;
        this.counters.truncatedLines += res.result.truncated;
        this.counters.rejectedEntries += res.result.rejected.length;
        if (res.sealDue) void this.sealer.kick();
        return res.result;
      },
      rollback: () => {
        done = true;
      },
    };
  }

  logQuerier(tenant: TenantId): LogQuerier {
    return makeLogQuerier(this.head, this.chunkStore, tenant);
  }

  tailLogs(
    tenant: TenantId,
    matchers: readonly Matcher[],
    onBatch: (labels: Labels, entries: readonly LogEntry[]) => void,
  ): () => void {
    return this.tails.subscribe(tenant, matchers, onBatch);
  }

  /** Seals every open chunk and waits until all are durable in the chunk store. */
  async flush(): Promise<void> {
    await this.sealer.flush();
  }

  /** Checkpoints the WAL now (dropping what the chunk store holds); normally automatic. */
  async checkpointWal(): Promise<void> {
    await this.sealer.checkpointNow();
  }

  /** Applies the retention policy now (also run every retention_interval). */
  runRetention(): Promise<void> {
    this.retentionRun ??= (async () => {
      const policy = this.opts.retention?.();
      if (!policy) return;
      try {
        const r = await this.chunkStore.applyRetention(policy, this.now());
        if (r.droppedChunks > 0) this.log.info(r, 'log store: retention dropped chunks');
      } catch (err) {
        this.log.warn({ err: errorChain(err) }, 'log store: retention failed');
      }
    })().finally(() => (this.retentionRun = null));
    return this.retentionRun;
  }

  /** Runs compaction now (also run every compaction_interval). */
  runCompaction(): Promise<void> {
    this.compactionRun ??= (async () => {
      try {
        const r = await this.chunkStore.compact(this.bg.signal);
        if (r.rewrittenChunks > 0) this.log.info(r, 'log store: compaction rewrote chunks');
      } catch (err) {
        if (!this.bg.signal.aborted)
          this.log.warn({ err: errorChain(err) }, 'log store: compaction failed');
      }
    })().finally(() => (this.compactionRun = null));
    return this.compactionRun;
  }

  stats(): LogStoreStats {
    let headStreams = 0;
    let headEntries = 0;
    let headBytes = 0;
    let sealingChunks = 0;
    for (const s of this.head.streams()) {
      headStreams++;
      if (s.open) {
        headEntries += s.open.n;
        headBytes += s.open.rawBytes;
      }
      for (const g of s.sealing)
        for (const p of g.pieces)
          if (!p.durable) {
            sealingChunks++;
            headEntries += p.n;
            headBytes += p.rawBytes;
          }
    }
    const w = this.wal.stats();
    return {
      headStreams,
      headEntries,
      headBytes,
      sealingChunks,
      sealingBytes: this.head.sealingBytes,
      sealedChunks: this.sealer.sealedChunks,
      sealErrors: this.sealer.errors,
      walBytes: w.bytes,
      walSegments: w.segments,
      truncatedLines: this.counters.truncatedLines,
      rejectedEntries: this.counters.rejectedEntries,
      tailSubscribers: this.tails.size,
      chunkStore: this.chunkStore.stats(),
    };
  }

  /** Stops the loops, finishes sealing in progress, closes the WAL (and owned chunk store). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const t of this.timers) clearInterval(t);
      this.bg.abort();
      await this.sealer.stop();
      await Promise.allSettled([this.retentionRun, this.compactionRun]);
      await this.wal.close();
      await this.ownEncoder?.close();
      if (this.ownsStore) await this.chunkStore.close();
    })();
    return this.closing;
  }
}
