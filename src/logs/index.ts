/**
 * @module logs
 * The embedded log store (issue #9, ADR 0005): per-stream heads with a WAL, sealing into
 * compressed chunks with token blooms, a chunk store on disk with retention and compaction,
 * live tail. `LogStore` implements the log seams of `storage` (LogAppendable, LogQueryable,
 * LogTailable) per tenant. Formats: docs/format/logs-*.md.
 */
export { LogStore, type LogStoreOptions, type LogStoreStats } from './store.js';
export {
  logsStoreConfigSchema,
  defaultLogsStoreConfig,
  outOfOrderWindowMs,
  type LogsStoreConfig,
} from './config.js';
export { defaultLogLimits, TRUNCATION_MARKER, type LogLimits } from './limits.js';
export { inlineChunkEncoder, type ChunkEncoder } from './store-encoder.js';
export { LogWalCorruptionError } from './head-wal.js';
export { ChunkEncoderPool } from './chunk-pool.js';
export { FileChunkStore, type FileChunkStoreOptions } from './chunk-store.js';
export type { ChunkStore, RetentionPolicy, ChunkMeta, SealedChunk, ChunkData } from './types.js';
