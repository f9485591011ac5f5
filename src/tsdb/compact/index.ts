/**
 * @module tsdb/compact
 * Compaction planning (leveled ranges as in Prometheus), merging blocks, and retention by
 * time and size. Internal to tsdb; pure functions over BlockMeta plus `compactBlocks`.
 */
export { compactBlocks, mergeSeries, mergeChunks } from './compact.js';
export { planCompaction, compactionRanges, splitByRange } from './plan.js';
export { retentionVictims, type RetentionOptions } from './retention.js';
