/**
 * @module ingest/otlp
 * OTLP/HTTP receiver. Logs: ExportLogsServiceRequest decoding (protobuf walked over the buffer,
 * JSON) and Loki's OTLP mapping to log streams (`otlpLogsToBatch`). Metrics: hand-walked protobuf and OTLP/JSON decoding of
 * ExportMetricsServiceRequest (gzip allowed, bounded), conversion to Prometheus series per the
 * OpenTelemetry→Prometheus compatibility spec (names, units, labels, job/instance/target_info,
 * delta → cumulative, exponential → classic histograms), appended all-or-nothing through the
 * Appendable seam. HTTP-free: the api module maps OtlpError.status to the response and
 * OtlpIngestResult.rejectedDataPoints to `partial_success`.
 */
export { otlpConfigSchema, type OtlpConfig } from './config.js';
export {
  OtlpMetricsIngester,
  DEFAULT_OTLP_OPTIONS,
  bodyFormat,
  type OtlpIngesterOptions,
  type OtlpBodyInfo,
  type OtlpIngestResult,
} from './ingester.js';
export { OtlpError, type OtlpRejectReason } from './errors.js';
export { DEFAULT_DELTA_OPTIONS, type DeltaOptions } from './delta.js';
export { DEFAULT_DECODE_LIMITS, type DecodeLimits } from './types.js';
export { metricName, labelName } from './naming.js';
export { decodeLogsProto } from './logs-decode-proto.js';
export { decodeLogsJson } from './logs-decode-json.js';
export { otlpLogsToBatch, OTLP_LOG_STREAM_ATTRIBUTES } from './logs-convert.js';
export type {
  OtlpLogsRequest,
  OtlpResourceLogs,
  OtlpScopeLogs,
  OtlpLogRecord,
} from './logs-types.js';
