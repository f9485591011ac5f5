/**
 * @module tsdb/wal
 * The TSDB's write-ahead log: checksummed record batches in numbered segment files, group commit
 * (one shared fsync for concurrent writers), repair of damaged tails, Prometheus-style
 * checkpoints, and the record codecs the head writes (series, samples, metadata). Format and
 * durability modes: docs/format/wal.md.
 */
export { Wal, type WalOptions, type WalStats, type FsyncMode } from './wal.js';
export type { ReplayStats, CorruptionReport, RecordFn, ProgressFn } from './wal-replay.js';
export type { CheckpointFilter } from './wal-checkpoint.js';
export type { WalLogger } from './wal-files.js';
export { WalWriteError, WalCorruptionError, WalUsageError } from './errors.js';
export { MAX_RECORD_SIZE } from './format.js';
export {
  RecordType,
  recordType,
  encodeSeries,
  decodeSeries,
  encodeSamples,
  decodeSamples,
  decodeSamplesInto,
  sampleCount,
  encodeMetadata,
  decodeMetadata,
  type SeriesEntry,
  type MetadataEntry,
} from './records.js';
