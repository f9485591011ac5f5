import { z } from 'zod';
import { zBytes, zDuration } from '../config/index.js';

const HOUR = 3_600_000;
const MIN = 60_000;

/**
 * `logs.store` in argus.yml: how the log store cuts, accepts and maintains chunks (ADR 0005).
 * The rest of `logs:` (retention selectors, limits, inputs) belongs to the server's config.
 */
export const logsStoreConfigSchema = z
  .object({
    /** A stream's open chunk is sealed once its raw line bytes reach this (ADR 0005: 1 MiB). */
    chunk_target_size: zBytes.default(2 ** 20),
    /** ... or once it has been open this long (wall clock), whatever its size. */
    max_chunk_age: zDuration.default(HOUR),
    /** ... or once its stream has received nothing for this long. */
    chunk_idle_period: zDuration.default(5 * MIN),
    /**
     * Entries this much older than their stream's newest entry are accepted (kept sorted);
     * older ones are rejected. Default, as Loki: half of max_chunk_age.
     */
    out_of_order_window: zDuration.optional(),
    /** Entries more than this far in the future are rejected. */
    reject_future: zDuration.default(10 * MIN),
    /** Entries older than this (from now) are rejected, as Loki's reject_old_samples_max_age; 0 = any age. */
    reject_old: zDuration.default(7 * 24 * HOUR),
    wal: z
      .object({
        /** batch = group commit + fsync (default); always = fsync per write; none = no fsync. */
        fsync: z.enum(['batch', 'always', 'none']).default('batch'),
      })
      .strict()
      .default({ fsync: 'batch' }),
    /** How often retention policies are applied (whole chunks dropped). */
    retention_interval: zDuration.default(10 * MIN),
    /** How often background compaction (columnar re-encoding) runs. */
    compaction_interval: zDuration.default(5 * MIN),
  })
  .strict();

export type LogsStoreConfig = z.output<typeof logsStoreConfigSchema>;

/** The defaults, as a parsed config. */
export function defaultLogsStoreConfig(): LogsStoreConfig {
  return logsStoreConfigSchema.parse({});
}

/** The out-of-order window in ms: `out_of_order_window`, or half of `max_chunk_age` when unset. */
export function outOfOrderWindowMs(c: LogsStoreConfig): number {
  return c.out_of_order_window ?? c.max_chunk_age / 2;
}
