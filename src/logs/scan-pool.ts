import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LineFilter } from '../storage/index.js';
import { ArgusError } from '../util/index.js';
import type { ScanResult } from './chunk-scan.js';
import type { ScanJob, ScanReply } from './scan-worker.js';
import { workerEntry } from './worker-entry.js';

/** A chunk could not be scanned in a worker (bad bytes, worker died, pool closed). */
export class ChunkScanError extends ArgusError {}

interface Pending {
  resolve: (r: ScanResult) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Filters encoded chunks in worker threads (decompression is most of a filtered read), so a
 * query uses every core: the main thread reads the next chunks from disk while the workers
 * decompress and scan. Workers are unref'd while idle (they never keep the process alive) and
 * stop after `idleMs` without work; a crashed worker fails its jobs and is replaced on demand.
 */
export class ScanPool {
  private readonly entry = workerEntry('scan-worker');
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private idle: NodeJS.Timeout | undefined;

  /** Workers to use (0: scan inline); changeable between queries (benchmarks, tests). */
  threads: number;

  constructor(
    threads = availableParallelism(),
    private readonly idleMs = 30_000,
  ) {
    this.threads = threads;
  }

  /** Whether jobs can run in workers here (false: call `scanChunkBytes` inline). */
  get available(): boolean {
    return this.entry !== undefined && this.threads > 0;
  }

  scan(
    bytes: Uint8Array,
    filters: readonly LineFilter[],
    start: bigint,
    end: bigint,
    inRange: boolean,
  ): Promise<ScanResult> {
    while (this.slots.length < this.threads) this.slots.push(this.spawn());
    clearTimeout(this.idle);
    let slot = this.slots[0];
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    // Move the bytes when they own their whole ArrayBuffer (not a slice of Node's pool).
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      if (slot.pending.size === 1) slot.worker.ref();
      slot.worker.postMessage(
        { id, filters, bytes, start, end, inRange } satisfies ScanJob,
        own ? [bytes.buffer as ArrayBuffer] : [],
      );
    });
  }

  /** Terminates the workers; pending jobs reject. */
  async close(): Promise<void> {
    clearTimeout(this.idle);
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
    for (const s of slots) this.fail(s, 'scan pool closed');
  }

  private spawn(): Slot {
    const entry = this.entry as URL;
    // Under tsx (tests) the worker registers tsx's loader itself (see chunk-pool.ts).
    const worker = entry.pathname.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
            `.then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); })`,
          { eval: true },
        )
      : new Worker(entry);
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (r: ScanReply) => {
      const p = slot.pending.get(r.id);
      if (!p) return;
      slot.pending.delete(r.id);
      if (slot.pending.size === 0) {
        worker.unref();
        this.armIdle();
      }
      if ('error' in r) p.reject(new ChunkScanError(r.error));
      else p.resolve({ data: { ts: r.ts, lines: r.lines, fields: r.fields }, entries: r.entries });
    });
    worker.on('error', (err) => this.drop(slot, `scan worker failed: ${err.message}`));
    worker.on('exit', (code) => this.drop(slot, `scan worker exited with code ${code}`));
    return slot;
  }

  private armIdle(): void {
    if (this.slots.some((s) => s.pending.size > 0)) return;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => void this.close(), this.idleMs);
    this.idle.unref();
  }

  private drop(slot: Slot, why: string): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    this.fail(slot, why);
  }

  private fail(slot: Slot, why: string): void {
    for (const p of slot.pending.values())
      p.reject(new ChunkScanError(`cannot scan log chunk: ${why}`));
    slot.pending.clear();
  }
}

/** The process's scan pool, shared by every querier (workers start on first use). */
export const logScanPool = new ScanPool();
