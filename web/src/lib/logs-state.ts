/**
 * The Logs page's state and its URL form, so a copied URL reproduces the view:
 * `?query={app="api"} |= "error"&from=now-1h&to=now&tz=utc&dir=forward&live=1&wrap=0`.
 * Pure (no DOM), tested in test/web/logs-state.test.ts.
 */
import { rangeFromParams, rangeToParams, type TimeRange } from './time-range.js';

export type Direction = 'backward' | 'forward';

export interface LogsState {
  query: string;
  range: TimeRange;
  /** backward: newest first (Loki's default). */
  direction: Direction;
  live: boolean;
  wrap: boolean;
}

export function logsStateFromSearch(search: string, nowMs = Date.now()): LogsState {
  const q = new URLSearchParams(search);
  return {
    // `q` is what alert links from LogQL rules carry (`logs?q=…`, as `explore?q=…` for PromQL).
    query: q.get('query') ?? q.get('q') ?? '',
    range: rangeFromParams(q, nowMs),
    direction: q.get('dir') === 'forward' ? 'forward' : 'backward',
    live: q.get('live') === '1',
    wrap: q.get('wrap') !== '0',
  };
}

/** The query string (without `?`); defaults are left out. */
export function logsStateToSearch(s: LogsState): string {
  const q = new URLSearchParams();
  if (s.query !== '') q.set('query', s.query);
  for (const [k, v] of Object.entries(rangeToParams(s.range))) q.set(k, v);
  if (s.direction !== 'backward') q.set('dir', s.direction);
  if (s.live) q.set('live', '1');
  if (!s.wrap) q.set('wrap', '0');
  return q.toString();
}
