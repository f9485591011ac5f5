/** What checks read from the metrics store: PromQL conditions and a check's stored results. */
import { CHECKS_JOB, type CheckRun, type QuerySample } from '../checks/index.js';
import { Matcher, isStaleNaN, type TenantId } from '../model/index.js';
import type { QueryEngine, QueryOptions } from '../promql/index.js';
import type { Queryable } from '../storage/index.js';
import type { ResultPointView } from '../api/index.js';

/** The `promql` kind's query: an instant vector (or scalar) in the check's tenant. */
export function instantQuery(deps: {
  engine: QueryEngine;
  store: Queryable;
  queryOptions: () => Partial<QueryOptions>;
}): (tenant: TenantId, expr: string, at: number) => Promise<QuerySample[]> {
  return async (tenant, expr, at) => {
    const r = await deps.engine.instant(deps.store, tenant, expr, at, deps.queryOptions());
    const v = r.value;
    if (v.resultType === 'vector')
      return v.series.map((s) => ({ labels: s.labels.toObject(), value: s.v }));
    if (v.resultType === 'scalar') return [{ labels: {}, value: v.v }];
    throw new Error(`expected a vector or scalar, got ${v.resultType}`);
  };
}

/**
 * A check's probes in [from, to] from its stored `probe_success` and `probe_duration_seconds`
 * (any services label), with the error of those the engine still holds in memory.
 */
export function probeResults(
  store: Queryable,
  tenant: TenantId,
  name: string,
  from: number,
  to: number,
  recent: readonly CheckRun[],
): ResultPointView[] {
  const byTime = new Map<number, ResultPointView>();
  const q = store.querier(tenant, from, to);
  try {
    for (const metric of ['probe_success', 'probe_duration_seconds'] as const) {
      const series = q.select(
        [
          new Matcher('=', '__name__', metric),
          new Matcher('=', 'job', CHECKS_JOB),
          new Matcher('=', 'check', name),
        ],
        { start: from, end: to },
      );
      for (const s of series) {
        const it = s.iterator();
        while (it.next()) {
          if (it.t < from || it.t > to || isStaleNaN(it.v)) continue;
          const p = byTime.get(it.t) ?? { at: it.t, success: false, duration_seconds: 0 };
          if (metric === 'probe_success') p.success = it.v === 1;
          else p.duration_seconds = it.v;
          byTime.set(it.t, p);
        }
      }
    }
  } finally {
    q.close();
  }
  const errors = new Map<number, string>();
  for (const r of recent) if (r.result.error !== undefined) errors.set(r.at, r.result.error);
  const points = [...byTime.values()].sort((a, b) => a.at - b.at);
  for (const p of points) {
    const e = errors.get(p.at);
    if (e !== undefined && !p.success) p.error = e;
  }
  return points;
}
