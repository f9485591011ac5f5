import type { FileHandle } from 'node:fs/promises';
import { Labels, type Matcher, type TenantId } from '../model/index.js';
import type { ChunkFormat, ChunkMeta } from './types.js';

/**
 * The chunk store's in-memory index: per tenant, streams with their live chunks (sorted by
 * mint) and label postings for equality matchers. Blooms stay in memory (they are what `find`,
 * which is synchronous, checks); chunk bytes stay on disk.
 */

/** A block as the store tracks it. */
export interface BlockState {
  tenant: TenantId;
  id: string;
  dir: string;
  chunks: ChunkEntry[];
  /** Indexes into `chunks` dropped by retention (durable in the tombstones file). */
  tombstones: Set<number>;
  /** Size of the chunks file. */
  bytes: number;
  minT: bigint;
  /** Reads in flight: a retired block's files go only when this reaches 0. */
  readers: number;
  /** Replaced (compaction) or fully dropped (retention): no longer in the index. */
  retired: boolean;
  fh: Promise<FileHandle> | undefined;
}

/** A chunk's index entry. Handed out as ChunkMeta: callers MUST NOT mutate it. */
export interface ChunkEntry extends ChunkMeta {
  block: BlockState;
  /** Position in `block.chunks`. */
  index: number;
  stream: StreamState;
  offset: number;
  crc: number;
  bloom: Uint8Array;
  /** q4 kept by compaction because columnar was not smaller: not retried. */
  settled: boolean;
  dropped: boolean;
}

export interface StreamState {
  labels: Labels;
  /** Live chunks, sorted by mint then ref. */
  chunks: ChunkEntry[];
}

export interface ChunkInit {
  ref: number;
  block: BlockState;
  index: number;
  labels: Labels;
  mint: bigint;
  maxt: bigint;
  entries: number;
  rawBytes: number;
  sizeBytes: number;
  format: ChunkFormat;
  offset: number;
  crc: number;
  bloom: Uint8Array;
  settled: boolean;
}

function byMint(a: ChunkEntry, b: ChunkEntry): number {
  return a.mint < b.mint ? -1 : a.mint > b.mint ? 1 : a.ref - b.ref;
}

export class TenantIndex {
  private readonly byKey = new Map<string, StreamState>();
  /** name → value → streams having that label value. */
  private readonly postings = new Map<string, Map<string, StreamState[]>>();
  readonly blocks = new Map<string, BlockState>();
  liveChunks = 0;
  liveBytes = 0;
  liveRaw = 0;
  liveEntries = 0;

  constructor(readonly tenant: TenantId) {}

  private stream(labels: Labels): StreamState {
    const key = labels.flat.join('\u0000');
    let s = this.byKey.get(key);
    if (s) return s;
    s = { labels, chunks: [] };
    this.byKey.set(key, s);
    for (let i = 0; i < labels.flat.length; i += 2) {
      let vals = this.postings.get(labels.flat[i]);
      if (!vals) this.postings.set(labels.flat[i], (vals = new Map<string, StreamState[]>()));
      const list = vals.get(labels.flat[i + 1]);
      if (list) list.push(s);
      else vals.set(labels.flat[i + 1], [s]);
    }
    return s;
  }

  /** Creates a live chunk entry and links it into its stream. */
  addChunk(init: ChunkInit): ChunkEntry {
    const stream = this.stream(init.labels);
    const c: ChunkEntry = {
      ref: init.ref,
      tenant: this.tenant,
      labels: stream.labels,
      mint: init.mint,
      maxt: init.maxt,
      entries: init.entries,
      rawBytes: init.rawBytes,
      sizeBytes: init.sizeBytes,
      format: init.format,
      block: init.block,
      index: init.index,
      stream,
      offset: init.offset,
      crc: init.crc,
      bloom: init.bloom,
      settled: init.settled,
      dropped: false,
    };
    const list = stream.chunks;
    list.push(c);
    // Chunks mostly arrive in time order: only sort when the new one is out of place.
    if (list.length > 1 && byMint(list[list.length - 2], c) > 0) list.sort(byMint);
    this.liveChunks++;
    this.liveBytes += c.sizeBytes;
    this.liveRaw += c.rawBytes;
    this.liveEntries += c.entries;
    return c;
  }

  /**
   * Unlinks chunks from their streams (dropped, or their block retired). Idempotent. One pass
   * per touched stream, so dropping many chunks of a long stream stays linear.
   */
  unlinkChunks(cs: Iterable<ChunkEntry>): void {
    const touched = new Set<StreamState>();
    for (const c of cs) {
      if (c.dropped) continue;
      c.dropped = true;
      touched.add(c.stream);
      this.liveChunks--;
      this.liveBytes -= c.sizeBytes;
      this.liveRaw -= c.rawBytes;
      this.liveEntries -= c.entries;
    }
    for (const s of touched) s.chunks = s.chunks.filter((c) => !c.dropped);
  }

  /** Streams matching every matcher (a missing label matches as ""), sorted by labels. */
  select(matchers: readonly Matcher[]): StreamState[] {
    let cands: Iterable<StreamState> | undefined;
    for (const m of matchers) {
      if (m.type !== '=' || m.value === '') continue;
      const list = this.postings.get(m.name)?.get(m.value);
      if (!list) return [];
      if (!cands || list.length < (cands as StreamState[]).length) cands = list;
    }
    const out: StreamState[] = [];
    for (const s of cands ?? this.byKey.values()) {
      if (s.chunks.length === 0) continue;
      let ok = true;
      for (const m of matchers) {
        if (!m.matches(s.labels.get(m.name))) {
          ok = false;
          break;
        }
      }
      if (ok) out.push(s);
    }
    return out.sort((a, b) => Labels.compare(a.labels, b.labels));
  }

  allStreams(): Iterable<StreamState> {
    return this.byKey.values();
  }
}
