/**
 * A head chunk: entries in time order with their lines held as UTF-8 bytes (see HeadChunk).
 */
import type { LogEntry } from '../storage/index.js';

export type Fields = LogEntry['fields'];

const NL = 0x0a;

/**
 * Entries in time order (equal timestamps keep arrival order). The lines are held as UTF-8 in
 * one growing buffer, each followed by "\n", with typed per-entry columns (ts, offset, length):
 * the GC has no object per line to trace or promote, and sealing ships the bytes as they are
 * (they are the joined form the q4 codec and the bloom read). `ts`, `lines` and `fields` build
 * arrays for readers (queries, tail), cached until the chunk changes.
 */
export class HeadChunk {
  /** Number of entries. */
  n = 0;
  /** UTF-8 bytes of the lines (without the "\n" separators). */
  rawBytes = 0;
  /** Whether time order is the order of the lines in `buf` (no entry went before another). */
  inOrder = true;
  /** Whether a line holds "\n" (the lines then cannot travel joined by "\n"). */
  multiline = false;
  /** Line bytes in arrival order, each followed by "\n"; `used` of them are taken. */
  buf: Buffer;
  used = 0;
  /** Per entry in time order: timestamp, line start in `buf`, line byte length. */
  tsv: BigInt64Array;
  off: Uint32Array;
  len: Uint32Array;
  /** Per entry in time order; null while no entry has fields. */
  private fl: (Fields | undefined)[] | null = null;
  private cTs: bigint[] | null = null;
  private cLines: string[] | null = null;
  private cFields: (Fields | undefined)[] | null = null;

  constructor(entries = 16, bytes = 4096) {
    this.buf = Buffer.allocUnsafe(Math.max(64, bytes));
    this.tsv = new BigInt64Array(Math.max(4, entries));
    this.off = new Uint32Array(this.tsv.length);
    this.len = new Uint32Array(this.tsv.length);
  }

  /** Timestamps in time order (a cached array: do not mutate). */
  get ts(): bigint[] {
    if (this.cTs === null) {
      const a = new Array<bigint>(this.n);
      for (let i = 0; i < this.n; i++) a[i] = this.tsv[i];
      this.cTs = a;
    }
    return this.cTs;
  }

  /** Lines in time order (a cached array: do not mutate). */
  get lines(): string[] {
    if (this.cLines === null) {
      const a = new Array<string>(this.n);
      for (let i = 0; i < this.n; i++) a[i] = this.line(i);
      this.cLines = a;
    }
    return this.cLines;
  }

  /** Fields in time order (a cached array: do not mutate). */
  get fields(): (Fields | undefined)[] {
    if (this.fl !== null) return this.fl;
    this.cFields ??= new Array<Fields | undefined>(this.n).fill(undefined);
    return this.cFields;
  }

  /** Whether some entry has fields. */
  get anyFields(): boolean {
    return this.fl !== null && this.fl.some((f) => f !== undefined && f.length > 0);
  }

  /**
   * Whether an entry with timestamp `ts` and exactly this line is held (a shipper's retry of a
   * batch already stored). One comparison for entries newer than all held.
   */
  has(ts: bigint, line: string): boolean {
    const n = this.n;
    if (n === 0 || ts > this.tsv[n - 1] || ts < this.tsv[0]) return false;
    for (let i = upperBound(this.tsv, ts, n) - 1; i >= 0 && this.tsv[i] === ts; i--)
      if (this.line(i) === line) return true;
    return false;
  }

  line(i: number): string {
    const o = this.off[i];
    return this.buf.toString('utf8', o, o + this.len[i]);
  }

  /** Adds a line given as bytes `src[start, start+len)`; `multiline`: they hold a "\n". */
  addBytes(
    ts: bigint,
    src: Uint8Array,
    start: number,
    len: number,
    f: Fields | undefined,
    multiline: boolean,
  ): void {
    const at = this.reserve(ts, len, f);
    const o = this.used;
    if (len < 32) for (let k = 0; k < len; k++) this.buf[o + k] = src[start + k];
    else this.buf.set(src.subarray(start, start + len), o);
    if (multiline) this.multiline = true;
    this.finish(at, len);
  }

  /** Appends a line given as a string (replay, tests). */
  addLine(ts: bigint, line: string, f: Fields | undefined): void {
    const max = line.length * 3;
    this.ensureBytes(max + 1);
    const at = this.reserve(ts, 0, f);
    const len = this.buf.write(line, this.used, 'utf8');
    if (!this.multiline && line.includes('\n')) this.multiline = true;
    this.finish(at, len);
  }

  /** `[from, to)` as its own chunk (in time order; copies). */
  copyRange<C extends HeadChunk>(into: C, from: number, to: number): C {
    const n = to - from;
    let bytes = 0;
    for (let i = from; i < to; i++) bytes += this.len[i] + 1;
    into.grow(n, bytes);
    let o = 0;
    if (this.inOrder && n > 0) {
      const s = this.off[from];
      this.buf.copy(into.buf, 0, s, s + bytes);
      for (let i = from; i < to; i++) {
        into.off[i - from] = this.off[i] - s;
        into.len[i - from] = this.len[i];
      }
      o = bytes;
    } else {
      // Out of order: copy runs of entries that lie back to back in `buf` (whole commits,
      // usually), each with its "\n"s, rather than line by line.
      for (let i = from; i < to;) {
        const s = this.off[i];
        let e = s + this.len[i] + 1;
        into.off[i - from] = o;
        into.len[i - from] = this.len[i];
        for (i++; i < to && this.off[i] === e; i++) {
          into.off[i - from] = o + (e - s);
          into.len[i - from] = this.len[i];
          e += this.len[i] + 1;
        }
        this.buf.copy(into.buf, o, s, e);
        o += e - s;
      }
    }
    into.tsv.set(this.tsv.subarray(from, to));
    into.n = n;
    into.used = o;
    into.rawBytes = bytes - n;
    into.multiline = this.multiline;
    into.fl = this.fl === null ? null : this.fl.slice(from, to);
    into.invalidate();
    return into;
  }

  /** Takes over `c`'s entries without copying (`c` must not be used afterwards). */
  adopt<C extends HeadChunk>(into: C, c: HeadChunk): C {
    into.n = c.n;
    into.rawBytes = c.rawBytes;
    into.inOrder = c.inOrder;
    into.multiline = c.multiline;
    into.buf = c.buf;
    into.used = c.used;
    into.tsv = c.tsv;
    into.off = c.off;
    into.len = c.len;
    into.fl = c.fl;
    into.invalidate();
    return into;
  }

  /** The lines `[from, to)` in time order joined by "\n", in a fresh exact-size buffer. */
  joined(from = 0, to = this.n): Uint8Array {
    if (to <= from) return new Uint8Array(0);
    if (this.inOrder) {
      const s = this.off[from];
      const e = this.off[to - 1] + this.len[to - 1];
      return new Uint8Array(this.buf.subarray(s, e));
    }
    let size = 0;
    for (let i = from; i < to; i++) size += this.len[i] + 1;
    // Runs of entries back to back in `buf` are copied at once, with their "\n"s.
    // An exact-size buffer of its own (no trailing "\n"), so it can move to a worker.
    const out = Buffer.allocUnsafeSlow(size - 1);
    let o = 0;
    for (let i = from; i < to;) {
      const s = this.off[i];
      let e = s + this.len[i] + 1;
      for (i++; i < to && this.off[i] === e; i++) e += this.len[i] + 1;
      if (i === to) e--;
      this.buf.copy(out, o, s, e);
      o += e - s;
    }
    return new Uint8Array(out.buffer, 0, size - 1);
  }

  /** Timestamps `[from, to)` in a fresh array. */
  tsArray(from = 0, to = this.n): BigInt64Array {
    return this.tsv.slice(from, to);
  }

  private invalidate(): void {
    this.cTs = null;
    this.cLines = null;
    this.cFields = null;
  }

  private grow(entries: number, bytes: number): void {
    if (entries > this.tsv.length) {
      const cap = Math.max(entries, this.tsv.length * 2);
      const t = new BigInt64Array(cap);
      t.set(this.tsv.subarray(0, this.n));
      const o = new Uint32Array(cap);
      o.set(this.off.subarray(0, this.n));
      const l = new Uint32Array(cap);
      l.set(this.len.subarray(0, this.n));
      this.tsv = t;
      this.off = o;
      this.len = l;
    }
    if (bytes > this.buf.length) {
      const b = Buffer.allocUnsafeSlow(Math.max(bytes, this.buf.length * 2));
      this.buf.copy(b, 0, 0, this.used);
      this.buf = b;
    }
  }

  private ensureBytes(len: number): void {
    if (this.used + len > this.buf.length) this.grow(this.n + 1, this.used + len);
  }

  /** Makes room for one entry of `len` bytes (+ "\n"), returns its index in time order. */
  private reserve(ts: bigint, len: number, f: Fields | undefined): number {
    this.grow(this.n + 1, this.used + len + 1);
    const n = this.n;
    let at = n;
    if (n > 0 && this.tsv[n - 1] > ts) {
      at = upperBound(this.tsv, ts, n);
      this.tsv.copyWithin(at + 1, at, n);
      this.off.copyWithin(at + 1, at, n);
      this.len.copyWithin(at + 1, at, n);
      this.inOrder = false;
    }
    this.tsv[at] = ts;
    if (f !== undefined || this.fl !== null) {
      this.fl ??= new Array<Fields | undefined>(n).fill(undefined);
      this.fl.splice(at, 0, f);
    }
    return at;
  }

  private finish(at: number, len: number): void {
    this.off[at] = this.used;
    this.len[at] = len;
    this.buf[this.used + len] = NL;
    this.used += len + 1;
    this.n++;
    this.rawBytes += len;
    this.invalidate();
  }
}

/** A stream's open chunk: the entries with sequence numbers in [seqStart, seqEnd). */
export class OpenChunk extends HeadChunk {
  constructor(
    public seqStart: number,
    public seqEnd: number,
    public openedMs: number,
    entries = 0,
    bytes = 0,
  ) {
    super(Math.max(256, Math.ceil(entries)), Math.max(64 * 1024, Math.ceil(bytes)));
  }
}

/** One chunk of a seal group. `durable` once the chunk store has it. */
export class Piece extends HeadChunk {
  mint = 0n;
  maxt = 0n;
  durable = false;

  constructor() {
    super(1, 64);
  }

  /** A piece of `c`'s entries `[from, to)` (copied). */
  static of(c: HeadChunk, from: number, to: number): Piece {
    return Piece.bounds(c.copyRange(new Piece(), from, to));
  }

  /** A piece of all of `c`'s entries (taken over, `c` must not be used afterwards). */
  static taking(c: HeadChunk): Piece {
    return Piece.bounds(c.adopt(new Piece(), c));
  }

  private static bounds(p: Piece): Piece {
    p.mint = p.n > 0 ? p.tsv[0] : 0n;
    p.maxt = p.n > 0 ? p.tsv[p.n - 1] : 0n;
    return p;
  }
}

/** Index of the first of `ts[0, n)` > `t` (upper bound): inserting there keeps arrival order. */
export function upperBound(ts: ArrayLike<bigint>, t: bigint, n = ts.length): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first of `ts[0, n)` >= `t`. */
export function lowerBound(ts: ArrayLike<bigint>, t: bigint, n = ts.length): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
