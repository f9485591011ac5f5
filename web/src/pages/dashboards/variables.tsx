/** The variables bar: one select per dashboard variable, options from label_values(). */
import { useEffect, useState } from 'preact/hooks';
import type { Variable } from '../../api/dashboards.js';
import { labelValues } from '../../api/prom.js';
import { interpolate, parseLabelValues, type VariableValue } from '../../lib/dashboard/template.js';

export const ALL = '$__all';

/** The panels' view of the variables: All expands to every option. */
export function variableValues(
  vars: readonly Variable[],
  options: Readonly<Record<string, string[]>>,
): Record<string, VariableValue> {
  const out: Record<string, VariableValue> = {};
  for (const v of vars) {
    const opts = options[v.name] ?? [];
    let values = v.current.includes(ALL) ? opts : v.current;
    if (values.length === 0 && opts.length > 0) values = v.includeAll ? opts : [opts[0]!];
    out[v.name] = { values, regex: v.multi || v.includeAll };
  }
  return out;
}

export function useVariableOptions(vars: readonly Variable[], refresh: number) {
  const [options, setOptions] = useState<Record<string, string[]>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  // A variable's selector may use the variables before it (`label_values(up{job="$job"},
  // instance)`): they are resolved in order, and a change of selection re-resolves.
  const key = JSON.stringify(vars.map((v) => [v.query, v.current]));
  useEffect(() => {
    const ctl = new AbortController();
    void (async () => {
      const o: Record<string, string[]> = {};
      const e: Record<string, string> = {};
      for (const v of vars) {
        const q = parseLabelValues(v.query);
        if (!q) {
          o[v.name] = [];
          e[v.name] = `cannot read ${v.query}: want label_values(…)`;
          continue;
        }
        const before = variableValues(
          vars.filter((x) => x.name in o),
          o,
        );
        const selector =
          q.selector === undefined
            ? undefined
            : interpolate(q.selector, before, { stepSec: 60, rangeSec: 3600 });
        try {
          o[v.name] = await labelValues(q.label, selector ? [selector] : undefined, ctl.signal);
        } catch (err) {
          if (ctl.signal.aborted) return;
          o[v.name] = [];
          e[v.name] = err instanceof Error ? err.message : String(err);
        }
      }
      if (ctl.signal.aborted) return;
      setOptions(o);
      setErrors(e);
    })();
    return () => ctl.abort();
  }, [key, refresh]);
  return { options, errors };
}

export function VariablesBar({
  vars,
  options,
  errors,
  onChange,
}: {
  vars: readonly Variable[];
  options: Readonly<Record<string, string[]>>;
  errors: Readonly<Record<string, string>>;
  onChange(name: string, current: string[]): void;
}) {
  if (vars.length === 0) return null;
  return (
    <div class="variables" role="group" aria-label="Variables">
      {vars.map((v) => {
        const opts = options[v.name] ?? [];
        const selected =
          v.current.length > 0 ? v.current : opts.length > 0 ? [v.includeAll ? ALL : opts[0]!] : [];
        return (
          <label key={v.name}>
            {v.label ?? v.name}
            <select
              multiple={v.multi}
              value={v.multi ? undefined : selected[0]}
              onChange={(e) => {
                const el = e.currentTarget;
                const cur = v.multi ? [...el.selectedOptions].map((o) => o.value) : [el.value];
                onChange(v.name, cur);
              }}
            >
              {v.includeAll && (
                <option value={ALL} selected={selected.includes(ALL)}>
                  All
                </option>
              )}
              {opts.map((o) => (
                <option key={o} value={o} selected={selected.includes(o)}>
                  {o}
                </option>
              ))}
            </select>
            {errors[v.name] && <span class="error small">{errors[v.name]}</span>}
          </label>
        );
      })}
    </div>
  );
}
