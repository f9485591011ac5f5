import { Labels } from '../../../model/index.js';
import { isAbsent, type InstantFunction, type StepSeries } from '../../steps.js';
import { stringArg, vector, vectorArg } from './helpers.js';

/**
 * `sort sort_desc sort_by_label sort_by_label_desc`. Ordering only means something for an
 * instant query (a range result is always sorted by labels), so they order by the first step's
 * value and return the input series unchanged otherwise; the engine keeps this order when the
 * query ends in one of them.
 */
export const SORT_FUNCTIONS: ReadonlyMap<string, InstantFunction> = new Map<
  string,
  InstantFunction
>([
  ['sort', (args) => vector(byValue(vectorArg(args, 0), false))],
  ['sort_desc', (args) => vector(byValue(vectorArg(args, 0), true))],
  ['sort_by_label', (args) => vector(byLabel(vectorArg(args, 0), labelArgs(args), false))],
  ['sort_by_label_desc', (args) => vector(byLabel(vectorArg(args, 0), labelArgs(args), true))],
]);

function labelArgs(args: Parameters<InstantFunction>[0]): string[] {
  const names: string[] = [];
  for (let i = 1; i < args.length; i++) names.push(stringArg(args, i));
  return names;
}

/** Ascending (or descending) by value, NaN last either way, as Prometheus; stable on ties. */
function byValue(series: readonly StepSeries[], desc: boolean): StepSeries[] {
  const present = series.filter((s) => !isAbsent(s.vs[0]));
  const absent = series.filter((s) => isAbsent(s.vs[0]));
  const sorted = present
    .map((s, i) => ({ s, i }))
    .sort((a, b) => {
      const x = a.s.vs[0];
      const y = b.s.vs[0];
      const xn = Number.isNaN(x);
      const yn = Number.isNaN(y);
      if (xn || yn) return xn && yn ? a.i - b.i : xn ? 1 : -1;
      if (x !== y) return desc ? y - x : x - y;
      return a.i - b.i;
    })
    .map((e) => e.s);
  return [...sorted, ...absent];
}

/** By the given labels' values in natural order, then by the whole label set. */
function byLabel(series: readonly StepSeries[], names: string[], desc: boolean): StepSeries[] {
  const sign = desc ? -1 : 1;
  return [...series].sort((a, b) => {
    for (const n of names) {
      const c = naturalCompare(a.labels.get(n), b.labels.get(n));
      if (c !== 0) return sign * c;
    }
    return sign * Labels.compare(a.labels, b.labels);
  });
}

const CHUNK = /(\d+|\D+)/g;

/**
 * Natural order (`a2` < `a10`), as the natsort package Prometheus uses: the strings are split
 * into digit and non-digit runs compared pairwise, digit runs by numeric value.
 */
export function naturalCompare(a: string, b: string): number {
  if (a === b) return 0;
  const ca = a.match(CHUNK) ?? [];
  const cb = b.match(CHUNK) ?? [];
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i];
    const y = cb[i];
    if (x === y) continue;
    const xd = /^\d/.test(x);
    const yd = /^\d/.test(y);
    if (xd && yd) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d < 0 ? -1 : 1;
      return x < y ? -1 : 1; // equal value, different zero padding
    }
    return x < y ? -1 : 1;
  }
  return ca.length - cb.length < 0 ? -1 : ca.length === cb.length ? 0 : 1;
}
