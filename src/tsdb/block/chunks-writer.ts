import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { ByteWriter } from './encoding.js';

/** "ARGC": first 4 bytes of every chunk segment file. */
export const CHUNKS_MAGIC = 0x41524743;
export const CHUNKS_VERSION = 1;
/** Magic (4) + version (1) + 3 reserved zero bytes. */
export const CHUNKS_HEADER_SIZE = 8;
export const DEFAULT_SEGMENT_BYTES = 512 * 2 ** 20;

const FLUSH_BYTES = 1 << 20;
const TWO32 = 4294967296;

/** Segment file name for sequence number `seq` (1-based): 000001, 000002, … */
export function segmentName(seq: number): string {
  return String(seq).padStart(6, '0');
}

/** A chunk reference: segment sequence number in the high bits, byte offset in the low 32. */
export function chunkRef(seq: number, offset: number): number {
  return seq * TWO32 + offset;
}

export function refSegment(ref: number): number {
  return Math.floor(ref / TWO32);
}

export function refOffset(ref: number): number {
  return ref % TWO32;
}

/**
 * Appends chunks to `<dir>/000001…` segment files, buffering writes in 1 MiB batches and cutting
 * a new segment when the next chunk would exceed `segmentBytes`. Segments are fsynced on close.
 */
export class ChunkWriter {
  private fh: FileHandle | undefined;
  private seq = 0;
  private offset = 0; // bytes in the current segment, including buffered ones
  private readonly buf = new ByteWriter(FLUSH_BYTES + 65536);
  numChunks = 0;
  bytesWritten = 0;

  constructor(
    private readonly dir: string,
    private readonly segmentBytes = DEFAULT_SEGMENT_BYTES,
  ) {}

  /** Writes one chunk; returns its reference. */
  async write(encoding: number, data: Uint8Array): Promise<number> {
    const size = varintSize(data.length) + 1 + data.length + 4;
    if (
      this.fh === undefined ||
      (this.offset + size > this.segmentBytes && this.offset > CHUNKS_HEADER_SIZE)
    ) {
      await this.cut();
    }
    const ref = chunkRef(this.seq, this.offset);
    const b = this.buf;
    b.uvarint(data.length);
    const encAt = b.len;
    b.u8(encoding);
    b.bytes(data);
    const crc = crc32(b.buf.subarray(encAt, b.len));
    b.u32(crc);
    this.offset += size;
    this.numChunks++;
    if (b.len >= FLUSH_BYTES) await this.flush();
    return ref;
  }

  private async flush(): Promise<void> {
    if (this.buf.len === 0 || this.fh === undefined) return;
    const v = this.buf.view();
    await this.fh.write(v, 0, v.length);
    this.bytesWritten += v.length;
    this.buf.reset();
  }

  private async finishSegment(): Promise<void> {
    if (this.fh === undefined) return;
    await this.flush();
    await this.fh.sync();
    await this.fh.close();
    this.fh = undefined;
  }

  private async cut(): Promise<void> {
    await this.finishSegment();
    this.seq++;
    this.fh = await open(`${this.dir}/${segmentName(this.seq)}`, 'w');
    this.buf.u32(CHUNKS_MAGIC);
    this.buf.u8(CHUNKS_VERSION);
    this.buf.u8(0);
    this.buf.u8(0);
    this.buf.u8(0);
    this.offset = CHUNKS_HEADER_SIZE;
  }

  /** Flushes, fsyncs and closes the last segment. */
  async close(): Promise<void> {
    await this.finishSegment();
  }

  /** Closes without fsync after a failure (the temp dir is removed by the caller). */
  async abort(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    if (fh) await fh.close().catch(() => undefined);
  }
}

function varintSize(n: number): number {
  let s = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    s++;
  }
  return s;
}
