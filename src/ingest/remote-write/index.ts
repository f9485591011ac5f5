/**
 * @module ingest/remote-write
 * Prometheus remote_write 1.0 receiver: snappy + protobuf decoding straight from the request
 * buffer into an Appender, with all-or-nothing batches and limits.
 */
export { remoteWriteConfigSchema, type RemoteWriteConfig } from './config.js';
export {
  encodeWriteRequest,
  METRIC_TYPE_NUMBERS,
  type EncodeSeries,
  type EncodeMetadata,
} from './encode.js';
