/**
 * The head: per tenant, per stream (interned by its label string), an open chunk of
 * uncompressed entries kept in time order, and the chunks being sealed (still read by queries
 * until the chunk store has them). All mutation is synchronous, so a query that collects the
 * head and the chunk store in one tick sees each entry once.
 */
import type { Labels, TenantId } from '../model/index.js';
import type { LogEntry } from '../storage/index.js';
import type { ChunkData } from './types.js';

export type Fields = LogEntry['fields'];

/** Entries in time order (equal timestamps keep arrival order), as parallel arrays. */
export interface HeadChunk {
  ts: bigint[];
  lines: string[];
  fields: (Fields | undefined)[];
  rawBytes: number;
}

/** A stream's open chunk: the entries with sequence numbers in [seqStart, seqEnd). */
export interface OpenChunk extends HeadChunk {
  seqStart: number;
  seqEnd: number;
  openedMs: number;
}

/** One chunk of a seal group. `durable` once the chunk store has it. */
export interface Piece extends HeadChunk {
  mint: bigint;
  maxt: bigint;
  durable: boolean;
}

/** The entries of a stream with sequence numbers below `seqEnd`, cut into pieces. */
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
}

export function emptyChunk(): HeadChunk {
  return { ts: [], lines: [], fields: [], rawBytes: 0 };
}

/** Index of the first timestamp > `t` (upper bound): inserting there keeps arrival order. */
export function upperBound(ts: readonly bigint[], t: bigint): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first timestamp >= `t`. */
export function lowerBound(ts: readonly bigint[], t: bigint): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts entries (any order) into `c`, keeping it sorted and stable. */
export function insertEntries(c: HeadChunk, entries: readonly LogEntry[], lineBytes: number): void {
  const { ts, lines, fields } = c;
  for (const e of entries) {
    const n = ts.length;
    if (n === 0 || ts[n - 1] <= e.ts) {
      ts.push(e.ts);
      lines.push(e.line);
      fields.push(e.fields);
      continue;
    }
    const at = upperBound(ts, e.ts);
    ts.splice(at, 0, e.ts);
    lines.splice(at, 0, e.line);
    fields.splice(at, 0, e.fields);
  }
  c.rawBytes += lineBytes;
}

/**
 * Splits a sorted chunk into pieces of about `target` raw bytes (at least one entry each): into
 * round(raw / target) pieces of equal size, so a chunk cut a little past the target (commits
 * land while a sealing pass runs) makes one piece rather than a full one and a sliver.
 */
export function splitPieces(c: HeadChunk, target: number): Piece[] {
  const out: Piece[] = [];
  const n = c.ts.length;
  if (n === 0) return out;
  const k = Math.max(1, Math.round(c.rawBytes / target));
  if (k === 1) {
    out.push({ ...c, mint: c.ts[0], maxt: c.ts[n - 1], durable: false });
    return out;
  }
  const per = c.rawBytes / k;
  let from = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    bytes += Buffer.byteLength(c.lines[i], 'utf8');
    if ((bytes >= per && out.length < k - 1) || i === n - 1) {
      const to = i + 1;
      out.push({
        ts: c.ts.slice(from, to),
        lines: c.lines.slice(from, to),
        fields: c.fields.slice(from, to),
        rawBytes: bytes,
        mint: c.ts[from],
        maxt: c.ts[i],
        durable: false,
      });
      from = to;
      bytes = 0;
    }
  }
  return out;
}

/** A piece as the codecs take it. */
export function pieceData(p: HeadChunk): ChunkData {
  const ts = new BigInt64Array(p.ts.length);
  for (let i = 0; i < ts.length; i++) ts[i] = p.ts[i];
  return { ts, lines: p.lines, fields: p.fields };
}

/** Entries of `c` with ts in [start, end), copied (the head keeps mutating its arrays). */
export function sliceRange(c: HeadChunk, start: bigint, end: bigint): LogEntry[] {
  const from = lowerBound(c.ts, start);
  const to = lowerBound(c.ts, end);
  const out = new Array<LogEntry>(Math.max(0, to - from));
  for (let i = from; i < to; i++) {
    const f = c.fields[i];
    out[i - from] =
      f === undefined
        ? { ts: c.ts[i], line: c.lines[i] }
        : { ts: c.ts[i], line: c.lines[i], fields: f };
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
    };
    let m = this.tenants.get(tenant);
    if (!m) this.tenants.set(tenant, (m = new Map<string, HeadStream>()));
    m.set(key, s);
    this.byId.set(id, s);
    return s;
  }

  /** Applies one committed record's entries (sequence numbers [firstSeq, firstSeq+n)). */
  apply(
    s: HeadStream,
    firstSeq: number,
    entries: readonly LogEntry[],
    lineBytes: number,
    nowMs: number,
  ): void {
    if (entries.length === 0) return;
    let c = s.open;
    if (c === null) {
      c = s.open = { ...emptyChunk(), seqStart: firstSeq, seqEnd: firstSeq, openedMs: nowMs };
    }
    insertEntries(c, entries, lineBytes);
    c.seqEnd = Math.max(c.seqEnd, firstSeq + entries.length);
    s.lastAppendMs = nowMs;
    for (const e of entries) if (s.maxTs === null || e.ts > s.maxTs) s.maxTs = e.ts;
  }

  /** Moves the open chunk into a new seal group of pieces of about `target` bytes. */
  cut(s: HeadStream, target: number): SealGroup | null {
    const c = s.open;
    if (c === null) return null;
    s.open = null;
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
