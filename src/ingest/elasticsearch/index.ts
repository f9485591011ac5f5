/**
 * @module ingest/elasticsearch
 * Elasticsearch `_bulk` subset for log shippers (Filebeat, Logstash, Fluent Bit, Vector): NDJSON
 * index/create actions into log entries, per-item results in the ES bulk response shape, and the
 * ES 8 info document clients probe. HTTP-free.
 */
export { decodeBulk, BULK_DEFAULTS, type BulkItem, type BulkResult } from './decode-bulk.js';
export { esInfo, ES_COMPAT_VERSION } from './info.js';
