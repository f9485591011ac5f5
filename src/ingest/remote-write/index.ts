/**
 * @module ingest/remote-write
 * Prometheus remote_write 1.0 receiver: snappy + protobuf decoding straight from the request
 * buffer into an Appender, with all-or-nothing batches and limits. HTTP-free: the api module
 * maps RemoteWriteError.status to the response. Also the WriteRequest encoder (agent, benches).
 */
export { remoteWriteConfigSchema, type RemoteWriteConfig } from './config.js';
export {
  encodeWriteRequest,
  METRIC_TYPE_NUMBERS,
  type EncodeSeries,
  type EncodeMetadata,
} from './encode.js';
export {
  RemoteWriteIngester,
  DEFAULT_INGESTER_OPTIONS,
  type IngesterOptions,
  type IngestResult,
  type Admit,
} from './ingester.js';
export { RemoteWriteError, type RejectReason } from './errors.js';
export { decompress } from './snappy.js';
