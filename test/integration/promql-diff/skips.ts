/**
 * The one list of Prometheus 2.42 → 3.x behaviour changes the differential test must not count
 * as differences (Argus follows 3.x). A query matching a rule is not compared; the test prints
 * how many were skipped and why. Changes the data and the generator avoid by construction are
 * listed in AVOIDED, so the whole story is in one place.
 */

import type { Result } from './compare.js';

export interface SkipRule {
  /** Short name printed in the summary. */
  name: string;
  /** Why 2.42 and 3.x legitimately differ (Prometheus 3.0 migration guide / changelog). */
  reason: string;
  matches(query: string): boolean;
}

export const SKIPS: readonly SkipRule[] = [
  {
    name: 'holt_winters',
    reason:
      '3.0 renamed holt_winters to double_exponential_smoothing and moved it behind ' +
      'promql-experimental-functions; 3.x rejects the old name.',
    matches: (q) => /\bholt_winters\s*\(/.test(q),
  },
  {
    name: 'atan2 keeps __name__',
    reason:
      '2.42 keeps the metric name on `atan2` results; 3.x drops it as for every other ' +
      'arithmetic operator (conformance operators.test: `trigy atan2 trigx` gives `{}`).',
    matches: (q) => /\batan2\b/.test(q),
  },
  {
    name: 'predict_linear with @',
    reason:
      '2.42 evaluates predict_linear(x[r] @ t, d) in a range query with a sliding window and ' +
      'drops steps more than r after the start; 3.x predicts from the fixed window at every ' +
      'step (conformance functions.test: predict_linear(...[55m] @ 3000, 3600) at 10m/50m/70m).',
    matches: (q) => callArgs(q, 'predict_linear').some((a) => a.includes('@')),
  },
  {
    name: 'timestamp with @',
    reason:
      '2.42 returns nothing for timestamp(x @ t offset d) in some cases; 3.x gives the ' +
      'timestamp of the sample the selector picked (conformance at_modifier.test: ' +
      'timestamp(metric @ 11) → 10 at every step).',
    matches: (q) => callArgs(q, 'timestamp').some((a) => a.includes('@')),
  },
  {
    name: 'nested subquery',
    reason:
      'inner evaluation times of a subquery inside a subquery land on whole multiples of its ' +
      'step, so its window boundaries can coincide with the outer ones: 3.0 made range windows ' +
      'left-open (t-range, t] where 2.42 includes t-range.',
    matches: hasNestedSubquery,
  },
];

/** A difference found after running both, judged by the query and both results. */
export interface ResultRule {
  name: string;
  reason: string;
  /** `diff` is compareResults' text; `want`/`got` the two results. */
  matches(query: string, diff: string, want: Result, got: Result): boolean;
}

/** Result changes after 2.42 that only show in the values, judged once both have answered. */
export const CHANGED_RESULTS: readonly ResultRule[] = [
  {
    name: 'stddev/stdvar of one non-finite value',
    reason:
      '3.x gives NaN for stddev/stdvar over a group whose only value is ±Inf or NaN; 2.42 ' +
      'gives 0 (conformance aggregators.test: `series{label="c"} inf` → {label="c"} NaN).',
    // The 0 may have gone on through more functions (ln(0) = -Inf) or a comparison that
    // keeps 0 but drops NaN: any value became NaN, or Argus has fewer points or series.
    matches: (q, diff) =>
      /\b(stddev|stdvar)\b/.test(q) &&
      (/want (?:\{.*\} )?\S+@\d+ got (?:\{.*\} )?NaN@\d+$/.test(diff) || fewer(diff)),
  },
  {
    name: 'compensated summation',
    reason:
      'after 2.42 Prometheus sums with Kahan compensation in sum/avg/stddev/stdvar and their ' +
      '*_over_time forms (2.42: plain sums, incremental mean for avg); an ill-conditioned ' +
      'query (x % avg(...), variance of near-constant values, an average near 0) amplifies ' +
      'the last-bit difference past 1e-9. Tolerated to 1e-6 relative or 1e-9 absolute ' +
      '(1e-5 under `%`, which keeps only the low bits of a large left operand).',
    matches: (q, diff) =>
      /\b(sum|avg|stddev|stdvar)(_over_time)?\b/.test(q) && valuesWithin(diff, 1e-6, modAbs(q)),
  },
  {
    name: 'libm last bit',
    reason:
      "not a version change: Go's math and V8's differ in the last bit of some " +
      'transcendental results (sin of large arguments, atan, pow); differences of such ' +
      'values (rate/deriv/stdvar over atan(x), x % sin(y)) amplify it. Tolerated to 1e-6 ' +
      'relative or 1e-9 absolute (1e-5 under `%`) when the query uses one. Also Go gives +Inf ' +
      'for exp(x) slightly below the true overflow point (x ≈ 709.7) where V8 gives ~1.7e308.',
    matches: (q, diff) =>
      /\b(a?sinh?|a?cosh?|a?tanh?|atan2|exp|ln|log2|log10)\(|\^/.test(q) &&
      (valuesWithin(diff, 1e-6, modAbs(q)) || (/\bexp\(/.test(q) && expOverflow(diff))),
  },
  {
    name: 'one-to-one match check before the comparison filter',
    reason:
      'current 3.x raises "multiple matches for labels: many-to-one matching must be ' +
      'explicit" for every matched pair, before a comparison filters it (conformance ' +
      'operators.test: `many_side > on(job) one_side` "expect fail" even when 0 or 1 series ' +
      'survive the filter); 2.42 filtered first, so `a == ignoring(le) b` kept the equal sample.',
    matches: (_q, _diff, want, got) =>
      want.kind !== 'error' &&
      got.kind === 'error' &&
      got.message.startsWith('multiple matches for labels: many-to-one matching must be explicit'),
  },
  {
    name: 'delayed __name__ removal',
    reason:
      'Argus removes __name__ late, as Prometheus 3.x with promql-delayed-name-removal (the ' +
      'setting of its conformance corpus: name_label_dropping.test expects ' +
      '`sum(rate({env="1"}[10m])) by (env)` to add two rates whose labels differ only by ' +
      'the to-be-dropped name). 2.42 (and 3.x without the flag) drops the name inside the ' +
      'function and fails at once with "vector cannot contain metrics with the same ' +
      'labelset"; with the flag the check runs on the final result, so `f(a or b) > 1e20` ' +
      'is empty when the comparison removes both series.',
    matches: (_q, _diff, want, got) =>
      want.kind === 'error' &&
      want.message === 'vector cannot contain metrics with the same labelset' &&
      got.kind !== 'error',
  },
];

/**
 * Absolute tolerance of the numeric rules: `x % y` keeps only the low bits of a large `x`
 * (memory bytes % sin(...), x % 1), so there a last-bit difference of `x` shows up to ~1e-5.
 */
function modAbs(q: string): number {
  return q.includes('%') ? 1e-5 : 1e-9;
}

/**
 * Differences in Argus (3.x semantics, confirmed in Prometheus's current source) that the
 * engine still has; listed so the test stays green while they are open, printed every run.
 */
export const KNOWN_ARGUS_BUGS: readonly ResultRule[] = [];

/**
 * Whether compareResults' value-difference text shows two numbers within `rel` (relative) or
 * `abs` (absolute) of each other.
 */
function valuesWithin(diff: string, rel: number, abs: number): boolean {
  const m = /want (?:\{.*\} )?(\S+?)@\d+ got (?:\{.*\} )?(\S+?)@\d+$/.exec(diff);
  if (m === null) return false;
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  const d = Math.abs(a - b);
  return d <= abs || d <= rel * Math.max(Math.abs(a), Math.abs(b));
}

/** ±Inf on one side, a finite value beyond ±1e307 on the other. */
function expOverflow(diff: string): boolean {
  const m = /want (\S+?)@\d+ got (\S+?)@\d+$/.exec(diff);
  if (m === null) return false;
  const [a, b] = [Math.abs(Number(m[1])), Math.abs(Number(m[2]))].sort((x, y) => x - y);
  return a > 1e307 && b === Infinity;
}

/** compareResults found fewer series or points in Argus's answer than in Prometheus's. */
function fewer(diff: string): boolean {
  const m = /(\d+) (?:series|points) vs (\d+)/.exec(diff);
  return m !== null && Number(m[2]) < Number(m[1]);
}

/** The argument text of every call of `fn` in `q` (parenthesis-aware). */
export function callArgs(q: string, fn: string): string[] {
  const out: string[] = [];
  for (const m of q.matchAll(new RegExp(`\\b${fn}\\(`, 'g'))) {
    const from = m.index + m[0].length;
    let depth = 1;
    let i = from;
    for (; i < q.length && depth > 0; i++) {
      if (q[i] === '(') depth++;
      else if (q[i] === ')') depth--;
    }
    out.push(q.slice(from, i - 1));
  }
  return out;
}

/** 3.0 changes that cannot show up here, and why. */
export const AVOIDED: readonly { change: string; how: string }[] = [
  {
    change: 'range selectors and the lookback delta are left-open in 3.0 ((t-d, t] vs [t-d, t])',
    how:
      'samples sit 100..600 ms past whole seconds; query, `@` and range-step times end in .777 s, ' +
      'subquery steps are whole seconds, so no window boundary ever equals a sample timestamp',
  },
  {
    change:
      'rate()/increase() cap the extrapolation at a series start to the zero point after choosing ' +
      'between the full gap and half an interval (2.51, prometheus#13725; 2.42 capped first)',
    how:
      'counters (and histogram buckets, _sum) start far from zero, so the zero point is always ' +
      'further away than the extrapolation and the cap never applies in either version; ' +
      'rate/increase/irate only read those counters, never subqueries (whose series may start ' +
      'mid-window with small values)',
  },
  {
    change: 'count_values labels are exact float text',
    how:
      'count_values only counts integer values (queue_depth, up, floor(temperature), ' +
      'changes/resets/count_over_time): a last-bit difference would change the label',
  },
  {
    change: 'last-bit differences amplified by periodic functions and `%` (summation order, libm)',
    how:
      'sin/cos/tan only see values clamped to ±1000; `%` is only generated between operands ' +
      'without sums, averages or transcendental functions',
  },
  {
    change: 'regex `.` matches newline in 3.0',
    how: 'no label value of the data set contains a newline',
  },
  {
    change: 'le/quantile label values normalised on scrape in 3.0 ("1" vs "1.0")',
    how: 'data arrives by remote_write with the same le strings on both sides',
  },
  {
    change: 'functions added after 2.42 (sort_by_label, limitk, mad_over_time, info, …)',
    how: 'the generator only uses functions both versions know',
  },
  {
    change:
      'which series topk/bottomk keep among equal values (unspecified; 2.42 depends on map order)',
    how: 'topk/bottomk only rank continuous values (rates, temperatures, memory)',
  },
];

export function resultRuleFor(
  rules: readonly ResultRule[],
  query: string,
  diff: string,
  want: Result,
  got: Result,
): ResultRule | undefined {
  return rules.find((r) => r.matches(query, diff, want, got));
}

/** The first rule matching `query`, if any. */
export function skipRuleFor(query: string): SkipRule | undefined {
  return SKIPS.find((s) => s.matches(query));
}

const SUBQUERY = /\)\[[0-9a-z]+:[0-9a-z]*\]/g;

/** Whether a subquery's inner expression (the parenthesised text before `[a:b]`) holds another. */
export function hasNestedSubquery(q: string): boolean {
  for (const m of q.matchAll(SUBQUERY)) {
    let depth = 0;
    for (let i = m.index; i >= 0; i--) {
      if (q[i] === ')') depth++;
      else if (q[i] === '(' && --depth === 0) {
        if (new RegExp(SUBQUERY.source).test(q.slice(i, m.index))) return true;
        break;
      }
    }
  }
  return false;
}
