import type { AggregateExpr } from '../ast.js';
import { BugError } from '../../util/index.js';
import type { EvalContext, StepSeries, StepValue } from '../steps.js';
import { countValues } from './count-values.js';
import { formatGoFloatG } from './format.js';
import { groupSeries } from './grouping.js';
import { reduceGroups } from './reduce.js';
import { kPerStep, selectLimitK, selectLimitRatio, selectTopK } from './select.js';

export { formatGoFloatF, formatGoFloatG } from './format.js';
export { quantile } from './reduce.js';

/**
 * Evaluates an aggregation over every step: `input` is the aggregated expression's series,
 * `param` the evaluated parameter (topk's k, quantile's φ, count_values' label) or null.
 * Returns the output series (for topk/bottomk/limitk/limit_ratio: input series, ABSENT at the
 * steps where they are not selected). Input arrays are never mutated.
 *
 * Order: grouped aggregations return groups in order of first appearance; topk/bottomk
 * evaluated for one step return Prometheus's instant-query order (see selectTopK), which the
 * engine must keep when the query ends in topk/bottomk; everything else may be sorted by labels.
 */
export function aggregate(
  node: AggregateExpr,
  input: readonly StepSeries[],
  param: StepValue | null,
  ctx: EvalContext,
): StepSeries[] {
  const steps = ctx.steps;
  switch (node.op) {
    case 'count_values':
      if (param?.kind !== 'string') throw new BugError('count_values without a string parameter');
      return countValues(node, input, param.value, steps);
    case 'limit_ratio':
      return selectLimitRatio(node, input, scalarParam(node, param), steps, ctx);
    case 'topk':
    case 'bottomk':
    case 'limitk': {
      const k = kPerStep(scalarParam(node, param), input.length);
      const grouping = groupSeries(node, input);
      return node.op === 'limitk'
        ? selectLimitK(input, grouping, k, steps)
        : selectTopK(input, grouping, k, steps, node.op === 'topk');
    }
    case 'quantile': {
      const q = scalarParam(node, param);
      const bad = new Set<string>();
      for (const f of q) if (!(f >= 0 && f <= 1)) bad.add(formatGoFloatG(f));
      for (const f of bad) {
        ctx.warn(`quantile value should be between 0 and 1, got ${f}`, node.param?.pos ?? node.pos);
      }
      return reduceGroups('quantile', input, groupSeries(node, input), steps, q);
    }
    default:
      return reduceGroups(node.op, input, groupSeries(node, input), steps, null);
  }
}

function scalarParam(node: AggregateExpr, param: StepValue | null): Float64Array {
  if (param?.kind !== 'scalar') throw new BugError(`${node.op} without a scalar parameter`);
  return param.vs;
}
