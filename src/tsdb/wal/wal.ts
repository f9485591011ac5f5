/**
 * The write-ahead log: ordered, checksummed record batches in numbered segment files, made
 * durable per the fsync mode (see docs/format/wal.md for the format and what each mode can lose).
 */
import { rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorChain } from '../../util/index.js';
import { checkRecord, checkpointName, encodeBatch, HEADER_SIZE, segmentName } from './format.js';
import { WalUsageError, WalWriteError } from './errors.js';
import { writeCheckpoint, type CheckpointFilter } from './wal-checkpoint.js';
import {
  createLogFile,
  listDir,
  syncDir,
  truncateDurably,
  writeAll,
  type SegmentRef,
  type WalLogger,
} from './wal-files.js';
import { dropAfterGap, repairTail } from './wal-repair.js';
import {
  replayFiles,
  type CorruptionReport,
  type ProgressFn,
  type RecordFn,
  type ReplayStats,
} from './wal-replay.js';

export type FsyncMode = 'batch' | 'always' | 'none';

export interface WalOptions {
  dir: string;
  /** A segment is cut before a write() batch would grow it past this. Default 128 MiB. */
  segmentSize?: number;
  /** Default 'batch' (group commit). */
  fsync?: FsyncMode;
  /**
   * batch: how long an idle WAL may wait to gather more writers before its writev + fsync
   * (capped at the last fsync's duration). Default 2.
   */
  fsyncDelayMs?: number;
  logger?: WalLogger;
}

export interface WalStats {
  /** Segment files, the active one included. */
  segments: number;
  /** Bytes in segment files and the checkpoint. */
  bytes: number;
  fsyncs: number;
  /** Completed write() calls. */
  writes: number;
  lastFsyncMs: number;
}

type Item =
  | { kind: 'write'; buf: Buffer; resolve: () => void; reject: (e: Error) => void }
  | { kind: 'cut'; resolve: (n: number) => void; reject: (e: Error) => void };

const MIN_SEGMENT_SIZE = 64;
const nopLog: WalLogger = { info() {}, warn() {} };

export class Wal {
  private queue: Item[] = [];
  private loop: Promise<void> | null = null;
  private failed: Error | null = null;
  private closing: Promise<void> | null = null;
  /** write()/cut() calls accepted since open: replay repairs the log only while this is 0. */
  private calls = 0;
  private fsyncs = 0;
  private writes = 0;
  private lastFsyncMs = 0;
  private checkpointBytes = 0;

  private constructor(
    readonly dir: string,
    private readonly segmentSize: number,
    private readonly mode: FsyncMode,
    private readonly delayMs: number,
    private readonly log: WalLogger,
    /** Segment files in order; the last is the active one. */
    private segs: SegmentRef[],
    private checkpointIndex: number | null,
    private fh: FileHandle,
    /** Damage repaired by open(), reported by the first replay(). */
    private openDamage: CorruptionReport | undefined,
  ) {}

  /** Opens (creating) the WAL dir, repairs a damaged tail, and starts a new active segment. */
  static async open(opts: WalOptions): Promise<Wal> {
    const segmentSize = opts.segmentSize ?? 128 * 2 ** 20;
    const mode = opts.fsync ?? 'batch';
    const delayMs = opts.fsyncDelayMs ?? 2;
    const log = opts.logger ?? nopLog;
    if (!Number.isInteger(segmentSize) || segmentSize < MIN_SEGMENT_SIZE) {
      throw new WalUsageError(
        `cannot open WAL: segmentSize ${segmentSize}, want an integer >= ${MIN_SEGMENT_SIZE}`,
      );
    }
    if (mode !== 'batch' && mode !== 'always' && mode !== 'none') {
      throw new WalUsageError(
        `cannot open WAL: fsync mode "${String(mode)}", want batch, always or none`,
      );
    }
    if (!(delayMs >= 0))
      throw new WalUsageError(`cannot open WAL: fsyncDelayMs ${delayMs}, want >= 0`);
    const { segments, checkpoint, checkpointBytes } = await listDir(opts.dir, log);
    let damage = await dropAfterGap(opts.dir, segments, checkpoint, log);
    const tail = await repairTail(opts.dir, segments, log);
    damage = tail ?? damage;
    const next =
      segments.length > 0
        ? segments[segments.length - 1].index + 1
        : checkpoint !== null
          ? checkpoint + 1
          : 0;
    const fh = await createLogFile(join(opts.dir, segmentName(next)), opts.dir, mode !== 'none');
    segments.push({ index: next, size: HEADER_SIZE });
    const wal = new Wal(
      opts.dir,
      segmentSize,
      mode,
      delayMs,
      log,
      segments,
      checkpoint,
      fh,
      damage,
    );
    wal.checkpointBytes = checkpointBytes;
    return wal;
  }

  /** Index of the segment writes currently go to. */
  get activeSegment(): number {
    return this.segs[this.segs.length - 1].index;
  }

  /**
   * Appends `records` as one batch, after every earlier write() and cut(). Resolves once the
   * batch is durable per the fsync mode; a batch is replayed all-or-nothing. The records are
   * copied before this returns, so the caller may reuse them.
   */
  write(records: Uint8Array[]): Promise<void> {
    if (this.failed !== null) {
      return Promise.reject(
        new WalWriteError(`cannot write WAL: ${errorChain(this.failed)}`, { cause: this.failed }),
      );
    }
    if (this.closing !== null)
      return Promise.reject(new WalWriteError('cannot write WAL: it is closed'));
    if (records.length === 0)
      return Promise.reject(new WalWriteError('cannot write WAL: no records'));
    for (let i = 0; i < records.length; i++) {
      const why = checkRecord(records[i]);
      if (why !== null)
        return Promise.reject(new WalWriteError(`cannot write WAL record ${i}: ${why}`));
    }
    const buf = encodeBatch(records);
    this.calls++;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'write', buf, resolve, reject });
      this.kick();
    });
  }

  /** Closes the active segment after all earlier writes and starts the next; returns its index. */
  cut(): Promise<number> {
    if (this.failed !== null) {
      return Promise.reject(
        new WalWriteError(`cannot cut WAL segment: ${errorChain(this.failed)}`, {
          cause: this.failed,
        }),
      );
    }
    if (this.closing !== null)
      return Promise.reject(new WalWriteError('cannot cut WAL segment: WAL is closed'));
    this.calls++;
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ kind: 'cut', resolve, reject });
      this.kick();
    });
  }

  /**
   * Calls `fn` for every record of the checkpoint (if any), then of each segment after it, in
   * log order. `rec` is a view into the file's read buffer, which is never
   * overwritten; keeping a view pins that buffer (up to a segment), so copy what you keep long. Damage ends the valid log;
   * before any write() or cut() the log is repaired there (damaged segment truncated, later
   * segments deleted), afterwards only reported. MUST NOT run concurrently with checkpoint().
   */
  async replay(fn: RecordFn, progress?: ProgressFn): Promise<ReplayStats> {
    const start = performance.now();
    const repairable = this.calls === 0;
    const segs = this.segs.map((s) => ({ ...s }));
    const out = await replayFiles(this.dir, this.checkpointIndex, segs, fn, progress, this.log);
    const stats: ReplayStats = { records: out.records, bytes: out.bytes, durationMs: 0 };
    let corrupted: CorruptionReport | undefined = out.checkpointDamage ?? this.openDamage;
    this.openDamage = undefined;
    if (out.damage !== undefined) {
      const d = out.damage;
      const later = segs.slice(d.pos + 1);
      corrupted = {
        segment: d.index,
        offset: d.validEnd,
        droppedBytes: d.size - d.validEnd,
        droppedSegments: later.length,
        reason: d.reason,
      };
      if (repairable && this.calls === 0) {
        this.log.warn(
          corrupted,
          'WAL is damaged; truncated it there and deleted the later segments',
        );
        await this.cutLogAt(d.pos, d.validEnd);
      } else {
        this.log.warn(corrupted, 'WAL is damaged; not repaired because writes have started');
      }
    }
    if (corrupted !== undefined) stats.corrupted = corrupted;
    stats.durationMs = performance.now() - start;
    this.log.info(
      { records: stats.records, bytes: stats.bytes, durationMs: Math.round(stats.durationMs) },
      'WAL replayed',
    );
    return stats;
  }

  /**
   * Replaces the previous checkpoint and segments <= `upToSegment` by `checkpoint.<upToSegment>`
   * holding `extra` and then the records `filter` keeps (or rewrites), in log order; then deletes
   * what it replaced. `filter` null keeps none, without reading the replaced files (the caller's
   * `extra` says everything still needed). `upToSegment` MUST be before the active segment (call
   * cut() first).
   */
  async checkpoint(
    upToSegment: number,
    filter: CheckpointFilter | null,
    extra: Uint8Array[] = [],
  ): Promise<void> {
    const start = performance.now();
    if (this.closing !== null) throw new WalUsageError('cannot checkpoint WAL: it is closed');
    if (!Number.isInteger(upToSegment) || upToSegment >= this.activeSegment) {
      throw new WalUsageError(
        `cannot checkpoint WAL: segment ${upToSegment}, want one before the active segment ${this.activeSegment}`,
      );
    }
    if (this.checkpointIndex !== null && upToSegment <= this.checkpointIndex) {
      throw new WalUsageError(
        `cannot checkpoint WAL: segment ${upToSegment}, want one after the last checkpoint ${this.checkpointIndex}`,
      );
    }
    const covered = this.segs.filter((s) => s.index <= upToSegment);
    const prev = this.checkpointIndex;
    const res = await writeCheckpoint(
      this.dir,
      upToSegment,
      prev,
      covered,
      filter,
      extra,
      this.segmentSize,
      this.log,
    );
    this.checkpointIndex = upToSegment;
    this.checkpointBytes = res.bytes;
    this.segs = this.segs.filter((s) => s.index > upToSegment);
    for (const s of covered) await rm(join(this.dir, segmentName(s.index)), { force: true });
    if (prev !== null)
      await rm(join(this.dir, checkpointName(prev)), { recursive: true, force: true });
    this.log.info(
      {
        checkpoint: upToSegment,
        records: res.records,
        bytes: res.bytes,
        removedSegments: covered.length,
        durationMs: Math.round(performance.now() - start),
      },
      'WAL checkpoint written',
    );
  }

  stats(): WalStats {
    let bytes = this.checkpointBytes;
    for (const s of this.segs) bytes += s.size;
    return {
      segments: this.segs.length,
      bytes,
      fsyncs: this.fsyncs,
      writes: this.writes,
      lastFsyncMs: this.lastFsyncMs,
    };
  }

  /** Finishes queued writes and cuts, syncs and closes the active segment. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    while (this.loop !== null) await this.loop;
    try {
      if (this.failed === null) await this.fh.sync();
    } finally {
      await this.fh.close();
    }
  }

  private kick(): void {
    if (this.loop !== null) return;
    this.loop = this.run()
      .catch((err: unknown) => this.fail(err, []))
      .finally(() => {
        this.loop = null;
        // Items queued while the loop was finishing (none in practice: run() drains synchronously).
        if (this.queue.length > 0) this.kick();
      });
  }

  /** The single writer: drains the queue in order; never rejects. */
  private async run(): Promise<void> {
    if (this.mode === 'batch') await this.gather();
    while (this.queue.length > 0) {
      if (this.failed !== null) {
        this.rejectAll(this.queue.splice(0), this.failed);
        return;
      }
      const head = this.queue[0];
      if (head.kind === 'cut') {
        this.queue.shift();
        try {
          head.resolve(await this.newSegment());
        } catch (err) {
          this.fail(err, [head]);
        }
        continue;
      }
      const group = this.takeGroup();
      if (group === null) {
        // The next batch does not fit the non-empty active segment: cut first.
        try {
          await this.newSegment();
        } catch (err) {
          this.fail(err, []);
        }
        continue;
      }
      try {
        const seg = this.segs[this.segs.length - 1];
        seg.size += await writeAll(
          this.fh,
          group.map((g) => g.buf),
          seg.size,
        );
        if (this.mode !== 'none') await this.sync();
      } catch (err) {
        this.fail(err, group);
        continue;
      }
      this.writes += group.length;
      for (const g of group) g.resolve();
    }
  }

  /**
   * Waits for more writers to join the next flush: up to fsyncDelayMs, but never longer than the
   * last fsync took (waiting longer than an fsync costs more latency than a second fsync would).
   * Below timer resolution (1 ms) it only lets the current I/O and microtask turn finish.
   */
  private async gather(): Promise<void> {
    const wait = Math.min(this.delayMs, this.lastFsyncMs);
    await (wait >= 1 ? sleep(wait) : new Promise(setImmediate));
  }

  /** Leading write items that fit the active segment (at least one if it is empty), or null. */
  private takeGroup(): Extract<Item, { kind: 'write' }>[] | null {
    const q = this.queue;
    const max = this.mode === 'always' ? Math.min(1, q.length) : q.length;
    let size = this.segs[this.segs.length - 1].size;
    let n = 0;
    for (; n < max; n++) {
      const it = q[n];
      if (it.kind !== 'write') break;
      if (size + it.buf.length > this.segmentSize && size > HEADER_SIZE) break;
      size += it.buf.length;
    }
    // One splice, not a shift per item: the queue can hold thousands of writers under load.
    return n > 0 ? (q.splice(0, n) as Extract<Item, { kind: 'write' }>[]) : null;
  }

  private async sync(): Promise<void> {
    const t = performance.now();
    await this.fh.datasync();
    this.lastFsyncMs = performance.now() - t;
    this.fsyncs++;
  }

  private async newSegment(): Promise<number> {
    const next = this.activeSegment + 1;
    // Data already written is synced per write in durable modes; close() syncs for 'none'.
    await this.fh.close();
    this.fh = await createLogFile(
      join(this.dir, segmentName(next)),
      this.dir,
      this.mode !== 'none',
    );
    this.segs.push({ index: next, size: HEADER_SIZE });
    return next;
  }

  private fail(err: unknown, affected: Item[]): void {
    const cause = err instanceof Error ? err : new Error(String(err));
    const e = new WalWriteError(
      `cannot write WAL segment ${segmentName(this.activeSegment)}: ${cause.message}`,
      { cause },
    );
    this.failed ??= e;
    this.log.warn({ err: errorChain(e) }, 'WAL write failed; all later writes will fail');
    this.rejectAll(affected, e);
    this.rejectAll(this.queue.splice(0), this.failed);
  }

  private rejectAll(items: Item[], err: Error): void {
    for (const it of items) it.reject(err);
  }

  /**
   * Makes segment `segs[pos]` end at `validEnd` (removing it if its header is damaged), deletes
   * every later segment, and starts a fresh active segment after what is kept.
   */
  private async cutLogAt(pos: number, validEnd: number): Promise<void> {
    const damaged = this.segs[pos];
    const later = this.segs.slice(pos + 1);
    await this.fh.close();
    for (const s of later) await rm(join(this.dir, segmentName(s.index)), { force: true });
    const kept = this.segs.slice(0, pos);
    const path = join(this.dir, segmentName(damaged.index));
    if (validEnd < HEADER_SIZE) {
      await rm(path, { force: true });
    } else {
      await truncateDurably(path, validEnd);
      kept.push({ index: damaged.index, size: validEnd });
    }
    await syncDir(this.dir);
    const next =
      kept.length > 0
        ? kept[kept.length - 1].index + 1
        : this.checkpointIndex !== null
          ? this.checkpointIndex + 1
          : damaged.index;
    this.fh = await createLogFile(
      join(this.dir, segmentName(next)),
      this.dir,
      this.mode !== 'none',
    );
    kept.push({ index: next, size: HEADER_SIZE });
    this.segs = kept;
  }
}
