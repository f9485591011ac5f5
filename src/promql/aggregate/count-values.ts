import { isWellFormed, Labels } from '../../model/index.js';
import type { AggregateExpr } from '../ast.js';
import { QueryExecutionError } from '../errors.js';
import { absentSteps, isAbsent, type StepSeries } from '../steps.js';
import { formatGoFloatF } from './format.js';
import { groupLabelsFn, labelsKey } from './grouping.js';

/**
 * count_values: per step, the number of series per (group, value), where the value is written
 * into label `label` (formatted as Go's strconv 'f' -1, as Prometheus) before grouping — so the
 * label takes part in `by`/`without` and overrides an input label of the same name.
 */
export function countValues(
  node: AggregateExpr,
  input: readonly StepSeries[],
  label: string,
  steps: number,
): StepSeries[] {
  // Prometheus 3.x accepts any non-empty valid UTF-8 label name; U+FFFD is what an invalid
  // byte in the query string decodes to.
  if (label === '' || !isWellFormed(label) || label.includes('\ufffd')) {
    throw new QueryExecutionError(`invalid label name ${JSON.stringify(label)}`);
  }
  // The value label always takes part in `by` (Prometheus appends it to the grouping).
  const fn = groupLabelsFn(
    node.without ? node : { grouping: [...node.grouping, label], without: false },
  );
  const byKey = new Map<string, StepSeries>();
  // Per input series: group labels by value (-0 apart from 0: Go formats it as "-0").
  const valueLabels = new Map<number | string, Labels>();
  for (const s of input) {
    valueLabels.clear();
    for (let i = 0; i < steps; i++) {
      const v = s.vs[i];
      if (v !== v && isAbsent(v)) continue;
      const vk = Object.is(v, -0) ? '-0' : v;
      let g = valueLabels.get(vk);
      if (g === undefined) {
        g = fn(withLabel(s.labels, label, formatGoFloatF(v)));
        valueLabels.set(vk, g);
      }
      const key = labelsKey(g);
      let out = byKey.get(key);
      if (out === undefined) {
        out = { labels: g, vs: absentSteps(steps), ts: null, dropName: false };
        byKey.set(key, out);
      }
      const c = out.vs[i];
      out.vs[i] = c !== c && isAbsent(c) ? 1 : c + 1;
    }
  }
  return [...byKey.values()];
}

/** `ls` with `name` set to `value` (replaced if present). */
export function withLabel(ls: Labels, name: string, value: string): Labels {
  const f = ls.flat;
  const out: string[] = [];
  let done = false;
  for (let i = 0; i < f.length; i += 2) {
    if (!done && f[i] >= name) {
      out.push(name, value);
      done = true;
      if (f[i] === name) continue;
    }
    out.push(f[i], f[i + 1]);
  }
  if (!done) out.push(name, value);
  return Labels.fromSortedFlat(out);
}
