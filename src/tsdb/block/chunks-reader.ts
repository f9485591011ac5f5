import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { ENCODING_XOR } from '../chunkenc/index.js';
import { ByteReader, DecodeError } from './encoding.js';
import { CorruptBlockError } from './errors.js';
import {
  CHUNKS_HEADER_SIZE,
  CHUNKS_MAGIC,
  CHUNKS_VERSION,
  refOffset,
  refSegment,
  segmentName,
} from './chunks-writer.js';

/** Bytes read past the last wanted chunk's start, so one positional read usually covers it. */
const READ_AHEAD = 1024;
const SCAN_BUF = 4 << 20;
/** Read window for sequential access, and the largest gap still counted as sequential. */
const WINDOW = 256 << 10;
const SEQ_GAP = 64 << 10;

/**
 * Positional reads of chunks from a block's segment files. File descriptors stay open until
 * `close()`; reads are synchronous (`fs.readSync` at an offset, no shared file position), so
 * concurrent readers do not interfere.
 */
export class ChunkReader {
  /** Last read window (its views may still be held by iterators: never reused in place). */
  private win: Buffer | undefined;
  private winSeg = 0;
  private winStart = 0;
  private lastEnd = 0;

  private constructor(
    private readonly dir: string,
    private readonly fds: number[],
    readonly sizes: number[],
  ) {}

  /** Opens every segment and checks its header (magic, version). */
  static open(dir: string): ChunkReader {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (err) {
      throw new CorruptBlockError(`cannot open chunks dir ${dir}`, { cause: err });
    }
    const fds: number[] = [];
    const sizes: number[] = [];
    try {
      for (let i = 0; i < names.length; i++) {
        if (names[i] !== segmentName(i + 1)) {
          throw new CorruptBlockError(
            `cannot open chunks dir ${dir}: segment ${i + 1}: got file ${JSON.stringify(names[i])}, want "${segmentName(i + 1)}"`,
          );
        }
        const fd = openSync(`${dir}/${names[i]}`, 'r');
        fds.push(fd);
        const size = fstatSync(fd).size;
        sizes.push(size);
        const h = Buffer.alloc(CHUNKS_HEADER_SIZE);
        const n = readSync(fd, h, 0, CHUNKS_HEADER_SIZE, 0);
        if (n < CHUNKS_HEADER_SIZE || h.readUInt32BE(0) !== CHUNKS_MAGIC) {
          throw new CorruptBlockError(
            `cannot open chunk segment ${dir}/${names[i]}: bad magic: got 0x${n >= 4 ? h.readUInt32BE(0).toString(16) : '(short file)'}, want 0x${CHUNKS_MAGIC.toString(16)}`,
          );
        }
        if (h[4] !== CHUNKS_VERSION) {
          throw new CorruptBlockError(
            `cannot open chunk segment ${dir}/${names[i]}: version: got ${h[4]}, want ${CHUNKS_VERSION}`,
          );
        }
      }
    } catch (err) {
      for (const fd of fds) closeSync(fd);
      if (err instanceof CorruptBlockError) throw err;
      throw new CorruptBlockError(`cannot open chunks dir ${dir}`, { cause: err });
    }
    return new ChunkReader(dir, fds, sizes);
  }

  get numSegments(): number {
    return this.fds.length;
  }

  /** Total bytes of all segment files. */
  get totalBytes(): number {
    let s = 0;
    for (const x of this.sizes) s += x;
    return s;
  }

  /**
   * Reads the chunks `refs[from, to)` (ascending refs, as stored for one series) and returns
   * their payloads (views into a fresh buffer, owned by the caller). CRCs are checked.
   */
  read(refs: ArrayLike<number>, from: number, to: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let i = from;
    while (i < to) {
      // One read per run of refs in the same segment.
      const seg = refSegment(refs[i]);
      let j = i + 1;
      while (j < to && refSegment(refs[j]) === seg && refs[j] > refs[j - 1]) j++;
      this.readRun(refs, i, j, seg, out);
      i = j;
    }
    return out;
  }

  private segment(seg: number, ref: number): { fd: number; size: number } {
    const fd = this.fds[seg - 1];
    if (fd === undefined) {
      throw new CorruptBlockError(
        `cannot read chunk ${ref} in ${this.dir}: segment ${seg} does not exist (have ${this.fds.length})`,
      );
    }
    return { fd, size: this.sizes[seg - 1] };
  }

  private readRun(
    refs: ArrayLike<number>,
    from: number,
    to: number,
    seg: number,
    out: Uint8Array[],
  ): void {
    const { fd, size } = this.segment(seg, refs[from]);
    const start = refOffset(refs[from]);
    const want = Math.min(size, refOffset(refs[to - 1]) + READ_AHEAD);
    let base: number;
    let buf: Buffer;
    if (
      this.win !== undefined &&
      this.winSeg === seg &&
      this.winStart <= start &&
      want <= this.winStart + this.win.length
    ) {
      base = this.winStart;
      buf = this.win;
    } else {
      // Sequential access (compaction, big selects walk series in id order, and their chunks
      // are laid out in that order): read a large window to save syscalls.
      const sequential =
        this.winSeg === seg && start >= this.lastEnd && start - this.lastEnd < SEQ_GAP;
      const end = sequential ? Math.min(size, Math.max(want, start + WINDOW)) : want;
      base = start;
      buf = this.pread(fd, start, end - start, seg, refs[from]);
      this.win = buf;
      this.winSeg = seg;
      this.winStart = start;
    }
    for (let k = from; k < to; k++) {
      const off = refOffset(refs[k]) - base;
      let r = new ByteReader(buf, off);
      let len: number;
      try {
        len = r.uvarint();
      } catch (err) {
        throw this.corrupt(refs[k], 'truncated length', err);
      }
      const total = r.pos - off + 1 + len + 4;
      if (off + total > buf.length) {
        if (k !== to - 1 || base + off + total > size)
          throw this.corrupt(
            refs[k],
            `chunk of ${len} bytes runs past the end of the segment (${size} bytes)`,
          );
        buf = this.pread(fd, base + off, total, seg, refs[k]);
        r = new ByteReader(buf, r.pos - off);
      }
      out.push(this.check(buf, r.pos, len, refs[k]));
      this.lastEnd = base + off + total;
    }
  }

  private check(buf: Buffer, encAt: number, len: number, ref: number): Uint8Array {
    const enc = buf[encAt];
    const data = buf.subarray(encAt + 1, encAt + 1 + len);
    const want = buf.readUInt32BE(encAt + 1 + len);
    const got = crc32(buf.subarray(encAt, encAt + 1 + len));
    if (got !== want)
      throw this.corrupt(
        ref,
        `CRC32 mismatch: got 0x${got.toString(16)}, want 0x${want.toString(16)}`,
      );
    if (enc !== ENCODING_XOR)
      throw this.corrupt(ref, `encoding: got ${enc}, want ${ENCODING_XOR} (XOR)`);
    return data;
  }

  private pread(fd: number, pos: number, len: number, seg: number, ref: number): Buffer {
    if (pos < CHUNKS_HEADER_SIZE || len <= 0)
      throw this.corrupt(ref, `offset ${pos} outside segment ${seg}`);
    const buf = Buffer.allocUnsafe(len);
    const n = readSync(fd, buf, 0, len, pos);
    if (n < len) throw this.corrupt(ref, `short read: got ${n} bytes, want ${len}`);
    return buf;
  }

  private corrupt(ref: number, what: string, cause?: unknown): CorruptBlockError {
    return new CorruptBlockError(
      `cannot read chunk ${refSegment(ref)}:${refOffset(ref)} in ${this.dir}: ${what}`,
      cause === undefined ? undefined : { cause },
    );
  }

  /**
   * Reads every segment sequentially and checks each chunk's framing and CRC. Returns the
   * number of chunks; throws CorruptBlockError at the first damage.
   */
  verify(): number {
    let count = 0;
    for (let s = 1; s <= this.fds.length; s++) {
      const { fd, size } = this.segment(s, 0);
      let pos = CHUNKS_HEADER_SIZE;
      while (pos < size) {
        const len = Math.min(SCAN_BUF, size - pos);
        const buf = this.pread(fd, pos, len, s, s * 4294967296 + pos);
        let p = 0;
        for (;;) {
          if (pos + p >= size) break;
          const r = new ByteReader(buf, p);
          let n: number;
          try {
            n = r.uvarint();
          } catch (err) {
            if (!(err instanceof DecodeError) || pos + buf.length >= size) {
              throw this.corrupt(s * 4294967296 + pos + p, 'truncated length', err);
            }
            break; // varint straddles the buffer end: re-read from here
          }
          const end = r.pos + 1 + n + 4;
          if (end > buf.length) {
            if (pos + p + (end - p) > size) {
              throw this.corrupt(
                s * 4294967296 + pos + p,
                `chunk of ${n} bytes runs past the end of the segment (${size} bytes)`,
              );
            }
            if (p === 0) {
              // A chunk bigger than the scan buffer: read it alone.
              const big = this.pread(fd, pos, end, s, s * 4294967296 + pos);
              this.check(big, r.pos, n, s * 4294967296 + pos);
              count++;
              p = end;
            }
            break;
          }
          this.check(buf, r.pos, n, s * 4294967296 + pos + p);
          count++;
          p = end;
        }
        pos += p;
      }
    }
    return count;
  }

  close(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
  }
}
