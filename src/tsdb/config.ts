import { z } from 'zod';
import { zBytes, zDuration } from '../config/index.js';

/** `storage.tsdb` in argus.yml: the embedded time-series store. */
export const tsdbConfigSchema = z
  .object({
    /** Blocks older than this are deleted (Prometheus `--storage.tsdb.retention.time`). */
    retention_time: zDuration.default(15 * 86_400_000),
    /** Oldest blocks are deleted while the total size exceeds this; 0 = no size limit. */
    retention_size: zBytes.default(0),
    /** Range of the blocks the head is cut into (compaction makes larger ones). */
    block_duration: zDuration.default(2 * 3_600_000),
    wal: z
      .object({
        /** batch = group commit + fsync (default); always = fsync per write; none = no fsync. */
        fsync: z.enum(['batch', 'always', 'none']).default('batch'),
        /** batch: how long a flush may wait to gather more writers before its fsync. */
        fsync_delay: zDuration.default(2),
        segment_size: zBytes.default(128 * 2 ** 20),
      })
      .strict()
      .default({ fsync: 'batch', fsync_delay: 2, segment_size: 128 * 2 ** 20 }),
    limits: z
      .object({
        /** Cardinality budget: active (head) series per tenant. */
        max_series_per_tenant: z.number().int().positive().default(2_000_000),
        max_label_name_length: z.number().int().positive().default(1024),
        max_label_value_length: z.number().int().positive().default(4096),
        max_labels_per_series: z.number().int().positive().default(64),
      })
      .strict()
      .default({
        max_series_per_tenant: 2_000_000,
        max_label_name_length: 1024,
        max_label_value_length: 4096,
        max_labels_per_series: 64,
      }),
    /** utf8 (Prometheus 3.x default) or legacy ([a-zA-Z_:][a-zA-Z0-9_:]*) metric/label names. */
    name_validation: z.enum(['utf8', 'legacy']).default('utf8'),
    /** Samples more than this far in the future are rejected. */
    max_future: zDuration.default(10 * 60_000),
  })
  .strict();

export type TsdbConfig = z.output<typeof tsdbConfigSchema>;

/** The defaults, as a parsed config. */
export function defaultTsdbConfig(): TsdbConfig {
  return tsdbConfigSchema.parse({});
}
