import { parseLogql, type LogqlQueryEngine } from '../logql/index.js';
import { Labels } from '../model/index.js';
import { RuleEvalError, type ParseRulesOptions, type QueryFn } from '../rules/index.js';
import { BugError } from '../util/index.js';

// WIRING (#9): LogQL rules (Loki ruler style) through #7's evaluator. The rules module does not
// know LogQL (layering), so the server injects the expression check and the query function.

const NS_PER_MS = 1_000_000n;

/**
 * A log rule's `expr` check: it must parse as LogQL and be a metric query (a log query has no
 * instant value to alert on). Returns the error text for the rule file report, or null.
 */
export function checkLogqlRuleExpr(expr: string): string | null {
  let parsed;
  try {
    parsed = parseLogql(expr);
  } catch (err) {
    return `could not parse expression: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (parsed.kind === 'log') {
    return 'expr must be a LogQL metric query, got a log query (wrap it in a range aggregation, e.g. count_over_time(<query>[5m]))';
  }
  return null;
}

/** How log rule files (`log_rule_files`, `argus check rules --logql`) are parsed. */
export const LOG_RULE_PARSE_OPTIONS: ParseRulesOptions = {
  lang: 'logql',
  checkExpr: checkLogqlRuleExpr,
};

/**
 * A QueryFn over the LogQL engine (Loki's ruler evaluates the same way): an instant metric query
 * at `t`; a vector as it is, a scalar as one unlabelled sample. `engine` is read per call (the
 * log store may be created after the rules, or be disabled: then every evaluation fails).
 */
export function logqlQueryFn(engine: () => LogqlQueryEngine | undefined): QueryFn {
  return async (tenant, expr, t) => {
    if (typeof expr !== 'string')
      throw new BugError('cannot run a LogQL rule: got a parsed PromQL expression, want text');
    const e = engine();
    if (e === undefined)
      throw new RuleEvalError(
        'cannot evaluate a LogQL rule: the log store is not enabled (logs.enabled: false)',
      );
    const { result } = await e.instantQuery(tenant, expr, {
      time: BigInt(Math.round(t)) * NS_PER_MS,
    });
    if (result.type === 'vector') return result.samples;
    if (result.type === 'scalar') return [{ labels: Labels.EMPTY, t: result.t, v: result.v }];
    throw new RuleEvalError(`rule result is not a vector or scalar: got ${result.type}`);
  };
}
