/**
 * The rules by which the conformance runner skips an eval, each stated once with its reason.
 * #5 requires every eval that involves neither native histograms nor experimental-only
 * features to pass; everything skipped is skipped here and counted per rule.
 */
import type { EvalCommand, LoadCommand } from './script.js';

export const SKIP_REASONS = {
  'native-histogram-literal':
    'the eval writes a {{…}} native-histogram literal (Argus: not yet, #5)',
  'native-histogram-function':
    'the query calls a native-only histogram_* function (histogram_count/sum/avg/stddev/stdvar)',
  'native-histogram-data':
    'the query may select a series holding native-histogram data (loaded from {{…}} or load_with_nhcb)',
  'start-timestamps': 'start-timestamp (@st) data is loaded (experimental, FORMAT.md §3.4)',
  'experimental:limitk': 'experimental limitk/limit_ratio',
  'experimental:extended-range': 'experimental anchored/smoothed range selectors',
  'experimental:fill': 'experimental fill/fill_left/fill_right binary modifiers',
  'experimental:duration-expr':
    'experimental duration expressions (arithmetic, step(), range(), min_of/max_of)',
  'experimental:info': 'experimental info() function',
  'experimental:functions':
    'experimental function (sort_by_label, mad_over_time, ts_of_*, first_over_time, start/end, histogram_quantiles, …)',
  'experimental:type-unit': 'experimental __type__/__unit__ metadata labels',
} as const;

export type SkipRule = keyof typeof SKIP_REASONS;

/** What earlier loads left in storage that some evals must not touch (reset by `clear`). */
export class LoadedState {
  /** Metric names of series holding native histograms; '' = a nameless one (matches any query). */
  readonly histogramNames = new Set<string>();
  startTimestamps = false;
  typeUnitLabels = false;

  clear(): void {
    this.histogramNames.clear();
    this.startTimestamps = false;
    this.typeUnitLabels = false;
  }

  note(load: LoadCommand): void {
    if (load.hasStartTimestamps) this.startTimestamps = true;
    for (const s of load.series) {
      const name = s.labels.metricName;
      if (s.labels.has('__type__') || s.labels.has('__unit__')) this.typeUnitLabels = true;
      if (s.values.some((v) => v.kind === 'histogram')) this.histogramNames.add(name);
      if (load.withNhcb) {
        // load_with_nhcb also stores each classic family X_bucket/X_count/X_sum as histogram X.
        const m = /^(.*)_(bucket|count|sum)$/.exec(name);
        if (m) this.histogramNames.add(m[1]);
      }
    }
  }
}

/** The query with string literals emptied, so their contents never look like syntax. */
export function stripStrings(q: string): string {
  return q.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
}

const IDENT_CHAR = /[a-zA-Z0-9_:]/;

function mentions(q: string, name: string): boolean {
  for (let i = q.indexOf(name); i >= 0; i = q.indexOf(name, i + 1)) {
    const before = i > 0 ? q[i - 1] : ' ';
    const after = i + name.length < q.length ? q[i + name.length] : ' ';
    if (!IDENT_CHAR.test(before) && !IDENT_CHAR.test(after)) return true;
  }
  return false;
}

const PLAIN_RANGE = /^\s*(?:(?:\d+(?:ms|[smhdwy]))+|\d+(?:\.\d+)?)\s*$/;

/** Whether a `[…]` holds anything but a literal range (and subquery step). */
function hasDurationExpr(q: string): boolean {
  for (const m of q.matchAll(/\[([^\]]*)\]/g)) {
    const parts = m[1].split(':');
    if (!PLAIN_RANGE.test(parts[0])) return true;
    if (parts.length > 1 && parts[1].trim() !== '' && !PLAIN_RANGE.test(parts[1])) return true;
  }
  return /\boffset\s*-?\s*\(/.test(q) || /\b(step|range|min_of|max_of)\s*\(/i.test(q);
}

/**
 * Functions Prometheus 3.x registers as `Experimental` (parser/functions.go) that no narrower
 * rule above covers (info, step/range/min_of/max_of and limitk have their own).
 */
export const EXPERIMENTAL_FUNCTIONS: readonly string[] = [
  'double_exponential_smoothing',
  'end',
  'first_over_time',
  'histogram_quantiles',
  'integral',
  'mad_over_time',
  'sort_by_label',
  'sort_by_label_desc',
  'start',
  'start_timestamp',
  'ts_of_first_over_time',
  'ts_of_last_over_time',
  'ts_of_max_over_time',
  'ts_of_min_over_time',
];

const EXPERIMENTAL_FUNCTION_CALL = new RegExp(
  `(?<![a-zA-Z0-9_:])(?:${EXPERIMENTAL_FUNCTIONS.join('|')})\\s*\\(`,
);

const EXPERIMENTAL: [SkipRule, (q: string) => boolean][] = [
  ['experimental:limitk', (q) => /\b(limitk|limit_ratio)\s*\(/.test(q)],
  ['experimental:extended-range', (q) => /\b(anchored|smoothed)\b/.test(q)],
  ['experimental:fill', (q) => /\b(fill|fill_left|fill_right)\s*\(/.test(q)],
  ['experimental:duration-expr', hasDurationExpr],
  ['experimental:info', (q) => /\binfo\s*\(/.test(q)],
  ['experimental:functions', (q) => EXPERIMENTAL_FUNCTION_CALL.test(q)],
  ['experimental:type-unit', (q) => /__type__|__unit__/.test(q)],
];

/** The rule that skips `ev` given what is loaded, or null when it must run (and pass). */
export function skipRule(
  ev: EvalCommand,
  loaded: LoadedState,
  experimental: boolean,
): SkipRule | null {
  if (ev.hasHistogramLiteral) return 'native-histogram-literal';
  const q = stripStrings(ev.query);
  if (/\bhistogram_(count|sum|avg|stddev|stdvar)\s*\(/.test(q)) return 'native-histogram-function';
  if (loaded.histogramNames.size > 0) {
    // A nameless selector (`{job="x"}`, `{__name__=~…}`) could match any series.
    const nameless = /(^|[^a-zA-Z0-9_:])\{/.test(q) || q.includes('__name__');
    if (nameless || [...loaded.histogramNames].some((n) => n === '' || mentions(q, n))) {
      return 'native-histogram-data';
    }
  }
  if (loaded.startTimestamps) return 'start-timestamps';
  if (!experimental) {
    if (loaded.typeUnitLabels) return 'experimental:type-unit';
    for (const [rule, test] of EXPERIMENTAL) if (test(q)) return rule;
  }
  return null;
}
