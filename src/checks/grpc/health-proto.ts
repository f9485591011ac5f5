/**
 * The wire format of `grpc.health.v1.Health/Check`: gRPC's length-prefixed message framing and
 * the two tiny protobuf messages (HealthCheckRequest{string service = 1},
 * HealthCheckResponse{ServingStatus status = 1}), written by hand instead of a protobuf
 * toolchain.
 */
import { ArgusError, ProtoReader, WIRE_VARINT } from '../../util/index.js';

export const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;

/** gRPC status code names, by code. */
export const GRPC_CODES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export class GrpcWireError extends ArgusError {}

/** A gRPC data frame (uncompressed) carrying HealthCheckRequest{service}. */
export function encodeHealthRequest(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  const msg = name.length === 0 ? Buffer.alloc(0) : Buffer.concat([tagLen(name.length), name]);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(msg.length, 1);
  return Buffer.concat([head, msg]);
}

function tagLen(n: number): Buffer {
  const out = [0x0a]; // field 1, wire type 2
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

class HealthReader extends ProtoReader {
  fail(reason: string, at = this.pos): never {
    throw new GrpcWireError(`cannot decode HealthCheckResponse: ${reason} at byte ${at}`);
  }
}

/**
 * The serving status (a number; see SERVING_STATUS) of the first message in the response body
 * `body` (gRPC framing). A missing field is UNKNOWN (0), as protobuf defaults say.
 * @throws GrpcWireError on a truncated, compressed or malformed message.
 */
export function decodeHealthResponse(body: Buffer): number {
  if (body.length < 5)
    throw new GrpcWireError(
      `cannot decode gRPC message: got ${body.length} bytes, want a 5-byte prefix`,
    );
  if (body[0] !== 0)
    throw new GrpcWireError(
      'cannot decode gRPC message: compressed, but no compression was offered',
    );
  const len = body.readUInt32BE(1);
  if (body.length < 5 + len)
    throw new GrpcWireError(
      `cannot decode gRPC message: got ${body.length - 5} bytes, want ${len}`,
    );
  const r = new HealthReader(body.subarray(5, 5 + len));
  let status = 0;
  while (r.pos < len) {
    const [field, wire] = r.tag(len);
    if (field === 1) {
      r.expect('status', wire, WIRE_VARINT);
      status = r.varint(len);
    } else r.skip(wire, len);
  }
  return status;
}
