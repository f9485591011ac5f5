/**
 * RFC 6587 TCP framing, detected per frame: octet counting (`LEN SP MSG`, a frame starting with
 * a digit) or non-transparent framing (a frame ended by LF or NUL; CR before LF dropped).
 * Frames longer than `maxSize` are cut to `maxSize` bytes (the rest skipped) and reported as
 * truncated. Buffers are copied only when a frame spans reads.
 */
export class FrameDecoder {
  private pending: Buffer | undefined;
  /** Bytes of an over-long octet-counted frame still to skip. */
  private skip = 0;
  /** Skipping the rest of an over-long LF frame up to its terminator. */
  private skipLine = false;

  constructor(
    private readonly maxSize: number,
    private readonly emit: (frame: Buffer, truncated: boolean) => void,
  ) {}

  push(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let i = 0;
    while (i < buf.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      if (this.skipLine) {
        const end = findTerminator(buf, i);
        if (end < 0) return;
        this.skipLine = false;
        i = end + 1;
        continue;
      }
      const c = buf[i];
      if (c === 10 || c === 0 || c === 13 || c === 32) {
        i++; // stray terminators between frames
        continue;
      }
      if (c >= 48 && c <= 57) {
        // Octet counting: up to 10 digits then SP.
        let j = i;
        let len = 0;
        while (j < buf.length && j - i < 10 && buf[j] >= 48 && buf[j] <= 57) {
          len = len * 10 + buf[j] - 48;
          j++;
        }
        if (j === buf.length) break; // length not complete yet
        if (buf[j] === 32) {
          const start = j + 1;
          if (len > this.maxSize) {
            const have = Math.min(this.maxSize, buf.length - start);
            if (have < this.maxSize) break; // wait for the kept part
            this.emit(buf.subarray(start, start + this.maxSize), true);
            this.skip = len - this.maxSize;
            i = start + this.maxSize;
            continue;
          }
          if (buf.length - start < len) break;
          this.emit(buf.subarray(start, start + len), false);
          i = start + len;
          continue;
        }
        // Digits not followed by SP: not octet counting, treat as a line.
      }
      const end = findTerminator(buf, i);
      if (end < 0) {
        if (buf.length - i > this.maxSize) {
          this.emit(buf.subarray(i, i + this.maxSize), true);
          this.skipLine = true;
          i = buf.length;
          continue;
        }
        break;
      }
      let stop = end;
      if (stop > i && buf[stop - 1] === 13) stop--;
      if (stop - i > this.maxSize) this.emit(buf.subarray(i, i + this.maxSize), true);
      else this.emit(buf.subarray(i, stop), false);
      i = end + 1;
    }
    if (i < buf.length) {
      // Copy: the caller's chunk may be reused; keep only the unconsumed tail.
      buf = buf.subarray(i);
      this.pending = Buffer.from(buf);
    }
  }

  /** At end of stream: a last unterminated line is still a message. */
  end(): void {
    const rest = this.pending;
    this.pending = undefined;
    if (!rest || rest.length === 0 || this.skip > 0 || this.skipLine) return;
    if (rest[0] >= 48 && rest[0] <= 57 && /^\d+ /.test(rest.subarray(0, 12).toString('latin1')))
      return; // an incomplete octet-counted frame: drop rather than store half
    let stop = rest.length;
    if (rest[stop - 1] === 13) stop--;
    if (stop > this.maxSize) this.emit(rest.subarray(0, this.maxSize), true);
    else if (stop > 0) this.emit(rest.subarray(0, stop), false);
  }

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }
}

function findTerminator(buf: Buffer, from: number): number {
  for (let k = from; k < buf.length; k++) {
    const c = buf[k];
    if (c === 10 || c === 0) return k;
  }
  return -1;
}
