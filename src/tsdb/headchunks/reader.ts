/**
 * Loading head chunk files at start-up. Everything here may only cost speed, never data: a
 * damaged record ends its file (the rest of it is ignored, later files are still read), and a
 * series only gets chunks that form an unbroken chain from its first chunk in the head, so
 * replay can take every WAL sample after the chain's end and skip the ones before it. A chain
 * may end in a partial chunk (an open chunk's prefix): replay continues it as the open chunk.
 * A later record of the same chunk (same prevMaxT) replaces it, as any record does.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../util/index.js';
import { ENCODER_STATE_SIZE, ENCODING_XOR, type SlabAllocator } from '../chunkenc/index.js';
import {
  FILE_HEADER_SIZE,
  FILE_RE,
  RecordFields,
  checkFileHeader,
  readRecord,
  type PersistedChunk,
} from './format.js';

/** A head chunk file as found at load. */
export interface HeadChunkFile {
  seq: number;
  size: number;
  /** Newest maxT of its valid records (-Infinity when it has none). */
  maxT: number;
}

export interface LoadResult {
  files: HeadChunkFile[];
  /** Chunks per series ref, oldest first, each chain complete (see the module comment). */
  chains: Map<number, PersistedChunk[]>;
  /** Highest ref in any valid record (refs must not be reused for other series). */
  maxRef: number;
  records: number;
  /** Records dropped: older than minValidTime, or not linked to a chain. */
  dropped: number;
  /** Files that ended in a damaged record (or had a bad header). */
  damagedFiles: number;
  durationMs: number;
}

/**
 * Reads every head chunk file in `dir` (missing dir = none) in sequence order. `minValidTime`
 * is the newest block's end: chunks starting before it are dropped (a chunk that straddles it
 * drops its series' whole chain: replay then takes that series from the WAL).
 *
 * Records are read into typed arrays and linked by index; only the chunks of the final chains
 * get objects, their bytes copied into `slabs` in write (= time) order, so superseded records
 * (partials above all) cost no garbage and the file buffers are not kept. A partial chain end
 * stays a view into its file buffer: replay copies it into the resumed encoder.
 */
export async function loadHeadChunks(
  dir: string,
  minValidTime: number,
  logger: Logger,
  slabs: SlabAllocator | null = null,
): Promise<LoadResult> {
  const start = performance.now();
  const res: LoadResult = {
    files: [],
    chains: new Map(),
    maxRef: 0,
    records: 0,
    dropped: 0,
    damagedFiles: 0,
    durationMs: 0,
  };
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => FILE_RE.test(n)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return res;
    throw err;
  }
  const table = new RecordTable();
  const linker = new ChainLinker(table, minValidTime);
  const bufs: Buffer[] = [];
  const f = new RecordFields();
  // The next file is read while this one is parsed.
  const read = (i: number): Promise<Buffer> | null => {
    if (i >= names.length) return null;
    const p = readFile(path.join(dir, names[i]));
    p.catch(() => {}); // handled when awaited
    return p;
  };
  let next = read(0);
  for (let n = 0; n < names.length; n++) {
    const name = names[n];
    const file = path.join(dir, name);
    const cur = next!;
    next = read(n + 1);
    let buf: Buffer;
    try {
      buf = await cur;
    } catch (err) {
      // Unreadable: treat as damaged at 0 (it is only an accelerator).
      logger.warn({ file, err: String(err) }, 'cannot read head chunk file; ignoring it');
      res.damagedFiles++;
      res.files.push({ seq: Number(name), size: 0, maxT: -Infinity });
      continue;
    }
    const info: HeadChunkFile = { seq: Number(name), size: buf.length, maxT: -Infinity };
    res.files.push(info);
    const bad = checkFileHeader(buf);
    if (bad !== null) {
      logger.warn({ file, reason: bad }, 'ignoring head chunk file with a bad header');
      res.damagedFiles++;
      continue;
    }
    const fileIdx = bufs.length;
    bufs.push(buf);
    let p = FILE_HEADER_SIZE;
    while (p < buf.length) {
      const err = readRecord(buf, p, f);
      if (err !== null) {
        logger.warn(
          { file, offset: p, droppedBytes: buf.length - p, reason: err },
          'head chunk file damaged; ignoring the rest of it (replay takes that data from the WAL)',
        );
        res.damagedFiles++;
        break;
      }
      p = f.next;
      if (f.ref > res.maxRef) res.maxRef = f.ref;
      if (f.maxT > info.maxT) info.maxT = f.maxT;
      const n = f.dataEnd - f.dataStart;
      const samples = n < 2 ? 0 : (buf[f.dataStart] << 8) | buf[f.dataStart + 1];
      linker.add(table.push(f, samples, fileIdx));
    }
  }
  res.records = table.n;
  res.chains = linker.materialize(bufs, slabs);
  let kept = 0;
  for (const c of res.chains.values()) kept += c.length;
  res.dropped = res.records - kept;
  res.durationMs = performance.now() - start;
  return res;
}

const USABLE = 1;
/** Refs below this get a typed-array slot in ChainLinker; others a map entry. */
const DENSE_REFS = 1 << 24;
const PARTIAL = 2;

/** Fields of every record read, by record index: parallel typed arrays, no object per record. */
export class RecordTable {
  n = 0;
  ref = new Float64Array(1024);
  minT = new Float64Array(1024);
  maxT = new Float64Array(1024);
  prev = new Float64Array(1024);
  /** Where the chunk bytes are: file index, offset, length. */
  file = new Uint32Array(1024);
  start = new Float64Array(1024);
  len = new Uint32Array(1024);
  /** USABLE (known encoding, has samples) | PARTIAL. */
  flags = new Uint8Array(1024);

  /** Adds a record holding `samples` samples; returns its index. */
  push(f: RecordFields, samples: number, file: number): number {
    const i = this.n;
    if (i === this.ref.length) this.grow(i * 2);
    this.ref[i] = f.ref;
    this.minT[i] = f.minT;
    this.maxT[i] = f.maxT;
    this.prev[i] = f.prevMaxT;
    this.file[i] = file;
    this.start[i] = f.dataStart;
    this.len[i] = f.dataEnd - f.dataStart;
    this.flags[i] =
      (f.encoding === ENCODING_XOR && samples > 0 ? USABLE : 0) | (f.partial ? PARTIAL : 0);
    this.n = i + 1;
    return i;
  }

  private grow(size: number): void {
    const g = <T extends Float64Array | Uint32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.ref = g(this.ref);
    this.minT = g(this.minT);
    this.maxT = g(this.maxT);
    this.prev = g(this.prev);
    this.file = g(this.file);
    this.start = g(this.start);
    this.len = g(this.len);
    this.flags = g(this.flags);
  }
}

/**
 * Builds each series' chain (record indices) from records in write order. A record with
 * prevMaxT = p follows the chunk ending at p (chunks after that one in the chain came from an
 * older run, or are earlier partials of the same chunk, that the record superseded: they are
 * cut off); p = -1 (the head held nothing before it) or p < minValidTime (what came before is
 * in blocks) starts a new chain. A record whose predecessor is not in the chain was written
 * after a chunk that is lost: it is dropped and the chain stays as it was (complete up to its
 * own end; replay takes the rest from the WAL). A record that is not usable (unknown
 * encoding, no samples, starting before minValidTime) still cuts the chain there.
 */
export class ChainLinker {
  /** Per record, the index of the record before it in its chain, or -1. */
  private parent = new Int32Array(1024);
  /** Per ref (dense below DENSE_REFS), the index of its chain's last record, or -1. */
  private tails = new Int32Array(0);
  private readonly sparseTails = new Map<number, number>();

  constructor(
    private readonly t: RecordTable,
    private readonly minValidTime: number,
  ) {}

  private tail(ref: number): number {
    if (ref < DENSE_REFS) return ref < this.tails.length ? this.tails[ref] : -1;
    return this.sparseTails.get(ref) ?? -1;
  }

  private setTail(ref: number, i: number): void {
    if (ref >= DENSE_REFS) {
      if (i < 0) this.sparseTails.delete(ref);
      else this.sparseTails.set(ref, i);
      return;
    }
    if (ref >= this.tails.length) {
      const n = Math.min(DENSE_REFS, Math.max(ref + 1, this.tails.length * 2, 1024));
      const tails = new Int32Array(n).fill(-1);
      tails.set(this.tails);
      this.tails = tails;
    }
    this.tails[ref] = i;
  }

  /** Links record `i`; false when it is not part of a chain (stale, unlinked, bad encoding). */
  add(i: number): boolean {
    const t = this.t;
    const ref = t.ref[i];
    const p = t.prev[i];
    const usable = (t.flags[i] & USABLE) !== 0 && t.minT[i] >= this.minValidTime;
    // The record's predecessor in the chain (chunks after it are cut off), or -1.
    let j = -1;
    if (!(p === -1 || p < this.minValidTime)) {
      j = this.tail(ref);
      while (j >= 0 && t.maxT[j] !== p) j = this.parent[j];
      if (j < 0) return false;
    }
    if (i >= this.parent.length) {
      const parent = new Int32Array(Math.max(i + 1, this.parent.length * 2));
      parent.set(this.parent);
      this.parent = parent;
    }
    this.parent[i] = j;
    this.setTail(ref, usable ? i : j);
    return usable;
  }

  /** Calls `fn` with each ref's chain (record indices, oldest first). */
  private forEachChain(fn: (ref: number, chain: number[]) => void): void {
    const walk = (ref: number, last: number): void => {
      const chain: number[] = [];
      for (let j = last; j >= 0; j = this.parent[j]) chain.push(j);
      fn(ref, chain.reverse());
    };
    const tails = this.tails;
    for (let ref = 0; ref < tails.length; ref++) if (tails[ref] >= 0) walk(ref, tails[ref]);
    for (const [ref, last] of this.sparseTails) walk(ref, last);
  }

  /**
   * The chains as chunks. A partial followed by another chunk holds exactly (its prevMaxT,
   * maxT], like the closed record it stands in for (lost, or cut at that very sample): only a
   * chain's last chunk keeps its state. Closed chunks' bytes are copied into `slabs` in record
   * order (null: views of the file buffers `bufs`); a partial's state is copied, its bytes stay
   * a view.
   */
  materialize(
    bufs: readonly Uint8Array[],
    slabs: SlabAllocator | null,
  ): Map<number, PersistedChunk[]> {
    const t = this.t;
    const n = t.n;
    // 1 = closed chunk, 2 = open (partial at a chain's end).
    const kind = new Uint8Array(n);
    const chains: [number, number[]][] = [];
    this.forEachChain((ref, chain) => {
      chains.push([ref, chain]);
      for (let k = 0; k < chain.length; k++) kind[chain[k]] = 1;
      const last = chain[chain.length - 1];
      if ((t.flags[last] & PARTIAL) !== 0) kind[last] = 2;
    });
    const chunks = new Array<PersistedChunk | undefined>(n);
    for (let i = 0; i < n; i++) {
      const k = kind[i];
      if (k === 0) continue;
      const buf = bufs[t.file[i]];
      const end = t.start[i] + t.len[i];
      const b = buf.subarray(t.start[i], end);
      if (k === 2) {
        const state = buf.slice(end, end + ENCODER_STATE_SIZE);
        chunks[i] = { data: b, minT: t.minT[i], maxT: t.maxT[i], state };
      } else {
        const data = slabs === null ? b : slabs.copy(b);
        chunks[i] = { data, minT: t.minT[i], maxT: t.maxT[i] };
      }
    }
    const out = new Map<number, PersistedChunk[]>();
    for (const [ref, chain] of chains)
      out.set(
        ref,
        chain.map((i) => chunks[i]!),
      );
    return out;
  }
}
