import { z } from 'zod';
import { zDuration } from '../config/index.js';
import type { QueryOptions } from '../promql/index.js';

/** The `query:` section of argus.yml: PromQL engine limits and defaults (reloadable). */
export const queryConfigSchema = z
  .object({
    /** How far back an instant selector looks for a sample (Prometheus `--query.lookback-delta`). */
    lookback_delta: zDuration
      .default(5 * 60_000)
      .refine((ms) => ms > 0, { error: 'expected a duration > 0' }),
    /** Most samples one query may hold in memory at once (`--query.max-samples`). */
    max_samples: z.number().int().positive().default(50_000_000),
    /** Longest a query may run; a request's `timeout` parameter can only lower it. */
    timeout: zDuration
      .default(120_000)
      .refine((ms) => ms > 0, { error: 'expected a duration > 0' }),
    /** Resolution of a subquery written without a step, `x[5m:]`. */
    default_subquery_step: zDuration
      .default(60_000)
      .refine((ms) => ms > 0, { error: 'expected a duration > 0' }),
    /** Prometheus's experimental PromQL functions and syntax (`limitk`, `sort_by_label`, …). */
    experimental: z.boolean().default(false),
  })
  .strict();

export type QueryConfig = z.output<typeof queryConfigSchema>;

/** The defaults (an absent `query:` section). */
export function defaultQueryConfig(): QueryConfig {
  return queryConfigSchema.parse({});
}

/** The engine's options for a config. */
export function queryOptionsOf(c: QueryConfig): QueryOptions {
  return {
    lookbackMs: c.lookback_delta,
    maxSamples: c.max_samples,
    // Per tenant (limits.max_query_series), set per request.
    maxSeries: 0,
    timeoutMs: c.timeout,
    defaultSubqueryStepMs: c.default_subquery_step,
    experimental: c.experimental,
  };
}
