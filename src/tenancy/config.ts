import { z } from 'zod';
import { zBytes, zDuration } from '../config/index.js';

/** Built-in defaults of every per-tenant limit (documented in docs/user/limits.md). */
export const LIMIT_DEFAULTS = {
  /** Samples per second, sustained. */
  ingestion_rate: 1_000_000,
  /** Same as storage.tsdb.limits.max_series_per_tenant's default. */
  max_series: 2_000_000,
  /** Same as ingest.remote_write.max_body_bytes's default. */
  max_body_bytes: 16 * 2 ** 20,
  max_concurrent_queries: 20,
  max_query_samples: 50_000_000,
  max_query_series: 0,
  /** Log line bytes per second, sustained (#9). */
  log_ingestion_rate: 32 * 2 ** 20,
  max_log_streams: 10_000,
  max_log_labels: 15,
  max_log_line_size: 256 * 2 ** 10,
  /** 0 = the global `logs.retention.period`. */
  log_retention: 0,
} as const;

const TENANT_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const count = z.number().int().nonnegative();

/**
 * One set of limits, every key optional: under `defaults` a missing key means the built-in
 * default, under `tenants.<id>` it means the `defaults` value. 0 means unlimited for every
 * key but `ingestion_burst` (which must be positive when given).
 */
export const tenantLimitsSchema = z
  .object({
    /** Sustained samples/s accepted per tenant (token bucket refill rate); 0 = unlimited. */
    ingestion_rate: z.number().nonnegative().optional(),
    /** Bucket size: samples accepted at once after a quiet period. Default 2 × ingestion_rate. */
    ingestion_burst: z.number().int().positive().optional(),
    /** Active (head) series; the lower of this and storage.tsdb.limits.max_series_per_tenant applies; 0 = only that one. */
    max_series: count.optional(),
    /** Largest request body; the lower of this and the protocol's own limit applies; 0 = only that one. */
    max_body_bytes: zBytes.optional(),
    /** Queries running at once; more are refused at once (not queued). 0 = unlimited. */
    max_concurrent_queries: count.optional(),
    /** Samples one query may load into memory (PromQL). 0 = unlimited. */
    max_query_samples: count.optional(),
    /** Series one query may select. 0 = unlimited. */
    max_query_series: count.optional(),
    /** Log line bytes/s accepted per tenant (token bucket on line bytes); 0 = unlimited. */
    log_ingestion_rate: zBytes.optional(),
    /** Log bucket size in bytes. Default 2 × log_ingestion_rate. */
    log_ingestion_burst: zBytes.optional(),
    /** Log streams (distinct label sets) per tenant; 0 = unlimited. */
    max_log_streams: count.optional(),
    /** Labels per log stream. */
    max_log_labels: count.optional(),
    /** Longer log lines are stored truncated with a marker. */
    max_log_line_size: zBytes.optional(),
    /** How long this tenant's logs are kept (overrides logs.retention.period); 0 = the global one. */
    log_retention: zDuration.optional(),
  })
  .strict();

export type TenantLimitsConfig = z.output<typeof tenantLimitsSchema>;

/** `limits` in argus.yml: defaults for every tenant, and per-tenant overrides merged over them. */
export const limitsConfigSchema = z
  .object({
    defaults: tenantLimitsSchema.prefault({}),
    tenants: z
      .record(
        z.string(),
        // `acme:` with every key commented out is YAML null: no overrides.
        tenantLimitsSchema.nullable().transform((v) => v ?? {}),
      )
      .superRefine((tenants, ctx) => {
        for (const id of Object.keys(tenants)) {
          if (!TENANT_RE.test(id)) {
            ctx.addIssue({
              code: 'custom',
              path: [id],
              input: id,
              message: `expected a tenant id (1-63 of [a-z0-9_-], starting with a letter or digit), got ${JSON.stringify(id)}`,
            });
          }
        }
      })
      // `tenants:` with every tenant commented out: no overrides.
      .nullable()
      .transform((v) => v ?? {})
      .default({}),
  })
  .strict();

export type LimitsConfig = z.output<typeof limitsConfigSchema>;

/** The defaults, as a parsed config. */
export function defaultLimitsConfig(): LimitsConfig {
  return limitsConfigSchema.parse({});
}
