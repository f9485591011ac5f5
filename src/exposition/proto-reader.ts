import { ProtoReader as BaseProtoReader } from '../util/index.js';
import { ExpositionError, ExpositionLimitError } from './errors.js';

export { WIRE_VARINT, WIRE_I64, WIRE_LEN, WIRE_I32 } from '../util/index.js';

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

/** The shared protobuf cursor, failing with ProtoExpositionError (byte offset and reason). */
export class ProtoReader extends BaseProtoReader {
  /** Prefixed to failures, e.g. `metric family "up"`, once the family's name is known. */
  ctx = '';

  fail(reason: string, at = this.pos, cause?: unknown): never {
    throw new ProtoExpositionError(at, this.ctx === '' ? reason : `${this.ctx}: ${reason}`, {
      cause,
    });
  }
}
