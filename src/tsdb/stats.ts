import type { TenantId } from '../model/index.js';
import type { TenantDb } from './db.js';
import { REJECT_REASONS, type RejectReason } from './head.js';

/** One tenant's figures. */
export interface TenantStats {
  tenant: TenantId;
  headSeries: number;
  headChunks: number;
  /** Time range of the head's samples (null when empty). */
  headMinTime: number | null;
  headMaxTime: number | null;
  samplesAppended: number;
  duplicates: number;
  seriesCreated: number;
  seriesRemoved: number;
  rejected: Record<RejectReason, number>;
  blocks: number;
  blockBytes: number;
  quarantinedBlocks: number;
  walBytes: number;
  walSegments: number;
  walFsyncs: number;
  walWrites: number;
  walWriteErrors: number;
  /** Samples restored by the last WAL replay and how long it took. */
  replayedSamples: number;
  replayMs: number;
  /** Damage the last open found and cut from the WAL (0 or 1) and the bytes it dropped. */
  walCorruptions: number;
  walDroppedBytes: number;
  /** Head chunk files and their bytes (0 when head chunks are off). */
  headChunkFiles: number;
  headChunkBytes: number;
  headChunkWriteErrors: number;
  /** Chunks the last open took from head chunk files instead of re-encoding WAL samples. */
  headChunksLoaded: number;
  /** WAL samples the last replay skipped because those loaded chunks hold them. */
  replaySamplesInChunks: number;
}

export interface TsdbStats {
  tenants: TenantStats[];
  compactions: number;
  compactionsFailed: number;
  /** Time `open()` took (all tenants' block opening and WAL replay). */
  replayDurationMs: number;
}

/** One tenant's head figures (cheap: no WAL, chunk-file or block walk). */
export interface HeadStats {
  numSeries: number;
  chunkCount: number;
  /** Time range of the head's samples (null when empty). */
  minTime: number | null;
  maxTime: number | null;
}

export function headStatsOf(db: TenantDb): HeadStats {
  const h = db.head;
  const empty = h.maxT === -Infinity;
  return {
    numSeries: h.numSeries,
    chunkCount: h.numChunks,
    minTime: empty ? null : h.minT,
    maxTime: empty ? null : h.maxT,
  };
}

export function collectStats(
  dbs: Iterable<TenantDb>,
  counters: { compactions: number; compactionsFailed: number; replayDurationMs: number },
): TsdbStats {
  const tenants: TenantStats[] = [];
  for (const db of dbs) {
    const h = db.head;
    const c = h.counters;
    const rejected = {} as Record<RejectReason, number>;
    for (const r of REJECT_REASONS) rejected[r] = c.rejected.get(r) ?? 0;
    const wal = db.openWal?.stats();
    const hc = db.chunkWriter?.stats();
    let blockBytes = 0;
    for (const b of db.blocks) blockBytes += b.sizeBytes();
    tenants.push({
      tenant: db.tenant,
      headSeries: h.numSeries,
      headChunks: h.numChunks,
      headMinTime: h.maxT === -Infinity ? null : h.minT,
      headMaxTime: h.maxT === -Infinity ? null : h.maxT,
      samplesAppended: c.samplesAppended,
      duplicates: c.duplicates,
      seriesCreated: c.seriesCreated,
      seriesRemoved: c.seriesRemoved,
      rejected,
      blocks: db.blocks.length,
      blockBytes,
      quarantinedBlocks: db.quarantined.length,
      walBytes: wal?.bytes ?? 0,
      walSegments: wal?.segments ?? 0,
      walFsyncs: wal?.fsyncs ?? 0,
      walWrites: wal?.writes ?? 0,
      walWriteErrors: db.walWriteErrors,
      replayedSamples: db.replay?.samples ?? 0,
      replayMs: db.replay?.durationMs ?? 0,
      walCorruptions: db.replay?.wal.corrupted ? 1 : 0,
      walDroppedBytes: db.replay?.wal.corrupted?.droppedBytes ?? 0,
      headChunkFiles: hc?.files ?? 0,
      headChunkBytes: hc?.bytes ?? 0,
      headChunkWriteErrors: hc?.writeErrors ?? 0,
      headChunksLoaded: db.replay?.chunksAttached ?? 0,
      replaySamplesInChunks: db.replay?.samplesInChunks ?? 0,
    });
  }
  return { tenants, ...counters };
}
