import { ExpositionError, ExpositionLimitError } from './errors.js';

/** Protobuf wire types. */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

/**
 * A protobuf exposition body that cannot be decoded. There are no lines: `offset` is the byte
 * where the problem was found; `detail` reads `byte 12: field length 900 runs past …`.
 */
export class ProtoExpositionError extends ExpositionError {
  constructor(
    readonly offset: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('protobuf', 0, reason, options);
    this.message = protoMessage(offset, reason);
  }

  override get detail(): string {
    return `byte ${this.offset}: ${this.reason}`;
  }
}

/** A protobuf body broke one of the caller's limits (an ExpositionLimitError, like the text one). */
export class ProtoExpositionLimitError extends ExpositionLimitError {
  constructor(
    readonly offset: number,
    reason: string,
  ) {
    super('protobuf', 0, reason);
    this.message = protoMessage(offset, reason);
  }

  override get detail(): string {
    return `byte ${this.offset}: ${this.reason}`;
  }
}

function protoMessage(offset: number, reason: string): string {
  return `cannot decode protobuf exposition: byte ${offset}: ${reason}`;
}

const strict = new TextDecoder('utf-8', { fatal: true });

/**
 * A bounds-checked cursor over protobuf bytes. Every read takes the end of the enclosing message
 * and throws ProtoExpositionError on anything truncated or malformed, so hostile bytes never read
 * past a message nor allocate from a forged length.
 */
export class ProtoReader {
  pos = 0;
  /** Prefixed to failures, e.g. `metric family "up"`, once the family's name is known. */
  ctx = '';
  private readonly dv: DataView;

  constructor(readonly buf: Uint8Array) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(reason: string, at = this.pos, cause?: unknown): never {
    throw new ProtoExpositionError(at, this.ctx === '' ? reason : `${this.ctx}: ${reason}`, {
      cause,
    });
  }

  /** A varint as a number: exact up to 2^53, approximate beyond (uint64 counts). */
  varint(end: number): number {
    const b = this.buf;
    let p = this.pos;
    let r = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= end) this.fail('truncated varint');
      const c = b[p++];
      r += (c & 0x7f) * mul;
      if (c < 0x80) {
        this.pos = p;
        return r;
      }
      mul *= 128;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** An int64 varint (two's complement for negatives) as a number. */
  int64(end: number): number {
    const b = this.buf;
    let p = this.pos;
    let r = 0n;
    for (let i = 0; i < 10; i++) {
      if (p >= end) this.fail('truncated varint');
      const c = b[p++];
      r |= BigInt(c & 0x7f) << BigInt(7 * i);
      if (c < 0x80) {
        this.pos = p;
        return Number(BigInt.asIntN(64, r));
      }
    }
    return this.fail('varint longer than 10 bytes');
  }

  double(end: number): number {
    if (this.pos + 8 > end) this.fail('truncated double');
    const v = this.dv.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and returns the end of the field, checked against `end`. */
  lenEnd(end: number): number {
    const at = this.pos;
    const n = this.varint(end);
    const e = this.pos + n;
    if (e > end) this.fail(`length ${n} runs past the end of its message (byte ${end})`, at);
    return e;
  }

  /** A length-delimited UTF-8 string; invalid UTF-8 fails naming `what`. */
  string(end: number, what: string): string {
    const e = this.lenEnd(end);
    let s: string;
    try {
      s = strict.decode(this.buf.subarray(this.pos, e));
    } catch (err) {
      return this.fail(`${what} is not valid UTF-8`, this.pos, err);
    }
    this.pos = e;
    return s;
  }

  /** Skips a field of wire type `wire` (its tag already read); groups are refused. */
  skip(wire: number, end: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint(end);
        return;
      case WIRE_I64:
        if (this.pos + 8 > end) this.fail('truncated fixed64');
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lenEnd(end);
        return;
      case WIRE_I32:
        if (this.pos + 4 > end) this.fail('truncated fixed32');
        this.pos += 4;
        return;
      default:
        this.fail(`unsupported wire type ${wire}`);
    }
  }

  /** Reads a tag; returns [field number, wire type]. */
  tag(end: number): [number, number] {
    const at = this.pos;
    const t = this.varint(end);
    const field = Math.floor(t / 8);
    if (field === 0) this.fail('field number 0', at);
    return [field, t % 8];
  }

  /** Throws unless a known field arrived with its declared wire type. */
  expect(field: string, got: number, want: number, at: number): void {
    if (got !== want) this.fail(`field ${field} has wire type ${got}, want ${want}`, at);
  }
}
