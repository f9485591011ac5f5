import { Worker } from 'node:worker_threads';
import { ArgusError } from '../util/index.js';
import { recodeColumnar } from './compact-recode.js';
import type { RecodeJob, RecodeReply } from './compact-worker.js';
import { workerEntry } from './worker-entry.js';

/** A chunk could not be re-encoded by the pool (worker died, pool closed, codec failed). */
export class CompactRecodeError extends ArgusError {}

interface Pending {
  resolve: (data: Uint8Array | null) => void;
  reject: (err: Error) => void;
}

/**
 * Re-encodes q4 chunks as columnar (`recodeColumnar`) in one worker thread, so compaction's
 * decode/encode/brotli never blocks ingest or queries; the main thread only reads, writes and
 * keeps the books. One thread on purpose: compaction is background work and must not take
 * more than a core from ingest. The worker is spawned on first use, unref'd while idle, and
 * replaced when it dies (its jobs reject). `threads: 0` (or no worker entry) runs inline.
 */
export class CompactPool {
  readonly threads: number;
  private readonly entry: URL | undefined;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(opts: { threads?: 0 | 1 } = {}) {
    this.entry = workerEntry('compact-worker');
    this.threads = this.entry ? (opts.threads ?? 1) : 0;
  }

  get usesWorkers(): boolean {
    return this.threads > 0;
  }

  /** Columnar bytes of q4 chunk `q4`, or null when they would not be smaller. */
  recode(q4: Uint8Array): Promise<Uint8Array | null> {
    if (this.closed)
      return Promise.reject(new CompactRecodeError('cannot recode log chunk: compact pool closed'));
    if (this.threads === 0) {
      try {
        return Promise.resolve(recodeColumnar(q4));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    const worker = (this.worker ??= this.spawn());
    const id = this.nextId++;
    // A private copy moves to the worker: `q4` may be a view of a larger, shared buffer.
    const data = new Uint8Array(q4);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, data } satisfies RecodeJob, [data.buffer]);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
    this.fail('compact pool closed');
  }

  /** Test hook: terminates the worker as if it had crashed. */
  async crashWorkerForTest(): Promise<void> {
    await this.worker?.terminate();
  }

  private spawn(): Worker {
    const entry = this.entry as URL;
    // Under tsx the worker registers tsx's loader itself, then imports the .ts entry.
    const worker = entry.pathname.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
            `.then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); })`,
          { eval: true },
        )
      : new Worker(entry);
    worker.unref();
    worker.on('message', (r: RecodeReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (this.pending.size === 0) worker.unref();
      if ('error' in r) p.reject(new CompactRecodeError(`cannot recode log chunk: ${r.error}`));
      else p.resolve(r.data);
    });
    const gone = (why: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined; // the next job spawns a fresh one
      this.fail(why);
    };
    worker.on('error', (err) => gone(`compact worker failed: ${err.message}`));
    worker.on('exit', (code) => gone(`compact worker exited with code ${code}`));
    return worker;
  }

  private fail(why: string): void {
    for (const p of this.pending.values())
      p.reject(new CompactRecodeError(`cannot recode log chunk: ${why}`));
    this.pending.clear();
  }
}

let shared: CompactPool | undefined;

/** The process-wide compaction pool (its idle worker never holds the process open). */
export function sharedCompactPool(): CompactPool {
  return (shared ??= new CompactPool());
}
