import { RE2JS } from 're2js';
import { Labels } from '../../model/index.js';
import type { LabelReplaceExpr } from '../ast.js';
import { LogqlEvalError } from '../errors.js';
import { SeriesSet, type StepSeries } from './steps.js';

/**
 * label_replace(v, dst, replacement, src, regex): where the anchored RE2 regex matches the
 * value of `src` ('' when absent), `dst` is set to the expanded replacement (removed when that
 * is empty); other series pass unchanged. Two series ending with one label set is an error.
 */
export function evalLabelReplace(
  expr: LabelReplaceExpr,
  input: StepSeries[],
  n: number,
): StepSeries[] {
  let re: RE2JS;
  try {
    // Loki compiles "^(?:" + regex + ")$" (no DOTALL, unlike Prometheus 3).
    re = RE2JS.compile(`^(?:${expr.regex})$`);
  } catch (err) {
    throw new LogqlEvalError(
      `cannot evaluate label_replace: invalid regular expression ${JSON.stringify(expr.regex)}`,
      { cause: err },
    );
  }
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(expr.dst)) {
    throw new LogqlEvalError(
      `cannot evaluate label_replace: invalid destination label name ${JSON.stringify(expr.dst)}`,
    );
  }
  const names = re.namedGroups();
  const out = new SeriesSet(n);
  for (const s of input) {
    const labels = replaceOne(s.labels, re, names, expr);
    for (let i = 0; i < n; i++) {
      if (s.present[i] === 1) out.setOnce(labels, i, s.values[i], 'label_replace');
    }
  }
  return out.series();
}

function replaceOne(
  labels: Labels,
  re: RE2JS,
  names: Record<string, number>,
  expr: LabelReplaceExpr,
): Labels {
  const m = re.matcher(labels.get(expr.src));
  if (!m.matches()) return labels;
  const v = expand(expr.replacement, (g) => {
    const idx = /^\d+$/.test(g) ? Number(g) : names[g];
    if (idx === undefined || idx > m.groupCount()) return '';
    return m.group(idx) ?? '';
  });
  const pairs: [string, string][] = [];
  for (let i = 0; i < labels.size; i++) {
    if (labels.name(i) !== expr.dst) pairs.push([labels.name(i), labels.value(i)]);
  }
  if (v !== '') pairs.push([expr.dst, v]);
  return Labels.fromPairs(pairs);
}

/**
 * Go's regexp Expand: `$name` / `${name}` (letters, digits, `_`; a number is a group index),
 * `$$` → `$`; an unknown group expands to ''.
 */
export function expand(template: string, group: (name: string) => string): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    if (template[d + 1] === '$') {
      out += '$';
      i = d + 2;
      continue;
    }
    const rest = template.slice(d + 1);
    const m = /^\{([A-Za-z0-9_]+)\}/.exec(rest) ?? /^([A-Za-z0-9_]+)/.exec(rest);
    if (m === null) {
      out += '$';
      i = d + 1;
      continue;
    }
    out += group(m[1]);
    i = d + 1 + m[0].length;
  }
  return out;
}
