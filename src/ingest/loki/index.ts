/**
 * @module ingest/loki
 * Loki push API decoders (`POST /loki/api/v1/push`): JSON (current and legacy forms) and
 * snappy-compressed protobuf `PushRequest`s walked over the buffer, into per-stream log batches.
 * HTTP-free: the api module maps LogInputError.status to the response.
 */
export { decodeLokiJson } from './decode-json.js';
export { decodeLokiProto } from './decode-proto.js';
export { decompressSnappy } from './snappy.js';
export { parseStreamSelector } from './selector.js';
