/** Checks on dashboard template variables, with the server's rules (src/dashboards/schema.ts). */
import type { Variable } from '../../api/dashboards.js';
import { parseLabelValues } from './template.js';

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** What is wrong with variable `i` of `vars`, field by field (empty when valid). */
export function variableProblems(
  vars: readonly Pick<Variable, 'name' | 'query'>[],
  i: number,
): Record<string, string> {
  const v = vars[i]!;
  const out: Record<string, string> = {};
  if (!NAME_RE.test(v.name)) out.name = 'A name like instance or job_1.';
  else if (vars.some((w, j) => j < i && w.name === v.name)) out.name = `“${v.name}” is used twice.`;
  if (!parseLabelValues(v.query))
    out.query = 'label_values(label) or label_values(selector, label).';
  return out;
}
