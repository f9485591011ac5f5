/**
 * @module tsdb/block
 * Immutable on-disk blocks (docs/format/block.md, index.md): writing a block atomically,
 * opening and querying it, quarantining damaged ones, snapshots. Internal to tsdb.
 */
export { Block, type BlockOpenOptions } from './block.js';
export { BlockQuerier, postingsForMatchers } from './block-querier.js';
export { CorruptBlockError, BlockWriteError } from './errors.js';
export { type BlockMeta, readMeta } from './meta.js';
export { openBlocks, QUARANTINE_DIR, type OpenBlocksResult } from './open.js';
export { snapshotBlocks } from './snapshot.js';
export { newUlid, isUlid, ulidTime } from './ulid.js';
export { writeBlock, type ChunkMeta, type SeriesChunks, type WriteBlockOptions } from './writer.js';
