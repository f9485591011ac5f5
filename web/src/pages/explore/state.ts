/**
 * The Explore view's state and its URL form, so a copied URL reproduces the view:
 * `?q=<query>&q=<query B>&from=now-1h&to=now&tz=utc&step=30s&view=table&unit=bytes&stacked=1`.
 * Pure (no DOM), tested in test/web/explore-state.test.ts.
 */
import { isUnit, type Unit } from '../../lib/units.js';
import { rangeFromParams, rangeToParams, type TimeRange } from '../../lib/time-range.js';

export type ExploreView = 'graph' | 'table';

export interface ExploreState {
  /** Query A, B, … (at least one, possibly empty). */
  queries: string[];
  range: TimeRange;
  view: ExploreView;
  unit: Unit;
  stacked: boolean;
}

export const MAX_QUERIES = 6;

export function stateFromSearch(search: string, nowMs = Date.now()): ExploreState {
  const q = new URLSearchParams(search);
  const queries = q.getAll('q').slice(0, MAX_QUERIES);
  const unit = q.get('unit');
  return {
    queries: queries.length === 0 ? [''] : queries,
    range: rangeFromParams(q, nowMs),
    view: q.get('view') === 'table' ? 'table' : 'graph',
    unit: isUnit(unit) ? unit : 'none',
    stacked: q.get('stacked') === '1',
  };
}

/** The query string (without `?`); defaults are left out. */
export function stateToSearch(s: ExploreState): string {
  const q = new URLSearchParams();
  for (const x of s.queries) q.append('q', x);
  for (const [k, v] of Object.entries(rangeToParams(s.range))) q.set(k, v);
  if (s.view !== 'graph') q.set('view', s.view);
  if (s.unit !== 'none') q.set('unit', s.unit);
  if (s.stacked) q.set('stacked', '1');
  return q.toString();
}

/** Query names: A, B, C… */
export const queryName = (i: number) => String.fromCharCode(65 + i);

/** A series' legend text, as Prometheus shows it: `name{a="x", b="y"}`. */
export function seriesName(labels: Record<string, string>): string {
  const { __name__: name = '', ...rest } = labels;
  const parts = Object.keys(rest)
    .sort()
    .map((k) => `${k}=${JSON.stringify(rest[k])}`);
  if (parts.length === 0) return name === '' ? '{}' : name;
  return `${name}{${parts.join(', ')}}`;
}

/**
 * Where a server parse error points (`parse error at char 7: …`, 1-based): the line of the
 * query and the column, for a caret under it; undefined when the message has no position.
 */
export function errorPosition(
  query: string,
  message: string,
): { line: string; column: number } | undefined {
  const m = /at char (\d+)/.exec(message);
  if (!m) return undefined;
  const at = Math.max(0, Math.min(query.length, Number(m[1]) - 1));
  const start = query.lastIndexOf('\n', at - 1) + 1;
  const endNl = query.indexOf('\n', at);
  const line = query.slice(start, endNl === -1 ? undefined : endNl);
  return { line, column: at - start };
}
