import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ArgusError } from '../util/index.js';
import { encodeInput, encodeSealed, type EncodeInput, type JoinedChunk } from './chunk-encode.js';
import type { EncodeJob, EncodeReply } from './chunk-worker.js';
import type { ChunkData, ChunkFormat } from './types.js';
import { workerEntry } from './worker-entry.js';

/** A chunk could not be encoded by the pool (worker died, pool closed, encoder failed). */
export class ChunkEncodeError extends ArgusError {}

interface Pending {
  resolve: (r: { data: Uint8Array; bloom: Uint8Array }) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Encodes sealed chunks (codec + token bloom) in worker threads, off the request path (ADR 0005
 * §3). Jobs go to the worker with the fewest pending jobs. A worker that dies rejects its pending
 * jobs with a `ChunkEncodeError` and is replaced. `threads: 0` (or no worker entry, e.g. a
 * bundled build) encodes inline on the calling thread.
 */
export class ChunkEncoderPool {
  readonly threads: number;
  private readonly entry: URL | undefined;
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(opts: { threads?: number } = {}) {
    this.entry = workerEntry('chunk-worker');
    // Two workers even on two cores: the main thread idles between batches (WAL fsync, network),
    // and a second worker soaks that up, so sealing keeps up with ingest (measured in P1).
    const cores = availableParallelism();
    const want = opts.threads ?? (cores >= 2 ? Math.max(2, cores - 1) : 1);
    this.threads = this.entry ? want : 0;
    for (let i = 0; i < this.threads; i++) this.slots.push(this.spawn());
  }

  /** Whether jobs run in worker threads (false: inline). */
  get usesWorkers(): boolean {
    return this.threads > 0;
  }

  encode(c: ChunkData, format: ChunkFormat): Promise<{ data: Uint8Array; bloom: Uint8Array }> {
    return this.submit(encodeInput(c, format), []);
  }

  /**
   * A q4 chunk given joined as UTF-8 bytes: its ts and text buffers move to the worker (the
   * caller hands over fresh, exact-size buffers and does not use them afterwards).
   */
  encodeJoined(j: JoinedChunk): Promise<{ data: Uint8Array; bloom: Uint8Array }> {
    const moved: ArrayBuffer[] = [];
    for (const a of [j.ts, j.text])
      if (typeof a !== 'string' && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength)
        moved.push(a.buffer as ArrayBuffer);
    return this.submit({ joined: j }, moved);
  }

  private submit(
    input: EncodeInput,
    transfer: ArrayBuffer[],
  ): Promise<{ data: Uint8Array; bloom: Uint8Array }> {
    if (this.closed)
      return Promise.reject(new ChunkEncodeError('cannot encode log chunk: encoder pool closed'));
    if (this.slots.length === 0) {
      try {
        return Promise.resolve(encodeSealed(input));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    let slot = this.slots[0];
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      if (slot.pending.size === 1) slot.worker.ref();
      slot.worker.postMessage({ id, ...input } satisfies EncodeJob, transfer);
    });
  }

  /** Terminates the workers; pending jobs reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
    for (const s of slots) this.fail(s, 'encoder pool closed');
  }

  /** Test hook: terminates worker `i` as if it had crashed. */
  async crashWorkerForTest(i = 0): Promise<void> {
    await this.slots[i]?.worker.terminate();
  }

  private spawn(): Slot {
    const entry = this.entry as URL;
    // Under tsx (tests) the inherited loader flags do not apply to a worker's entry, so the
    // worker registers tsx's loader itself, then imports the .ts entry.
    const worker = entry.pathname.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
            `.then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); })`,
          { eval: true },
        )
      : new Worker(entry);
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (r: EncodeReply) => {
      const p = slot.pending.get(r.id);
      if (!p) return;
      slot.pending.delete(r.id);
      if (slot.pending.size === 0) worker.unref();
      if ('error' in r) p.reject(new ChunkEncodeError(`cannot encode log chunk: ${r.error}`));
      else p.resolve({ data: r.data, bloom: r.bloom });
    });
    worker.on('error', (err) => this.replace(slot, `encoder worker failed: ${err.message}`));
    worker.on('exit', (code) => this.replace(slot, `encoder worker exited with code ${code}`));
    return slot;
  }

  private replace(slot: Slot, why: string): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return; // already replaced, or closing
    this.slots.splice(i, 1, ...(this.closed ? [] : [this.spawn()]));
    this.fail(slot, why);
  }

  private fail(slot: Slot, why: string): void {
    for (const p of slot.pending.values())
      p.reject(new ChunkEncodeError(`cannot encode log chunk: ${why}`));
    slot.pending.clear();
  }
}
