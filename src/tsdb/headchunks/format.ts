/**
 * Head chunk file format (docs/format/head-chunks.md): an 8-byte header (magic "AHCK", version,
 * reserved), then records `ref, minT, maxT, prevMaxT` (i64 LE), `encoding` (u8),
 * `uvarint(len)`, chunk bytes, for a partial (open) chunk its encoder state, CRC32 (u32 LE,
 * zlib's IEEE polynomial) of everything before it.
 */
import { crc32 } from 'node:zlib';
import { ENCODER_STATE_SIZE } from '../chunkenc/index.js';

export const MAGIC = Uint8Array.of(0x41, 0x48, 0x43, 0x4b); // "AHCK"
/** Version written; version 1 files (no partial records) are still read. */
export const VERSION = 2;
const MIN_VERSION = 1;
/** Encoding flag of a partial record: an open chunk's prefix plus its encoder state. */
export const PARTIAL_FLAG = 0x80;
export const FILE_HEADER_SIZE = 8;
/** Fixed part of a record before the length varint: 4 × i64 + encoding. */
const FIXED = 33;
const CRC_SIZE = 4;
const TWO32 = 2 ** 32;

/** File names: 8 decimal digits, consecutive per run, increasing. */
export const FILE_RE = /^\d{8}$/;

export function fileName(seq: number): string {
  return String(seq).padStart(8, '0');
}

/** One chunk as the head holds it. */
export interface PersistedChunk {
  readonly data: Uint8Array;
  readonly minT: number;
  readonly maxT: number;
  /**
   * Set for a partial chunk (an open chunk's samples so far): the encoder state
   * (`XorEncoder.saveState`) that lets replay continue it without re-encoding.
   */
  readonly state?: Uint8Array;
}

/** A record: a closed head chunk of series `ref`, linked to the series' previous chunk. */
export interface ChunkRecord {
  ref: number;
  minT: number;
  maxT: number;
  /**
   * maxT of the chunk before it in the head when it was closed, or -1 when the head held none:
   * the chunk then holds exactly the series' samples in (prevMaxT, maxT], which is what lets a
   * reader tell a complete chain of chunks from one with a lost record in the middle.
   */
  prevMaxT: number;
  /** Chunk encoding, PARTIAL_FLAG cleared. */
  encoding: number;
  data: Uint8Array;
  /** Encoder state of a partial record (see PersistedChunk). */
  state?: Uint8Array;
}

export function fileHeader(): Uint8Array {
  const h = new Uint8Array(FILE_HEADER_SIZE);
  h.set(MAGIC, 0);
  h[4] = VERSION;
  return h;
}

/** Why a file header is unusable, or null when it is fine. */
export function checkFileHeader(buf: Uint8Array): string | null {
  if (buf.length < FILE_HEADER_SIZE) return `file is ${buf.length} bytes, shorter than a header`;
  for (let i = 0; i < 4; i++) {
    if (buf[i] !== MAGIC[i]) return 'bad magic';
  }
  if (buf[4] < MIN_VERSION || buf[4] > VERSION) {
    return `unsupported version ${buf[4]} (want ${MIN_VERSION}..${VERSION})`;
  }
  return null;
}

/** Encoded size of a record of `c`. */
export function recordSize(c: PersistedChunk): number {
  const len = c.data.length;
  return (
    FIXED + uvarintSize(len) + len + (c.state === undefined ? 0 : ENCODER_STATE_SIZE) + CRC_SIZE
  );
}

/** Writes a record at `p` (the caller made room: recordSize); returns the position after it. */
export function putRecord(
  buf: Buffer,
  p: number,
  ref: number,
  c: PersistedChunk,
  prevMaxT: number,
  encoding: number,
): number {
  const start = p;
  p = putI64(buf, p, ref);
  p = putI64(buf, p, c.minT);
  p = putI64(buf, p, c.maxT);
  p = putI64(buf, p, prevMaxT);
  buf[p++] = c.state === undefined ? encoding : encoding | PARTIAL_FLAG;
  let len = c.data.length;
  while (len >= 0x80) {
    buf[p++] = (len & 0x7f) | 0x80;
    len >>>= 7;
  }
  buf[p++] = len;
  buf.set(c.data, p);
  p += c.data.length;
  if (c.state !== undefined) {
    buf.set(c.state, p);
    p += ENCODER_STATE_SIZE;
  }
  buf.writeUInt32LE(crc32(buf.subarray(start, p)), p);
  return p + CRC_SIZE;
}

/** Fields of one parsed record (reused across records: parsing allocates nothing). */
export class RecordFields {
  ref = 0;
  minT = 0;
  maxT = 0;
  prevMaxT = 0;
  /** Chunk encoding, PARTIAL_FLAG cleared. */
  encoding = 0;
  partial = false;
  /** Chunk bytes are buf[dataStart, dataEnd); a partial's state follows them. */
  dataStart = 0;
  dataEnd = 0;
  /** Offset of the next record. */
  next = 0;
}

/**
 * Parses the record at `p` (`p < buf.length`) into `f`; returns why it is unusable (truncated,
 * CRC mismatch, impossible fields), or null.
 */
export function readRecord(buf: Buffer, p: number, f: RecordFields): string | null {
  const start = p;
  if (buf.length - p < FIXED + 1 + CRC_SIZE) return 'truncated record';
  const ref = getI64(buf, p);
  const minT = getI64(buf, p + 8);
  const maxT = getI64(buf, p + 16);
  const prevMaxT = getI64(buf, p + 24);
  const partial = (buf[p + 32] & PARTIAL_FLAG) !== 0;
  p += FIXED;
  let len = 0;
  for (let shift = 0; ; shift += 7) {
    if (p >= buf.length || shift > 28) return 'bad length varint';
    const b = buf[p++];
    len += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  const dataEnd = p + len;
  const end = partial ? dataEnd + ENCODER_STATE_SIZE : dataEnd;
  if (end + CRC_SIZE > buf.length) return `truncated record (${len} chunk bytes)`;
  if (buf.readUInt32LE(end) !== crc32(buf.subarray(start, end))) return 'CRC mismatch';
  if (!(ref > 0 && minT >= 0 && minT <= maxT && prevMaxT >= -1 && prevMaxT < minT)) {
    return `bad record fields (ref ${ref}, minT ${minT}, maxT ${maxT}, prev ${prevMaxT})`;
  }
  f.ref = ref;
  f.minT = minT;
  f.maxT = maxT;
  f.prevMaxT = prevMaxT;
  f.encoding = buf[start + 32] & ~PARTIAL_FLAG;
  f.partial = partial;
  f.dataStart = p;
  f.dataEnd = dataEnd;
  f.next = end + CRC_SIZE;
  return null;
}

function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v >>>= 7;
    n++;
  }
  return n;
}

/** Integers of magnitude below 2^53, as two's-complement i64 LE. */
function putI64(buf: Buffer, p: number, v: number): number {
  const hi = Math.floor(v / TWO32);
  buf.writeUInt32LE(v - hi * TWO32, p);
  buf.writeInt32LE(hi, p + 4);
  return p + 8;
}

function getI64(buf: Buffer, p: number): number {
  return buf.readInt32LE(p + 4) * TWO32 + buf.readUInt32LE(p);
}
