import { crc32 } from 'node:zlib';
import { Labels } from '../model/index.js';
import { ArgusError } from '../util/index.js';
import type { ChunkFormat } from './types.js';

/**
 * The bytes of a log block's files (docs/format/logs-blocks.md, version 1): the index (stream
 * label sets, per-chunk metadata and bloom, the blocks it replaces) and the tombstones (chunks
 * dropped by retention). Every file starts with a magic and a version and ends with a CRC32 of
 * everything before it, so a torn or damaged file is detected, never half-read.
 */

/** A block file is damaged, truncated or of an unknown version. */
export class BlockCorruptError extends ArgusError {}

export const INDEX_MAGIC = 0x414c4249; // "ALBI"
export const TOMBSTONES_MAGIC = 0x414c4254; // "ALBT"
export const CHUNKS_MAGIC = 0x414c4243; // "ALBC"
export const FORMAT_VERSION = 1;
/** The chunks file starts with magic (4), version (1) and 3 reserved bytes. */
export const CHUNKS_HEADER_BYTES = 8;

const FORMAT_CODES: Record<ChunkFormat, number> = { q4: 0, columnar: 1 };
const CODE_FORMATS: readonly ChunkFormat[] = ['q4', 'columnar'];
/** High bit of the format byte: see `IndexChunk.settled`. */
const SETTLED_FLAG = 0x80;

/** One chunk's entry in a block index. `offset` is absolute in the chunks file. */
export interface IndexChunk {
  stream: number;
  mint: bigint;
  maxt: bigint;
  entries: number;
  rawBytes: number;
  offset: number;
  size: number;
  format: ChunkFormat;
  /** A q4 chunk compaction tried to re-encode and kept (columnar was not smaller). */
  settled: boolean;
  /** CRC32 of the chunk's bytes, checked on every read. */
  crc: number;
  bloom: Uint8Array;
}

export interface BlockIndex {
  tenant: string;
  /** Ids of the blocks this one replaces (compaction); they are deleted if found on open. */
  sources: string[];
  streams: Labels[];
  chunks: IndexChunk[];
}

/** A growable little-endian byte writer (varints for counts and sizes). */
class Writer {
  buf = Buffer.allocUnsafe(4096);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.len++] = v;
  }

  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v >>> 0, this.len);
    this.len += 4;
  }

  i64(v: bigint): void {
    this.room(8);
    this.buf.writeBigInt64LE(v, this.len);
    this.len += 8;
  }

  /** Unsigned varint up to 2^53 (division, not bit ops: offsets may pass 2^32). */
  uvarint(v: number): void {
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  bytes(b: Uint8Array): void {
    this.uvarint(b.length);
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  str(s: string): void {
    this.bytes(Buffer.from(s, 'utf8'));
  }

  /** Appends the CRC32 of everything so far and returns the finished bytes. */
  finish(): Buffer {
    this.u32(crc32(this.buf.subarray(0, this.len)));
    return this.buf.subarray(0, this.len);
  }
}

class Reader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new BlockCorruptError(
        `cannot decode ${this.what}: truncated at byte ${this.pos} (want ${n} more of ${this.buf.length})`,
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  uvarint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
    throw new BlockCorruptError(`cannot decode ${this.what}: varint too long at byte ${this.pos}`);
  }

  bytes(): Buffer {
    const n = this.uvarint();
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  str(): string {
    return this.bytes().toString('utf8');
  }
}

/** Checks magic, version and trailing CRC; returns a reader positioned after the header. */
function openChecked(buf: Buffer, magic: number, what: string): Reader {
  if (buf.length < 9) {
    throw new BlockCorruptError(`cannot decode ${what}: ${buf.length} bytes, want at least 9`);
  }
  const want = buf.readUInt32LE(buf.length - 4);
  const got = crc32(buf.subarray(0, buf.length - 4));
  if (got !== want) {
    throw new BlockCorruptError(
      `cannot decode ${what}: checksum mismatch (got ${got.toString(16)}, want ${want.toString(16)})`,
    );
  }
  const r = new Reader(buf.subarray(0, buf.length - 4), what);
  const m = r.u32();
  if (m !== magic) {
    throw new BlockCorruptError(
      `cannot decode ${what}: magic ${m.toString(16)}, want ${magic.toString(16)}`,
    );
  }
  const v = r.u8();
  if (v !== FORMAT_VERSION) {
    throw new BlockCorruptError(`cannot decode ${what}: version ${v}, want ${FORMAT_VERSION}`);
  }
  return r;
}

export function encodeIndex(ix: BlockIndex): Buffer {
  const w = new Writer();
  w.u32(INDEX_MAGIC);
  w.u8(FORMAT_VERSION);
  w.str(ix.tenant);
  w.uvarint(ix.sources.length);
  for (const s of ix.sources) w.str(s);
  w.uvarint(ix.streams.length);
  for (const ls of ix.streams) {
    w.uvarint(ls.flat.length);
    for (const s of ls.flat) w.str(s);
  }
  w.uvarint(ix.chunks.length);
  for (const c of ix.chunks) {
    w.uvarint(c.stream);
    w.i64(c.mint);
    w.i64(c.maxt);
    w.uvarint(c.entries);
    w.uvarint(c.rawBytes);
    w.uvarint(c.offset);
    w.uvarint(c.size);
    w.u8(FORMAT_CODES[c.format] | (c.settled ? SETTLED_FLAG : 0));
    w.u32(c.crc);
    w.bytes(c.bloom);
  }
  return w.finish();
}

export function decodeIndex(buf: Buffer, what: string): BlockIndex {
  const r = openChecked(buf, INDEX_MAGIC, what);
  const tenant = r.str();
  const sources: string[] = new Array<string>(r.uvarint());
  for (let i = 0; i < sources.length; i++) sources[i] = r.str();
  const streams: Labels[] = new Array<Labels>(r.uvarint());
  for (let i = 0; i < streams.length; i++) {
    const flat: string[] = new Array<string>(r.uvarint());
    for (let j = 0; j < flat.length; j++) flat[j] = r.str();
    try {
      streams[i] = Labels.fromSortedFlat(flat);
    } catch (err) {
      throw new BlockCorruptError(`cannot decode ${what}: stream ${i}`, { cause: err });
    }
  }
  const chunks: IndexChunk[] = new Array<IndexChunk>(r.uvarint());
  for (let i = 0; i < chunks.length; i++) {
    const stream = r.uvarint();
    const mint = r.i64();
    const maxt = r.i64();
    const entries = r.uvarint();
    const rawBytes = r.uvarint();
    const offset = r.uvarint();
    const size = r.uvarint();
    const code = r.u8();
    const crc = r.u32();
    // A view, not a copy: blooms are most of the index, so keeping its buffer costs little.
    const bloom = r.bytes();
    const format = CODE_FORMATS[code & ~SETTLED_FLAG];
    const settled = (code & SETTLED_FLAG) !== 0;
    if (format === undefined || stream >= streams.length || mint > maxt) {
      throw new BlockCorruptError(
        `cannot decode ${what}: chunk ${i}: format ${code}, stream ${stream} of ${streams.length}, [${mint}, ${maxt}]`,
      );
    }
    chunks[i] = {
      stream,
      mint,
      maxt,
      entries,
      rawBytes,
      offset,
      size,
      format,
      settled,
      crc,
      bloom,
    };
  }
  return { tenant, sources, streams, chunks };
}

/** Tombstones: the indexes (in the block's chunk list) of chunks dropped by retention. */
export function encodeTombstones(dropped: Iterable<number>): Buffer {
  const sorted = [...dropped].sort((a, b) => a - b);
  const w = new Writer();
  w.u32(TOMBSTONES_MAGIC);
  w.u8(FORMAT_VERSION);
  w.uvarint(sorted.length);
  for (const i of sorted) w.uvarint(i);
  return w.finish();
}

export function decodeTombstones(buf: Buffer, what: string): number[] {
  const r = openChecked(buf, TOMBSTONES_MAGIC, what);
  const out: number[] = new Array<number>(r.uvarint());
  for (let i = 0; i < out.length; i++) out[i] = r.uvarint();
  return out;
}

export function chunksHeader(): Buffer {
  const b = Buffer.alloc(CHUNKS_HEADER_BYTES);
  b.writeUInt32LE(CHUNKS_MAGIC, 0);
  b[4] = FORMAT_VERSION;
  return b;
}
