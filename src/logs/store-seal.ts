/**
 * Sealing: open chunks due (size, age, idle) are cut into seal groups, encoded, recorded in the
 * WAL (the seal record goes first, so a replay can tell which entries the chunk store may
 * hold), handed to the chunk store, and then released from the head in the same tick the store
 * confirms them. Afterwards the WAL may be checkpointed: the checkpoint is a snapshot of what
 * the head holds that the chunk store does not (docs/format/logs-wal.md).
 */
import { StorageUnavailableError } from '../storage/index.js';
import type { Wal } from '../tsdb/index.js';
import { errorChain, type Logger } from '../util/index.js';
import type { LogsStoreConfig } from './config.js';
import { encodeChunkEntries, encodeSeal, encodeStream } from './head-wal.js';
import {
  pieceData,
  type Head,
  type HeadChunk,
  type HeadStream,
  type Piece,
  type SealGroup,
} from './head.js';
import type { ChunkEncoder } from './store-encoder.js';
import type { ChunkStore, SealedChunk } from './types.js';

export interface SealerDeps {
  head: Head;
  wal: Wal;
  chunkStore: ChunkStore;
  encoder: ChunkEncoder;
  config: LogsStoreConfig;
  log: Logger;
  now: () => number;
  walCheckpointBytes: number;
}

interface Item {
  s: HeadStream;
  g: SealGroup;
}

/** Raw line bytes per entries record in a checkpoint snapshot. */
const SNAPSHOT_RECORD_BYTES = 4 * 2 ** 20;

export class Sealer {
  sealedChunks = 0;
  errors = 0;
  private lastError: unknown = null;
  private run: Promise<void> | null = null;
  private again = false;
  private force = false;
  private stopped = false;

  constructor(private readonly d: SealerDeps) {}

  /** Starts a sealing pass unless one runs (then one more follows it). */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.run !== null) {
      this.again = true;
      return this.run;
    }
    this.run = this.loop().finally(() => {
      this.run = null;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.kick();
      }
    });
    return this.run;
  }

  /** Seals every open chunk and waits until the chunk store holds all of them. */
  async flush(): Promise<void> {
    this.force = true;
    while (this.run !== null) await this.run;
    this.force = true;
    this.lastError = null;
    await this.kick();
    for (const s of this.d.head.streams()) {
      if (s.open !== null || s.sealing.some((g) => g.pieces.some((p) => !p.durable))) {
        throw new StorageUnavailableError(
          `cannot flush the log store: stream ${s.labels.toString()} is not sealed: ${errorChain(this.lastError)}`,
          { cause: this.lastError },
        );
      }
    }
  }

  /**
   * Backpressure: resolves once the sealing backlog is at most `limit` bytes, sealing meanwhile.
   * Rejects (retryable) when a sealing pass fails while waiting: the chunk store is failing.
   */
  async waitForBacklog(limit: number): Promise<void> {
    while (this.d.head.sealingBytes > limit && !this.stopped) {
      const errors = this.errors;
      await this.kick();
      if (this.errors !== errors) {
        throw new StorageUnavailableError(
          `cannot commit logs: ${this.d.head.sealingBytes} bytes wait to be sealed (limit ${limit}) and sealing fails: ${errorChain(this.lastError)}`,
          { cause: this.lastError },
        );
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    while (this.run !== null) await this.run;
  }

  private async loop(): Promise<void> {
    for (;;) {
      const items = this.collect(this.force);
      this.force = false;
      if (items.length === 0 || this.stopped) return;
      if (!(await this.seal(items))) return;
      if (this.checkpointDue()) await this.checkpoint();
    }
  }

  /**
   * A checkpoint rewrites what the head holds, so it is due once the WAL is past the threshold
   * and at least twice the head: the WAL stays within max(threshold, 2 × head) and each
   * checkpoint follows at least a head's worth of new WAL.
   */
  private checkpointDue(): boolean {
    const wal = this.d.wal.stats().bytes;
    if (wal <= this.d.walCheckpointBytes) return false;
    let head = 0;
    for (const s of this.d.head.streams()) {
      if (s.open !== null) head += s.open.rawBytes;
      for (const g of s.sealing) for (const p of g.pieces) head += p.rawBytes;
    }
    return wal > 2 * head;
  }

  /** Cuts due open chunks and returns every group not yet durable nor in progress. */
  private collect(force: boolean): Item[] {
    const c = this.d.config;
    const now = this.d.now();
    const out: Item[] = [];
    for (const s of this.d.head.streams()) {
      const o = s.open;
      if (
        o !== null &&
        (force ||
          o.rawBytes >= c.chunk_target_size ||
          now - o.openedMs >= c.max_chunk_age ||
          now - s.lastAppendMs >= c.chunk_idle_period)
      ) {
        this.d.head.cut(s, c.chunk_target_size);
      }
      for (const g of s.sealing) if (!g.busy) out.push({ s, g });
      if (s.open === null && now - s.lastAppendMs >= c.chunk_idle_period)
        this.d.head.forgetIfEmpty(s);
    }
    return out;
  }

  /** Seals `items`; false (logged) when it failed, the groups stay in the head for a retry. */
  private async seal(items: Item[]): Promise<boolean> {
    for (const it of items) it.g.busy = true;
    try {
      const todo: { s: HeadStream; p: Piece }[] = [];
      for (const { s, g } of items) for (const p of g.pieces) if (!p.durable) todo.push({ s, p });
      const enc = await Promise.all(todo.map((t) => this.encode(t.p)));
      await this.d.wal.write(
        items.map(({ s, g }) =>
          encodeSeal({
            id: s.id,
            seqEnd: g.seqEnd,
            pieces: g.pieces.map((p) => ({ mint: p.mint, maxt: p.maxt, entries: p.n })),
          }),
        ),
      );
      const chunks: SealedChunk[] = todo.map(({ s, p }, i) => ({
        tenant: s.tenant,
        labels: s.labels,
        mint: p.mint,
        maxt: p.maxt,
        entries: p.n,
        rawBytes: p.rawBytes,
        format: 'q4',
        data: enc[i].data,
        bloom: enc[i].bloom,
      }));
      if (chunks.length > 0) await this.d.chunkStore.add(chunks);
      // Same tick as the store's confirmation: queries see each entry in exactly one place
      // (store-query.ts also drops store chunks that match a piece still in the head).
      for (const t of todo) t.p.durable = true;
      for (const { s, g } of items) this.d.head.release(s, g);
      this.sealedChunks += chunks.length;
      return true;
    } catch (err) {
      this.errors++;
      this.lastError = err;
      this.d.log.warn({ err: errorChain(err) }, 'log store: sealing chunks failed; will retry');
      return false;
    } finally {
      for (const it of items) it.g.busy = false;
    }
  }

  /** Encodes a piece: its bytes as the head holds them, strings only for multi-line records. */
  private encode(p: Piece): Promise<{ data: Uint8Array; bloom: Uint8Array }> {
    const e = this.d.encoder;
    if (e.encodeJoined === undefined || p.multiline) return e.encode(pieceData(p), 'q4');
    return e.encodeJoined({
      ts: p.tsArray(),
      text: p.joined(),
      fields: p.anyFields ? p.fields : null,
    });
  }

  /** Checkpoints the WAL now, waiting for a sealing pass in progress first. */
  async checkpointNow(): Promise<void> {
    while (this.run !== null) await this.run;
    await this.checkpoint();
  }

  /**
   * Cuts the WAL and replaces everything before the new segment by a snapshot of the head.
   * The snapshot is taken in the reaction to the cut: every write queued before the cut has
   * resolved (and its commit applied, see store-commit.ts) and none after it has.
   */
  private async checkpoint(): Promise<void> {
    let extra: Uint8Array[] = [];
    const seg = await this.d.wal.cut().then((n) => {
      extra = this.snapshot();
      return n;
    });
    // The snapshot is all that is still needed: the replaced segments are not even read.
    await this.d.wal.checkpoint(seg - 1, null, extra);
  }

  private snapshot(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const s of this.d.head.streams()) {
      out.push(encodeStream({ id: s.id, tenant: s.tenant, labels: s.labels, nextSeq: s.nextSeq }));
      for (const g of s.sealing) {
        for (const p of g.pieces) pushChunk(out, s.id, Math.min(g.seqStart, g.seqEnd - 1), p);
        out.push(
          encodeSeal({
            id: s.id,
            seqEnd: g.seqEnd,
            pieces: g.pieces.map((p) => ({ mint: p.mint, maxt: p.maxt, entries: p.n })),
          }),
        );
      }
      if (s.open !== null) pushChunk(out, s.id, s.open.seqStart, s.open);
    }
    return out;
  }
}

/** Entries records of a whole chunk (one sequence number: they are only compared to seqEnd). */
function pushChunk(out: Uint8Array[], id: number, firstSeq: number, c: HeadChunk): void {
  const n = c.n;
  let from = 0;
  while (from < n) {
    let to = from;
    let bytes = 0;
    while (to < n && (to === from || bytes < SNAPSHOT_RECORD_BYTES)) bytes += c.len[to++];
    out.push(encodeChunkEntries(id, firstSeq, c, from, to));
    from = to;
  }
}
