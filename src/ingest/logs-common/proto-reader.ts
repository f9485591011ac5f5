import { ProtoReader } from '../../util/index.js';
import { LogInputError } from './errors.js';

/**
 * A protobuf cursor for the log inputs: strings replace invalid UTF-8 with U+FFFD instead of
 * failing (logs never fail on it), bytes can be read as hex (trace ids), and every decode error
 * is a 400 `LogInputError` naming the request kind (`what`) and the byte.
 */
export class LogProtoReader extends ProtoReader {
  private readonly b: Buffer;
  constructor(
    buf: Uint8Array,
    private readonly what: string,
  ) {
    super(buf);
    this.b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  fail(reason: string, at = this.pos, cause?: unknown): never {
    throw new LogInputError(400, `cannot decode ${this.what}: ${reason} (byte ${at})`, { cause });
  }
  /** A length-delimited string, invalid UTF-8 replaced by U+FFFD. */
  text(end: number): string {
    return this.decode('utf8', end);
  }
  /** A length-delimited byte string as lowercase hex. */
  hex(end: number): string {
    return this.decode('hex', end);
  }
  private decode(enc: 'utf8' | 'hex', end: number): string {
    const e = this.lenEnd(end);
    const s = this.b.toString(enc, this.pos, e);
    this.pos = e;
    return s;
  }
}
