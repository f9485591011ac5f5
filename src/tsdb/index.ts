/**
 * @module tsdb
 * Argus's embedded time-series store: in-memory head (Gorilla-compressed chunks, postings
 * index), write-ahead log, immutable on-disk blocks, compaction and retention. Implements the
 * `storage` seams (Appendable, Queryable, MetadataStore) per tenant. See README.md.
 */
export { tsdbConfigSchema, defaultTsdbConfig, type TsdbConfig } from './config.js';
export { Tsdb, type TsdbOptions } from './tsdb.js';
export type { TsdbStats, TenantStats, HeadStats } from './stats.js';
export type { RejectReason } from './head.js';
// The log store (#9) shares the WAL (segments, checksums, group commit): ADR 0005.
export {
  Wal,
  WalWriteError,
  WalCorruptionError,
  type WalOptions,
  type WalStats,
  type FsyncMode,
  type ReplayStats,
  type CorruptionReport,
} from './wal/index.js';
