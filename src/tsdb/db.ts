import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TenantId } from '../model/index.js';
import {
  mergeQueriers,
  StorageUnavailableError,
  type MetricMetadata,
  type Querier,
} from '../storage/index.js';
import { errorChain, type Logger } from '../util/index.js';
import { type Block, openBlocks } from './block/index.js';
import type { TsdbConfig } from './config.js';
import { type ClosedChunk, Head } from './head.js';
import { HeadChunkWriter, loadHeadChunks, type LoadResult } from './headchunks/index.js';
import { HeadAppender, type CommitTarget } from './head-append.js';
import { HeadQuerier } from './head-read.js';
import { type HeadReplayResult, replayWal } from './head-replay.js';
import type { HeadLimits } from './limits.js';
import { encodeMetadata, type MetadataEntry, Wal } from './wal/index.js';

export interface TenantDbOptions {
  /** The tenant's directory: `<data dir>/<tenant>`. */
  dir: string;
  tenant: TenantId;
  config: TsdbConfig;
  limits: HeadLimits;
  logger: Logger;
  now: () => number;
  /** Persist closed head chunks to `chunks_head/` and load them at open (default true). */
  headChunks?: boolean;
  /** Size at which a head chunk file is closed off (tests use small ones). */
  headChunkFileSize?: number;
  /**
   * Also persist an open chunk each time it reaches a multiple of this many samples (a
   * partial chunk: restarts continue it instead of re-encoding those samples); 0 = never.
   */
  headChunkPartialEvery?: number;
}

/**
 * Default of `headChunkPartialEvery`: with 120-sample chunks, restarts re-encode at most 39
 * samples per series, for about twice the chunk bytes written (records of 40, 80 and 120
 * samples besides the closed chunk's).
 */
export const DEFAULT_PARTIAL_EVERY = 40;

/** Chunks closed by one commit, waiting for its WAL write. */
interface PendingChunks {
  closed: ClosedChunk[];
  done: boolean;
}

/**
 * One tenant's store: the head, its WAL and its blocks. Appenders commit through it
 * (CommitTarget); queriers merge the blocks overlapping the range with the head. Compaction
 * and retention live in db-compact.ts and operate on the fields exposed here.
 */
export class TenantDb implements CommitTarget {
  readonly head: Head;
  readonly tenant: TenantId;
  readonly dir: string;
  /** Blocks sorted by minTime; replaced (not mutated) so open queriers keep their list. */
  blocks: readonly Block[] = [];
  quarantined: string[] = [];
  replay: HeadReplayResult | undefined;
  walWriteErrors = 0;
  /** Writes closed head chunks (null when disabled, or until open() got that far). */
  chunkWriter: HeadChunkWriter | null = null;
  /** What open() found in head chunk files (figures only: the chunks belong to the head). */
  chunksLoad: Omit<LoadResult, 'chains' | 'files'> | undefined;
  /** Commits' closed chunks in commit order; persisted from the front once their WAL write is. */
  private chunkQueue: PendingChunks[] = [];
  private wal: Wal | null = null;
  private walFailure: Error | null = null;
  private closed = false;
  private pendingMetadata: MetadataEntry[] = [];
  private metadataFlush: NodeJS.Immediate | null = null;

  constructor(readonly opts: TenantDbOptions) {
    this.tenant = opts.tenant;
    this.dir = opts.dir;
    this.head = new Head(opts.config.block_duration, opts.limits);
  }

  private opening: Promise<void> | null = null;

  /**
   * Opens the blocks (quarantining damaged ones) and the WAL, and replays the WAL. A tenant
   * created on first append is used while this runs: its commits wait for the WAL.
   */
  open(): Promise<void> {
    this.opening ??= this.doOpen();
    return this.opening;
  }

  private async doOpen(): Promise<void> {
    const log = this.opts.logger;
    await mkdir(this.dir, { recursive: true });
    const res = openBlocks(this.dir, log);
    this.blocks = res.blocks;
    this.quarantined = res.quarantined;
    if (this.blocks.length > 0) {
      this.head.minValidTime = Math.max(...this.blocks.map((b) => b.meta.maxTime));
    }
    let chains: LoadResult['chains'] | null = null;
    if (this.opts.headChunks !== false) {
      const dir = path.join(this.dir, 'chunks_head');
      const loaded = await loadHeadChunks(dir, this.head.minValidTime, log, this.head.slabs.closed);
      // Refs in the files must never name another series, even if the WAL lost their record.
      this.head.reserveRef(loaded.maxRef);
      const writer = new HeadChunkWriter({
        dir,
        logger: log,
        files: loaded.files,
        maxFileSize: this.opts.headChunkFileSize,
      });
      await writer.truncate(this.head.minValidTime);
      this.head.trackClosedChunks();
      const { chains: c, files, ...figures } = loaded;
      this.chunksLoad = figures;
      if (figures.records > 0) {
        log.info(
          {
            tenant: this.tenant,
            files: files.length,
            ...figures,
            durationMs: Math.round(figures.durationMs),
            chains: c.size,
          },
          'head chunk files loaded',
        );
      }
      this.chunkWriter = writer;
      chains = c;
    }
    const wcfg = this.opts.config.wal;
    const wal = await Wal.open({
      dir: path.join(this.dir, 'wal'),
      segmentSize: wcfg.segment_size,
      fsync: wcfg.fsync,
      fsyncDelayMs: wcfg.fsync_delay,
      logger: log,
    });
    this.replay = await replayWal(this.head, wal, log, this.tenant, chains);
    this.wal = wal;
    if (this.chunkWriter !== null) {
      // Chunks closed by replay hold WAL samples only: durable already.
      for (const c of this.head.takeClosed() ?? []) {
        this.chunkWriter.add(c.ref, c.chunk, c.prevMaxT);
      }
      this.head.partialEvery = this.opts.headChunkPartialEvery ?? DEFAULT_PARTIAL_EVERY;
      this.drainChunks();
    }
  }

  /** The open WAL, once open() finished. */
  get openWal(): Wal | null {
    return this.wal;
  }

  now(): number {
    return this.opts.now();
  }

  checkWritable(): void {
    if (this.closed) {
      throw new StorageUnavailableError(
        `cannot append to tenant "${this.tenant}": the store is closed`,
      );
    }
    if (this.walFailure !== null) {
      throw new StorageUnavailableError(
        `cannot append to tenant "${this.tenant}": the WAL failed: ${errorChain(this.walFailure)}`,
        { cause: this.walFailure },
      );
    }
  }

  appender(): HeadAppender {
    return new HeadAppender(this);
  }

  async log(records: Uint8Array[], closed: ClosedChunk[] | null = null): Promise<void> {
    // Queued now, in commit order; persisted only once this write (and so every earlier one)
    // is durable: a closed chunk may hold samples of commits still in the group commit.
    const pending: PendingChunks | null = closed === null ? null : { closed, done: false };
    if (pending !== null) this.chunkQueue.push(pending);
    try {
      // Only a tenant created on first append may still be opening (its WAL starts empty).
      if (this.wal === null) await this.open();
      await this.wal!.write(records);
    } catch (err) {
      this.walWriteErrors++;
      // Later commits must fail too: the head may hold samples the WAL lost, and accepting a
      // retry of them as duplicates would acknowledge data that is not durable.
      this.walFailure ??= err instanceof Error ? err : new Error(String(err));
      throw new StorageUnavailableError(
        `cannot commit samples for tenant "${this.tenant}": ${errorChain(err)}`,
        {
          cause: err,
        },
      );
    }
    if (pending !== null) {
      pending.done = true;
      this.drainChunks();
    }
  }

  /** Hands the queue's leading committed entries to the chunk writer. */
  private drainChunks(): void {
    const w = this.chunkWriter;
    if (w === null) return;
    const q = this.chunkQueue;
    if (this.walFailure !== null) {
      q.length = 0;
      return;
    }
    let i = 0;
    for (; i < q.length && q[i].done; i++) {
      for (const c of q[i].closed) w.add(c.ref, c.chunk, c.prevMaxT);
    }
    if (i > 0) q.splice(0, i);
  }

  takeMetadataRecord(): Uint8Array | null {
    if (this.pendingMetadata.length === 0) return null;
    const rec = encodeMetadata(this.pendingMetadata);
    this.pendingMetadata = [];
    return rec;
  }

  setMetadata(metric: string, md: MetricMetadata): void {
    const cur = this.head.metadata.get(metric);
    if (cur !== undefined && cur.type === md.type && cur.help === md.help && cur.unit === md.unit)
      return;
    this.head.metadata.set(metric, { type: md.type, help: md.help, unit: md.unit });
    this.pendingMetadata.push({ metric, type: md.type, help: md.help, unit: md.unit });
    // Logged with the next commit, or on its own shortly after if no commit comes.
    this.metadataFlush ??= setImmediate(() => {
      this.metadataFlush = null;
      this.flushMetadata().catch((err: unknown) => {
        this.opts.logger.warn({ tenant: this.tenant, err: errorChain(err) }, 'cannot log metadata');
      });
    });
  }

  private async flushMetadata(): Promise<void> {
    if (this.closed || this.walFailure !== null) return;
    const rec = this.takeMetadataRecord();
    if (rec !== null) await this.log([rec]);
  }

  getMetadata(metric?: string): Map<string, MetricMetadata> {
    const all = this.head.metadata;
    if (metric === undefined) return new Map([...all].map(([k, v]) => [k, { ...v }]));
    const md = all.get(metric);
    return new Map(md ? [[metric, { ...md }]] : []);
  }

  /** Blocks overlapping [mint, maxt] (oldest first), then the head, merged. */
  querier(mint: number, maxt: number): Querier {
    const parts: Querier[] = [];
    for (const b of this.blocks) {
      // Block maxTime is exclusive.
      if (b.meta.maxTime > mint && b.meta.minTime <= maxt) parts.push(b.querier(mint, maxt));
    }
    parts.push(new HeadQuerier(this.head, mint, maxt));
    return mergeQueriers(parts);
  }

  /** Flushes metadata, closes the WAL (after pending writes), the head chunk files, the blocks. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.opening?.catch(() => {});
    if (this.metadataFlush !== null) {
      clearImmediate(this.metadataFlush);
      this.metadataFlush = null;
      await this.flushMetadata().catch(() => {});
    }
    this.closed = true;
    const wal = this.wal;
    if (wal !== null) await wal.close();
    this.drainChunks();
    await this.chunkWriter?.close();
    for (const b of this.blocks) b.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
