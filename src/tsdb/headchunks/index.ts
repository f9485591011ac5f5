/**
 * @module tsdb/headchunks
 * Persisted head chunks (`<tenant>/chunks_head/`): closed head chunks are appended to files as
 * they complete, and loaded at start-up so WAL replay only re-encodes the samples after each
 * series' last persisted chunk. An accelerator only: the WAL stays the source of truth, and a
 * damaged or missing file costs replay speed, never data. Format: docs/format/head-chunks.md.
 */
export {
  type HeadChunkFile,
  type LoadResult,
  loadHeadChunks,
  ChainLinker,
  RecordTable,
} from './reader.js';
export {
  HeadChunkWriter,
  type HeadChunkWriterOptions,
  type HeadChunkWriterStats,
  DEFAULT_MAX_FILE_SIZE,
} from './writer.js';
export { type PersistedChunk, type ChunkRecord } from './format.js';
