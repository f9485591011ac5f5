/**
 * The head: per tenant, per stream (interned by its label string), an open chunk of
 * uncompressed entries kept in time order, and the chunks being sealed (still read by queries
 * until the chunk store has them). All mutation is synchronous, so a query that collects the
 * head and the chunk store in one tick sees each entry once.
 */
import type { Labels, TenantId } from '../model/index.js';
import type { LogEntry } from '../storage/index.js';
import { HeadChunk, lowerBound, OpenChunk, Piece, type Fields } from './head-chunk.js';
import type { ChunkData } from './types.js';

export { HeadChunk, lowerBound, OpenChunk, Piece, upperBound, type Fields } from './head-chunk.js';

/**
 * Committed entries as columns over their WAL record: `at[2k]`, `at[2k+1]` are the start and
 * byte length of entry k's line in `rec` (the head copies the lines from there).
 */
export interface EntryColumns {
  ts: BigInt64Array;
  /** Per entry, or null when none has fields. */
  fields: (Fields | undefined)[] | null;
  /** Whether a line holds "\n". */
  multiline: boolean;
  rec: Uint8Array;
  at: Uint32Array;
}

export interface SealGroup {
  seqStart: number;
  seqEnd: number;
  pieces: Piece[];
  /** Set while the sealer works on it (encode, WAL, chunk store). */
  busy: boolean;
}

export interface HeadStream {
  id: number;
  tenant: TenantId;
  labels: Labels;
  key: string;
  open: OpenChunk | null;
  sealing: SealGroup[];
  /** Newest accepted timestamp: the out-of-order window hangs off it. */
  maxTs: bigint | null;
  /** Next sequence number to hand out (arrival order, reserved at commit). */
  nextSeq: number;
  lastAppendMs: number;
  /** Commits with WAL writes in flight for this stream: it is not forgotten while > 0. */
  inflight: number;
  /** Size of the last chunk cut (bytes, entries): the next open chunk starts that large. */
  lastCut: { bytes: number; entries: number };
}

export function emptyChunk(): HeadChunk {
  return new HeadChunk();
}

/** Inserts entries (any order) into `c`, keeping it sorted and stable. */
export function insertEntries(c: HeadChunk, entries: readonly LogEntry[]): void {
  for (const e of entries) c.addLine(e.ts, e.line, e.fields);
}

/**
 * Splits a sorted chunk into pieces of about `target` raw bytes (at least one entry each): into
 * round(raw / target) pieces of equal size, so a chunk cut a little past the target (commits
 * land while a sealing pass runs) makes one piece rather than a full one and a sliver. The
 * chunk is taken over (not to be used afterwards).
 */
export function splitPieces(c: HeadChunk, target: number): Piece[] {
  const out: Piece[] = [];
  const n = c.n;
  if (n === 0) return out;
  const k = Math.max(1, Math.round(c.rawBytes / target));
  if (k === 1) {
    out.push(Piece.taking(c));
    return out;
  }
  const per = c.rawBytes / k;
  let from = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    bytes += c.len[i];
    if ((bytes >= per && out.length < k - 1) || i === n - 1) {
      out.push(Piece.of(c, from, i + 1));
      from = i + 1;
      bytes = 0;
    }
  }
  return out;
}

/** A piece as the codecs take it (lines as strings: the multi-line fallback). */
export function pieceData(p: HeadChunk): ChunkData {
  return { ts: p.tsArray(), lines: p.lines, fields: p.fields };
}

/** Entries of `c` with ts in [start, end), copied (the head keeps mutating its chunks). */
export function sliceRange(c: HeadChunk, start: bigint, end: bigint): LogEntry[] {
  const from = lowerBound(c.tsv, start, c.n);
  const to = lowerBound(c.tsv, end, c.n);
  const fields = c.fields;
  const out = new Array<LogEntry>(Math.max(0, to - from));
  for (let i = from; i < to; i++) {
    const f = fields[i];
    const line = c.line(i);
    out[i - from] = f === undefined ? { ts: c.tsv[i], line } : { ts: c.tsv[i], line, fields: f };
  }
  return out;
}

/** The streams of every tenant, by tenant and label key, and by WAL id. */
export class Head {
  readonly tenants = new Map<TenantId, Map<string, HeadStream>>();
  readonly byId = new Map<number, HeadStream>();
  nextId = 1;
  /** Raw bytes of the seal groups not yet released (the sealing backlog). */
  sealingBytes = 0;

  get(tenant: TenantId, key: string): HeadStream | undefined {
    return this.tenants.get(tenant)?.get(key);
  }

  streamCount(tenant: TenantId): number {
    return this.tenants.get(tenant)?.size ?? 0;
  }

  create(tenant: TenantId, labels: Labels, key: string, id = this.nextId): HeadStream {
    if (id >= this.nextId) this.nextId = id + 1;
    const s: HeadStream = {
      id,
      tenant,
      labels,
      key,
      open: null,
      sealing: [],
      maxTs: null,
      nextSeq: 0,
      lastAppendMs: 0,
      inflight: 0,
      lastCut: { bytes: 0, entries: 0 },
    };
    let m = this.tenants.get(tenant);
    if (!m) this.tenants.set(tenant, (m = new Map<string, HeadStream>()));
    m.set(key, s);
    this.byId.set(id, s);
    return s;
  }

  /** Applies entries given as objects (replay): sequence numbers [firstSeq, firstSeq+n). */
  apply(s: HeadStream, firstSeq: number, entries: readonly LogEntry[], nowMs: number): void {
    if (entries.length === 0) return;
    const c = this.openChunk(s, firstSeq, nowMs);
    let max = s.maxTs;
    for (const e of entries) {
      c.addLine(e.ts, e.line, e.fields);
      if (max === null || e.ts > max) max = e.ts;
    }
    this.applied(s, c, max, firstSeq + entries.length, nowMs);
  }

  /** Applies one committed entries record, its lines copied from the record's UTF-8. */
  applyColumns(s: HeadStream, firstSeq: number, e: EntryColumns, nowMs: number): void {
    const n = e.ts.length;
    if (n === 0) return;
    const c = this.openChunk(s, firstSeq, nowMs);
    let max = s.maxTs;
    const { ts, fields, rec, at } = e;
    for (let i = 0; i < n; i++) {
      const t = ts[i];
      c.addBytes(t, rec, at[2 * i], at[2 * i + 1], fields?.[i], e.multiline);
      if (max === null || t > max) max = t;
    }
    this.applied(s, c, max, firstSeq + n, nowMs);
  }

  private openChunk(s: HeadStream, firstSeq: number, nowMs: number): OpenChunk {
    if (s.open !== null) return s.open;
    // A busy stream's chunks are alike: one buffer of the last one's size (and an eighth),
    // rather than doubling up to it (copies, and external memory the GC reacts to).
    const l = s.lastCut;
    return (s.open = new OpenChunk(firstSeq, firstSeq, nowMs, l.entries * 1.125, l.bytes * 1.125));
  }

  private applied(
    s: HeadStream,
    c: OpenChunk,
    max: bigint | null,
    seqEnd: number,
    nowMs: number,
  ): void {
    s.maxTs = max;
    c.seqEnd = Math.max(c.seqEnd, seqEnd);
    s.lastAppendMs = nowMs;
  }

  /** Moves the open chunk into a new seal group of pieces of about `target` bytes. */
  cut(s: HeadStream, target: number): SealGroup | null {
    const c = s.open;
    if (c === null) return null;
    s.open = null;
    s.lastCut = { bytes: c.used, entries: c.n };
    const g: SealGroup = {
      seqStart: c.seqStart,
      seqEnd: c.seqEnd,
      pieces: splitPieces(c, target),
      busy: false,
    };
    this.addGroup(s, g);
    return g;
  }

  /**
   * Forgets a durable group. The stream stays (empty) until it has been idle for the idle
   * period (the sealer forgets it then), so its out-of-order window and identity survive a seal.
   */
  release(s: HeadStream, g: SealGroup): void {
    const i = s.sealing.indexOf(g);
    if (i < 0) return;
    s.sealing.splice(i, 1);
    for (const p of g.pieces) this.sealingBytes -= p.rawBytes;
  }

  addGroup(s: HeadStream, g: SealGroup): void {
    s.sealing.push(g);
    for (const p of g.pieces) this.sealingBytes += p.rawBytes;
  }

  forgetIfEmpty(s: HeadStream): void {
    if (s.open === null && s.sealing.length === 0 && s.inflight === 0) this.remove(s);
  }

  remove(s: HeadStream): void {
    const m = this.tenants.get(s.tenant);
    if (m?.get(s.key) === s) {
      m.delete(s.key);
      if (m.size === 0) this.tenants.delete(s.tenant);
    }
    if (this.byId.get(s.id) === s) this.byId.delete(s.id);
  }

  *streams(): IterableIterator<HeadStream> {
    for (const m of this.tenants.values()) yield* m.values();
  }
}
