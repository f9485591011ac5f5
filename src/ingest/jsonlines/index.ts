/**
 * @module ingest/jsonlines
 * JSON lines log input (`POST /insert/jsonline`, VictoriaLogs-compatible naming): one JSON object
 * per line, message/time/stream fields chosen by `_msg_field`, `_time_field`, `_stream_fields`.
 * HTTP-free.
 */
export { decodeJsonLines, JSONLINE_DEFAULTS, type JsonLinesResult } from './decode.js';
