/**
 * Dashboard variables in queries and legends (Grafana's conventions, which imported
 * dashboards rely on). Pure (no DOM), tested in test/web/dashboard-template.test.ts.
 *
 *   interpolate('rate(x{instance=~"$instance"}[5m])', { instance: ['a:9100', 'b:9100'] }, multi)
 *     → 'rate(x{instance=~"(a:9100|b:9100)"}[5m])'
 *   formatLegend('{{instance}} {{mode}}', { instance: 'a', mode: 'idle' }) → 'a idle'
 */

/** A variable's current selection as the panel queries see it. */
export interface VariableValue {
  /** Selected values (All expands to every value). */
  values: string[];
  /** multi or includeAll: values are regex-escaped and joined as `(a|b)`. */
  regex: boolean;
}

/** Escapes a value for a PromQL regex matcher (RE2 syntax) inside a double-quoted string. */
export function escapeRegex(v: string): string {
  return v.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\\\${c}`);
}

/** The text a variable stands for in a query. */
export function variableText(v: VariableValue): string {
  if (!v.regex) return v.values[0] ?? '';
  const parts = v.values.map(escapeRegex);
  if (parts.length === 0) return '';
  return parts.length === 1 ? parts[0]! : `(${parts.join('|')})`;
}

/**
 * Replaces `$name`, `${name}` and `[[name]]` with the variables' values, plus the built-ins
 * `$__interval` / `$__rate_interval` (from `stepSec`) and `$__range`. Unknown names stay as
 * they are (the query then fails visibly rather than silently matching something else).
 */
export function interpolate(
  expr: string,
  vars: Readonly<Record<string, VariableValue>>,
  builtins: { stepSec: number; rangeSec: number },
): string {
  const builtin: Record<string, string> = {
    __interval: `${Math.max(1, Math.round(builtins.stepSec))}s`,
    // Grafana: at least 4 scrape intervals (15 s) so rate() has two samples.
    __rate_interval: `${Math.max(60, Math.round(builtins.stepSec * 4))}s`,
    __range: `${Math.max(1, Math.round(builtins.rangeSec))}s`,
  };
  return expr.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\[\[([A-Za-z_][A-Za-z0-9_]*)\]\]|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, a: string | undefined, b: string | undefined, c: string | undefined) => {
      const name = (a ?? b ?? c)!;
      if (name in builtin) return builtin[name]!;
      const v = vars[name];
      return v === undefined ? whole : variableText(v);
    },
  );
}

/** `{{label}}` → the series' label value ('' when absent). No template: the series' name. */
export function formatLegend(template: string | undefined, labels: Record<string, string>): string {
  if (template === undefined || template.trim() === '') return seriesName(labels);
  return template.replace(
    /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g,
    (_, n: string) => labels[n] ?? '',
  );
}

/** `metric{a="1", b="2"}`, as Prometheus prints a series. */
export function seriesName(labels: Record<string, string>): string {
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return rest.length === 0 ? name || '{}' : `${name}{${rest.join(', ')}}`;
}

/** The selector and label of `label_values(selector, label)` / `label_values(label)`. */
export function parseLabelValues(query: string): { selector?: string; label: string } | undefined {
  const m = /^label_values\(\s*(?:([^]+?)\s*,\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\)$/.exec(
    query.trim(),
  );
  if (!m) return undefined;
  return m[1] === undefined ? { label: m[2]! } : { selector: m[1], label: m[2]! };
}
