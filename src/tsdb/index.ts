/**
 * @module tsdb
 * Argus's embedded time-series store: in-memory head (Gorilla-compressed chunks, postings
 * index), write-ahead log, immutable on-disk blocks, compaction and retention. Implements the
 * `storage` seams (Appendable, Queryable, MetadataStore) per tenant.
 */
export { tsdbConfigSchema, defaultTsdbConfig, type TsdbConfig } from './config.js';
