import { Counter, Gauge, type Registry } from 'prom-client';
import type { TsdbStats } from './stats.js';

/**
 * Registers the TSDB's metrics on `registry`. Values are read from `stats()` at scrape time
 * (collect callbacks), so the hot path only bumps plain numbers.
 */
export function registerTsdbMetrics(registry: Registry, src: { stats(): TsdbStats }): void {
  // One stats() per scrape, shared by every collector of that scrape.
  let cached: { at: number; s: TsdbStats } | null = null;
  const stats = (): TsdbStats => {
    const now = Date.now();
    if (cached === null || now - cached.at > 100) cached = { at: now, s: src.stats() };
    return cached.s;
  };
  const perTenant = (
    kind: 'gauge' | 'counter',
    name: string,
    help: string,
    pick: (t: TsdbStats['tenants'][number]) => number,
  ): void => {
    const opts = { name, help, labelNames: ['tenant'] as const, registers: [registry] };
    if (kind === 'gauge') {
      new Gauge({
        ...opts,
        collect() {
          this.reset();
          for (const t of stats().tenants) this.set({ tenant: t.tenant }, pick(t));
        },
      });
    } else {
      new Counter({
        ...opts,
        collect() {
          this.reset();
          for (const t of stats().tenants) this.inc({ tenant: t.tenant }, pick(t));
        },
      });
    }
  };
  perTenant('gauge', 'argus_tsdb_head_series', 'Series in the head.', (t) => t.headSeries);
  perTenant('gauge', 'argus_tsdb_head_chunks', 'Chunks in the head.', (t) => t.headChunks);
  perTenant(
    'counter',
    'argus_tsdb_head_samples_appended_total',
    'Samples appended to the head.',
    (t) => t.samplesAppended,
  );
  perTenant(
    'counter',
    'argus_tsdb_head_series_created_total',
    'Series created in the head.',
    (t) => t.seriesCreated,
  );
  perTenant(
    'counter',
    'argus_tsdb_head_series_removed_total',
    'Series removed from the head (no data left, or never committed).',
    (t) => t.seriesRemoved,
  );
  perTenant('gauge', 'argus_tsdb_blocks_loaded', 'Blocks open for querying.', (t) => t.blocks);
  perTenant(
    'gauge',
    'argus_tsdb_blocks_bytes',
    'Bytes on disk of the open blocks.',
    (t) => t.blockBytes,
  );
  perTenant(
    'gauge',
    'argus_tsdb_blocks_quarantined',
    'Damaged blocks moved to quarantine at open.',
    (t) => t.quarantinedBlocks,
  );
  perTenant(
    'gauge',
    'argus_tsdb_wal_size_bytes',
    'Bytes in WAL segments and checkpoint.',
    (t) => t.walBytes,
  );
  perTenant('counter', 'argus_tsdb_wal_fsyncs_total', 'WAL fsync calls.', (t) => t.walFsyncs);
  perTenant(
    'counter',
    'argus_tsdb_wal_corruptions_total',
    'Damaged WAL spots found at open and cut off (data after the damage was dropped; see the log).',
    (t) => t.walCorruptions,
  );
  perTenant(
    'gauge',
    'argus_tsdb_wal_dropped_bytes',
    'Bytes the last WAL repair dropped (0 when the WAL was intact).',
    (t) => t.walDroppedBytes,
  );
  perTenant(
    'counter',
    'argus_tsdb_wal_write_errors_total',
    'WAL writes that failed (appends are refused afterwards).',
    (t) => t.walWriteErrors,
  );
  perTenant(
    'gauge',
    'argus_tsdb_wal_replay_duration_seconds',
    'Duration of the last WAL replay.',
    (t) => t.replayMs / 1000,
  );
  perTenant(
    'gauge',
    'argus_tsdb_head_chunks_files_bytes',
    'Bytes in persisted head chunk files (chunks_head/).',
    (t) => t.headChunkBytes,
  );
  perTenant(
    'counter',
    'argus_tsdb_head_chunks_write_errors_total',
    'Head chunk file writes that failed (persisting stops until restart; the WAL has the data).',
    (t) => t.headChunkWriteErrors,
  );
  perTenant(
    'gauge',
    'argus_tsdb_head_chunks_loaded',
    'Chunks the last open loaded from head chunk files instead of replaying their samples.',
    (t) => t.headChunksLoaded,
  );
  new Counter({
    name: 'argus_tsdb_samples_rejected_total',
    help:
      'Refusals by the TSDB, by reason: 1 per refused sample or new series (at append or ' +
      'commit), not per sample of a request: a batch stops at its first refusal. ' +
      'argus_rejected_samples_total counts every sample of a refused request.',
    labelNames: ['tenant', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const t of stats().tenants) {
        for (const [reason, n] of Object.entries(t.rejected))
          this.inc({ tenant: t.tenant, reason }, n);
      }
    },
  });
  new Counter({
    name: 'argus_tsdb_compactions_total',
    help: 'Compaction passes that changed blocks.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(stats().compactions);
    },
  });
  new Counter({
    name: 'argus_tsdb_compactions_failed_total',
    help: 'Compaction passes that failed (logged; retried on the next pass).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(stats().compactionsFailed);
    },
  });
  new Gauge({
    name: 'argus_tsdb_open_duration_seconds',
    help: 'Time the store took to open: blocks and WAL replay of every tenant.',
    registers: [registry],
    collect() {
      this.set(stats().replayDurationMs / 1000);
    },
  });
}
