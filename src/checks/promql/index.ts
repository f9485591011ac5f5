/**
 * @module checks/promql
 * A PromQL condition: the check fails while `expr` returns any series (like an alerting rule
 * without `for`: use the check's `failure_threshold` for that). The error names up to 3 result
 * series with their values. A query that cannot be evaluated is a failure too. Passive: the
 * query runs in Argus's own TSDB (the server injects it), so it is not counted against the
 * outbound concurrency cap. Metric: `argus_check_promql_series` (result series count).
 */
import { z } from 'zod';
import { errorChain } from '../../util/index.js';
import type { CheckKind, QuerySample } from '../types.js';

export const promqlSchema = z.object({ expr: z.string().trim().min(1) }).strict();
export type PromqlSpec = z.output<typeof promqlSchema>;

const SHOWN = 3;
const TARGET_MAX = 200;

function describe(s: QuerySample): string {
  const labels = Object.entries(s.labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return `{${labels}} ${s.value}`;
}

export const promqlKind: CheckKind<PromqlSpec> = {
  name: 'promql',
  description: 'Unhealthy while a PromQL expression returns results.',
  schema: promqlSchema,
  passive: true,
  target: (s) => (s.expr.length > TARGET_MAX ? `${s.expr.slice(0, TARGET_MAX - 1)}…` : s.expr),
  async probe(s, ctx) {
    const start = performance.now();
    const took = (): number => (performance.now() - start) / 1000;
    let res: readonly QuerySample[];
    try {
      res = await ctx.query(s.expr, ctx.now());
    } catch (err) {
      return {
        success: false,
        durationSeconds: took(),
        error: `cannot evaluate ${JSON.stringify(s.expr)}: ${errorChain(err)}`,
        metrics: [],
      };
    }
    const metrics = [
      {
        name: 'argus_check_promql_series',
        value: res.length,
        help: 'Series the PromQL check expression returned.',
      },
    ];
    if (res.length === 0)
      return { success: true, durationSeconds: took(), metrics, detail: { series: 0 } };
    const shown = res.slice(0, SHOWN).map(describe).join('; ');
    const more = res.length > SHOWN ? ` and ${res.length - SHOWN} more` : '';
    return {
      success: false,
      durationSeconds: took(),
      error: `expression returned ${res.length} series, want none: ${shown}${more}`,
      metrics,
      detail: { series: res.length },
    };
  },
};
export default promqlKind;
