import type { AggregateExpr } from '../ast.js';
import { NotSupportedError } from '../errors.js';
import type { EvalContext, StepSeries, StepValue } from '../steps.js';

/**
 * Evaluates an aggregation over every step: `input` is the aggregated expression's series,
 * `param` the evaluated parameter (topk's k, quantile's φ, count_values' label) or null.
 * Returns the output series (for topk/bottomk/limitk/limit_ratio: input series, ABSENT at the
 * steps where they are not selected).
 */
export function aggregate(
  node: AggregateExpr,
  input: readonly StepSeries[],
  param: StepValue | null,
  ctx: EvalContext,
): StepSeries[] {
  void input;
  void param;
  void ctx;
  throw new NotSupportedError(`aggregation ${node.op} is not implemented yet`);
}
