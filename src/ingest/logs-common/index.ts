/**
 * @module ingest/logs-common
 * Shared helpers of the log inputs (Loki push, OTLP logs, Elasticsearch _bulk, JSON lines):
 * grouping decoded entries into per-stream batches, Loki-style label name sanitising,
 * severity normalisation to `level`, timestamp parsing to ns, JSON documents as entries (`docToEntry`), and the
 * decoders' error type. HTTP-free.
 */
export { LogBatchBuilder, type LogBatch, type LogStreamBatch } from './batch.js';
export { LogInputError } from './errors.js';
export { LogProtoReader } from './proto-reader.js';
export { sanitizeLabelName } from './names.js';
export { normalizeLevel, levelOfSeverityNumber, type Level } from './severity.js';
export { parseTimestamp, nowNs } from './time.js';
export { fieldValue, uniqueFields } from './fields.js';
export { detectLevel } from './detect.js';
export { docToEntry, listParam, type DocOptions } from './doc.js';
