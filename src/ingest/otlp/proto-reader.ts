import { ProtoReader as BaseProtoReader } from '../../util/index.js';
import { malformed } from './errors.js';

export { WIRE_VARINT, WIRE_I64, WIRE_LEN, WIRE_I32 } from '../../util/index.js';

/** The shared protobuf cursor, failing with a 400 ("cannot decode OTLP metrics request: …"). */
export class ProtoReader extends BaseProtoReader {
  fail(reason: string, at = this.pos, cause?: unknown): never {
    throw malformed(`${reason} (byte ${at})`, cause);
  }
}
