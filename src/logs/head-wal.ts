/**
 * The log WAL's records (docs/format/logs-wal.md). The segment files, checksums and group commit
 * are the TSDB's `Wal`; these are the payloads: a stream's identity, a stream's entries, and the
 * seal of a stream's entries into chunks (written before the chunks are handed to the store).
 */
import { Labels, tenantId, type TenantId } from '../model/index.js';
import type { LogEntry } from '../storage/index.js';
import { ArgusError } from '../util/index.js';
import type { HeadChunk } from './head-chunk.js';

export const LogRecordType = { Stream: 0x20, Entries: 0x21, Seal: 0x22 } as const;

/** A WAL record the log store cannot read (damage that passed the checksum, or a newer format). */
export class LogWalCorruptionError extends ArgusError {}

export interface StreamRecord {
  id: number;
  tenant: TenantId;
  labels: Labels;
  /** Sequence numbers below this are taken (so a restart never reuses one). */
  nextSeq: number;
}

export interface EntriesRecord {
  id: number;
  /** Sequence number (per stream, arrival order) of the first entry. */
  firstSeq: number;
  entries: LogEntry[];
}

/** One chunk of a seal: how the chunk store will know it (stream, range, count). */
export interface PieceDesc {
  mint: bigint;
  maxt: bigint;
  entries: number;
}

export interface SealRecord {
  id: number;
  /** Every entry of the stream with a sequence number below this is in `pieces`. */
  seqEnd: number;
  pieces: PieceDesc[];
}

/** Appending writer over a growable Buffer. */
class Out {
  buf: Buffer;
  private dv: DataView;
  pos = 0;
  /** Where the last `str` put its UTF-8 (after its length). */
  lastStr = 0;
  /** Where the last entry's line is (`writeEntry`). */
  lineAt = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.dv = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }
  uvarint(v: number): void {
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
  i64(v: bigint): void {
    this.ensure(8);
    // DataView's setter does not allocate; Buffer#writeBigInt64LE does BigInt arithmetic.
    this.dv.setBigInt64(this.pos, v, true);
    this.pos += 8;
  }
  /** Length-prefixed UTF-8; returns its byte length. */
  str(s: string): number {
    // A UTF-16 unit is at most 3 UTF-8 bytes: reserve the worst case and the varint it needs,
    // write once, then close the gap if the length's varint came out shorter.
    let max = s.length * 3;
    // Near the end of the buffer, count exactly rather than grow it for the worst case.
    if (this.pos + max + 8 > this.buf.length) max = Buffer.byteLength(s, 'utf8');
    const room = varintSize(max);
    this.ensure(max + room);
    const at = this.pos;
    const n = this.buf.write(s, at + room, 'utf8');
    const k = varintSize(n);
    if (k < room) this.buf.copyWithin(at + k, at + room, at + room + n);
    let v = n;
    let p = at;
    while (v >= 0x80) {
      this.buf[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[p] = v;
    this.lastStr = at + k;
    this.pos = at + k + n;
    return n;
  }
  /** Length-prefixed bytes `src[start, start+len)`. */
  bytes(src: Uint8Array, start: number, len: number): void {
    this.uvarint(len);
    this.ensure(len);
    this.buf.set(src.subarray(start, start + len), this.pos);
    this.pos += len;
  }
  done(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

function varintSize(v: number): number {
  let k = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    k++;
  }
  return k;
}

/** Cursor over a record, bound-checked. */
class In {
  pos = 1;
  readonly buf: Buffer;
  constructor(rec: Uint8Array) {
    this.buf = Buffer.from(rec.buffer, rec.byteOffset, rec.length);
  }
  fail(what: string): never {
    throw new LogWalCorruptionError(
      `cannot read log WAL record: ${what} at offset ${this.pos} of ${this.buf.length}`,
    );
  }
  uvarint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.buf.length) this.fail('truncated varint');
      const b = this.buf[this.pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
    return this.fail('varint too long');
  }
  i64(): bigint {
    if (this.pos + 8 > this.buf.length) this.fail('truncated int64');
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }
  str(): string {
    const n = this.uvarint();
    if (this.pos + n > this.buf.length) this.fail(`truncated string of ${n} bytes`);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  end(): void {
    if (this.pos !== this.buf.length) this.fail('trailing bytes');
  }
}

export function encodeStream(r: StreamRecord): Uint8Array {
  const o = new Out(64);
  o.buf[o.pos++] = LogRecordType.Stream;
  o.uvarint(r.id);
  o.uvarint(r.nextSeq);
  o.str(r.tenant);
  o.uvarint(r.labels.size);
  for (let i = 0; i < r.labels.size; i++) {
    o.str(r.labels.name(i));
    o.str(r.labels.value(i));
  }
  return o.done();
}

/**
 * Encodes `entries[from, to)` of one stream. Returns the record, the UTF-8 bytes of its lines,
 * and where each line's UTF-8 is in the record (`at[2k]` start, `at[2k+1]` length of entry
 * `from + k`): the head copies the lines from there.
 */
export function encodeEntries(
  id: number,
  firstSeq: number,
  entries: readonly LogEntry[],
  from = 0,
  to = entries.length,
): { rec: Uint8Array; lineBytes: number; at: Uint32Array } {
  // Sized for single-byte lines, so an ASCII batch is written without growing the buffer.
  let size = 64;
  for (let i = from; i < to; i++) size += 24 + entries[i].line.length;
  const o = entriesHeader(size, id, firstSeq, to - from);
  const at = new Uint32Array(2 * (to - from));
  let lineBytes = 0;
  for (let i = from; i < to; i++) {
    const e = entries[i];
    const n = writeEntry(o, e.ts, e.line, e.fields);
    const k = 2 * (i - from);
    at[k] = o.lineAt;
    at[k + 1] = n;
    lineBytes += n;
  }
  return { rec: o.done(), lineBytes, at };
}

/**
 * `encodeEntries` of a head chunk's entries `[from, to)` (the checkpoint snapshot): the lines'
 * bytes are copied as the head holds them, without a string or entry object per line.
 */
export function encodeChunkEntries(
  id: number,
  firstSeq: number,
  c: HeadChunk,
  from: number,
  to: number,
): Uint8Array {
  let size = 64;
  for (let i = from; i < to; i++) size += 24 + c.len[i];
  const o = entriesHeader(size, id, firstSeq, to - from);
  const fields = c.anyFields ? c.fields : null;
  for (let i = from; i < to; i++) {
    o.i64(c.tsv[i]);
    o.bytes(c.buf, c.off[i], c.len[i]);
    writeFields(o, fields === null ? undefined : fields[i]);
  }
  return o.done();
}

/**
 * `encodeEntries` of entries held as parallel arrays (the head's chunks), `[from, to)`: the
 * checkpoint snapshot writes the whole head without an entry object per line.
 */
export function encodeEntryColumns(
  id: number,
  firstSeq: number,
  c: {
    ts: readonly bigint[];
    lines: readonly string[];
    fields: readonly (LogEntry['fields'] | undefined)[];
  },
  from: number,
  to: number,
): Uint8Array {
  let size = 64;
  for (let i = from; i < to; i++) size += 24 + c.lines[i].length;
  const o = entriesHeader(size, id, firstSeq, to - from);
  for (let i = from; i < to; i++) writeEntry(o, c.ts[i], c.lines[i], c.fields[i]);
  return o.done();
}

function entriesHeader(size: number, id: number, firstSeq: number, n: number): Out {
  const o = new Out(size);
  o.buf[o.pos++] = LogRecordType.Entries;
  o.uvarint(id);
  o.uvarint(firstSeq);
  o.uvarint(n);
  return o;
}

/** One entry of an entries record; returns the UTF-8 bytes of its line. */
function writeEntry(o: Out, ts: bigint, line: string, f: LogEntry['fields'] | undefined): number {
  o.i64(ts);
  const n = o.str(line);
  o.lineAt = o.lastStr;
  writeFields(o, f);
  return n;
}

function writeFields(o: Out, f: LogEntry['fields'] | undefined): void {
  if (f === undefined) {
    o.uvarint(0);
    return;
  }
  o.uvarint(f.length);
  for (const [k, v] of f) {
    o.str(k);
    o.str(v);
  }
}

export function encodeSeal(r: SealRecord): Uint8Array {
  const o = new Out(16 + r.pieces.length * 24);
  o.buf[o.pos++] = LogRecordType.Seal;
  o.uvarint(r.id);
  o.uvarint(r.seqEnd);
  o.uvarint(r.pieces.length);
  for (const p of r.pieces) {
    o.i64(p.mint);
    o.i64(p.maxt);
    o.uvarint(p.entries);
  }
  return o.done();
}

export type LogRecord =
  | ({ type: typeof LogRecordType.Stream } & StreamRecord)
  | ({ type: typeof LogRecordType.Entries } & EntriesRecord)
  | ({ type: typeof LogRecordType.Seal } & SealRecord);

/** Decodes one record; strings are copied out of `rec` (no view is kept). */
export function decodeLogRecord(rec: Uint8Array): LogRecord {
  const r = new In(rec);
  if (rec.length === 0) r.fail('empty record');
  const type = rec[0];
  switch (type) {
    case LogRecordType.Stream: {
      const id = r.uvarint();
      const nextSeq = r.uvarint();
      const tenant = tenantId(r.str());
      const n = r.uvarint();
      const pairs: [string, string][] = [];
      for (let i = 0; i < n; i++) pairs.push([r.str(), r.str()]);
      r.end();
      return { type, id, nextSeq, tenant, labels: Labels.fromPairs(pairs) };
    }
    case LogRecordType.Entries: {
      const id = r.uvarint();
      const firstSeq = r.uvarint();
      const n = r.uvarint();
      const entries: LogEntry[] = new Array<LogEntry>(n);
      for (let i = 0; i < n; i++) {
        const ts = r.i64();
        const line = r.str();
        const nf = r.uvarint();
        if (nf === 0) {
          entries[i] = { ts, line };
          continue;
        }
        const fields: [string, string][] = [];
        for (let j = 0; j < nf; j++) fields.push([r.str(), r.str()]);
        entries[i] = { ts, line, fields };
      }
      r.end();
      return { type, id, firstSeq, entries };
    }
    case LogRecordType.Seal: {
      const id = r.uvarint();
      const seqEnd = r.uvarint();
      const n = r.uvarint();
      const pieces: PieceDesc[] = [];
      for (let i = 0; i < n; i++)
        pieces.push({ mint: r.i64(), maxt: r.i64(), entries: r.uvarint() });
      r.end();
      return { type, id, seqEnd, pieces };
    }
    default:
      return r.fail(`unknown record type 0x${type.toString(16)}`);
  }
}
