import type { Labels } from '../../../model/index.js';
import { formatGoFloatG } from '../../aggregate/index.js';
import {
  absentSteps,
  isAbsent,
  type EvalContext,
  type InstantFunction,
  type StepSeries,
} from '../../steps.js';
import type { Call, PosRange } from '../../ast.js';
import { withLabel } from '../../aggregate/count-values.js';
import { QueryExecutionError } from '../../errors.js';
import { bucketFraction, bucketQuantile, type Bucket } from './histogram-buckets.js';
import { scalarArg, stringArg, vector, vectorArg } from './helpers.js';

const FORCED_MONOTONICITY =
  'input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)';

/**
 * `histogram_quantile` and `histogram_fraction` over classic `le` buckets, and the
 * native-histogram-only functions, which yield nothing for float series (as Prometheus).
 */
export const HISTOGRAM_FUNCTIONS: ReadonlyMap<string, InstantFunction> = new Map<
  string,
  InstantFunction
>([
  [
    'histogram_quantile',
    (args, ctx, call) => {
      const q = scalarArg(args, 0);
      warnBadQuantiles(q, ctx, call.args[0].pos);
      return vector(quantiles(vectorArg(args, 1), [{ q, label: null }], ctx, call, 1));
    },
  ],
  [
    // Experimental (3.x): several quantiles at once, each labelled `<label>="<φ>"`.
    'histogram_quantiles',
    (args, ctx, call) => {
      const label = stringArg(args, 1);
      const qs: { q: Float64Array; label: [string, string] | null }[] = [];
      for (let a = 2; a < args.length; a++) {
        const q = scalarArg(args, a);
        warnBadQuantiles(q, ctx, call.args[a].pos);
        qs.push({ q, label: [label, quantileLabel(q[0])] });
      }
      const out = quantiles(vectorArg(args, 0), qs, ctx, call, 0);
      const seen = new Set<string>();
      for (const s of out) {
        const key = s.labels.flat.join('\ud800');
        if (seen.has(key)) {
          throw new QueryExecutionError('vector cannot contain metrics with the same labelset');
        }
        seen.add(key);
      }
      return vector(out);
    },
  ],
  [
    'histogram_fraction',
    (args, ctx, call) => {
      const lo = scalarArg(args, 0);
      const hi = scalarArg(args, 1);
      return vector(
        overBuckets(vectorArg(args, 2), ctx, call, 2, (bs, i) => bucketFraction(lo[i], hi[i], bs)),
      );
    },
  ],
  ...[
    'histogram_avg',
    'histogram_count',
    'histogram_sum',
    'histogram_stddev',
    'histogram_stdvar',
  ].map((n): [string, InstantFunction] => [n, () => vector([])]),
]);

function warnBadQuantiles(q: Float64Array, ctx: EvalContext, pos: PosRange): void {
  const bad = new Set<string>();
  for (const f of q) if (!(f >= 0 && f <= 1)) bad.add(formatGoFloatG(f));
  for (const f of bad) ctx.warn(`quantile value should be between 0 and 1, got ${f}`, pos);
}

/** φ as a label value: shortest form, with `.0` on integers (`0.0`, `0.25`, `1.0`), as Prometheus. */
export function quantileLabel(q: number): string {
  const s = formatGoFloatG(q);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/**
 * bucketQuantile for every φ over the bucket groups of `series` (argument `vecArg` of the
 * call), with the forced-monotonicity info once per call.
 */
function quantiles(
  series: readonly StepSeries[],
  qs: readonly { q: Float64Array; label: [string, string] | null }[],
  ctx: EvalContext,
  call: Call,
  vecArg: number,
): StepSeries[] {
  let forced: string | null = null;
  const out: StepSeries[] = [];
  for (const { q, label } of qs) {
    const res = overBuckets(series, ctx, call, vecArg, (bs, i, name) => {
      const r = bucketQuantile(q[i], bs);
      if (r.forcedMonotonic && forced === null) forced = name;
      return r.value;
    });
    for (const s of res) {
      out.push(label === null ? s : { ...s, labels: withLabel(s.labels, label[0], label[1]) });
    }
  }
  if (forced !== null) ctx.info(`${FORCED_MONOTONICITY}${forName(forced)}`, call.args[vecArg].pos);
  return out;
}

function forName(name: string): string {
  return name === '' ? '' : ` for metric name ${JSON.stringify(name)}`;
}

/** Go's strconv.ParseFloat syntax for `le` values (decimal, Inf/Infinity, NaN, hex with p exponent). */
export function parseGoFloat(s: string): number | null {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
  if (hex !== null && (hex[2] !== '' || hex[3] !== '')) {
    const mant = parseInt(hex[2] + hex[3] || '0', 16) / 16 ** hex[3].length;
    const v = mant * 2 ** Number(hex[4]);
    return hex[1] === '-' ? -v : v;
  }
  return null;
}

/**
 * Groups bucket series by their labels without `le` (a bad or missing `le` is skipped with a
 * warning) and calls `f` per group and step with the buckets present at that step. Outputs
 * drop the metric name (delayed) and `le`.
 */
function overBuckets(
  series: readonly StepSeries[],
  ctx: EvalContext,
  call: Call,
  vecArg: number,
  f: (buckets: Bucket[], step: number, name: string) => number,
): StepSeries[] {
  const groups = new Map<string, { labels: Labels; members: { s: StepSeries; le: number }[] }>();
  for (const s of series) {
    const leText = s.labels.get('le');
    const le = parseGoFloat(leText);
    if (le === null) {
      ctx.warn(
        `bucket label "le" is missing or has a malformed value of ${JSON.stringify(leText)}${forName(s.labels.metricName)}`,
        call.args[vecArg].pos,
      );
      continue;
    }
    const labels = s.labels.without('le');
    const key = labels.flat.join('\ud800');
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { labels, members: [] }));
    g.members.push({ s, le });
  }
  const out: StepSeries[] = [];
  for (const g of groups.values()) {
    const vs = absentSteps(ctx.steps);
    let any = false;
    const name = g.labels.metricName;
    for (let i = 0; i < ctx.steps; i++) {
      const bs: Bucket[] = [];
      for (const m of g.members) {
        const v = m.s.vs[i];
        if (!(v !== v && isAbsent(v))) bs.push({ upperBound: m.le, count: v });
      }
      if (bs.length === 0) continue;
      vs[i] = f(bs, i, name);
      any = true;
    }
    if (any) out.push({ labels: g.labels, vs, ts: null, dropName: true });
  }
  return out;
}
