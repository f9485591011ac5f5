import type { TenantId } from '../../model/index.js';
import { Labels } from '../../model/index.js';
import type { Expr, QueryEngine, QueryOptions, VectorSample } from '../../promql/index.js';
import type { Queryable } from '../../storage/index.js';
import { RuleEvalError } from '../errors.js';
import type { QueryFn } from './types.js';

/**
 * A QueryFn over a PromQL engine and a store (Prometheus's EngineQueryFunc): vectors as they
 * are, a scalar as one unlabelled sample, anything else an error.
 */
export function engineQueryFn(
  engine: QueryEngine,
  queryable: Queryable,
  opts?: Partial<QueryOptions>,
): QueryFn {
  return async (tenant: TenantId, expr: string | Expr, t: number): Promise<VectorSample[]> => {
    const r = await engine.instant(queryable, tenant, expr, t, opts);
    const v = r.value;
    if (v.resultType === 'vector') return v.series;
    if (v.resultType === 'scalar') return [{ labels: Labels.EMPTY, t: v.t, v: v.v }];
    throw new RuleEvalError(`rule result is not a vector or scalar: got ${v.resultType}`);
  };
}
