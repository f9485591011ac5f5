/**
 * Logs: write LogQL, pick a time range, and see the matching lines (newest first, levels
 * coloured, `|=` matches highlighted), a histogram by level (drag to zoom), field facets (click
 * to filter), a line's fields and context, and a live tail. The view lives in the URL
 * (lib/logs-state.ts), so a copied URL reproduces it.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation, useSearch } from 'wouter-preact';
import { labelNames, labelValues, logsInfo, type LogsInfo } from '../../api/logs.js';
import { TimeRangePicker } from '../../components/time/index.js';
import {
  facets as facetsOf,
  mergeLines,
  addNs,
  secToNs,
  type LogLine,
} from '../../lib/logs-lines.js';
import { addLabelFilter } from '../../lib/logs-query.js';
import { logsStateFromSearch, logsStateToSearch, type LogsState } from '../../lib/logs-state.js';
import { filterLiterals } from '../../lib/logs-text.js';
import { niceStep, resolveRange } from '../../lib/time-range.js';
import { Facets } from './facets.js';
import { Histogram, type HistogramData } from './histogram.js';
import { Lines } from './lines.js';
import { LIVE_CAP, useLiveTail } from './live.js';
import type { LabelSource } from './logql-language.js';
import { LogqlEditor } from './logql-editor.js';
import { Retention } from './retention.js';
import { fetchHistogram, fetchLines, type LinesResult } from './run.js';
import './logs.css';

/** About this many histogram bars across the range. */
const BARS = 80;
/** How often the histogram is re-fetched in live mode. */
const LIVE_HISTOGRAM_MS = 5000;

const iso = (sec: number) => new Date(Math.round(sec * 1000)).toISOString();

export default function LogsPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const state = useMemo(() => logsStateFromSearch(search), [search]);
  const [draft, setDraft] = useState(state.query);
  const [revision, setRevision] = useState(0);
  const [runId, setRunId] = useState(0);
  const [result, setResult] = useState<LinesResult>();
  const [histogram, setHistogram] = useState<{ data: HistogramData; window: [number, number] }>();
  const [running, setRunning] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [streamNames, setStreamNames] = useState<string[]>();
  const bounds = useRef<{ start: string; end: string }>({ start: '0', end: '0' });
  const [info, setInfo] = useState<LogsInfo>();

  // Retention changes only with a config reload: once per visit is enough.
  useEffect(() => {
    const ac = new AbortController();
    logsInfo(ac.signal).then(setInfo, () => undefined);
    return () => ac.abort();
  }, []);

  // Back/forward or a pasted URL brings its own query.
  useEffect(() => {
    setDraft(state.query);
    setRevision((r) => r + 1);
  }, [state.query]);

  const go = (next: LogsState, push: boolean) =>
    navigate(`/logs?${logsStateToSearch(next)}`, { replace: !push });
  const run = (query = draft) => {
    go({ ...state, query }, true);
    setRunId((r) => r + 1);
  };

  // Stream label names in the range: completion, facets (stream label or field?), empty state.
  const rangeKey = `${state.range.from}|${state.range.to}`;
  const valuesCache = useRef(new Map<string, Promise<string[]>>());
  useEffect(() => {
    const { start, end } = resolveRange(state.range, Date.now());
    valuesCache.current.clear();
    const ac = new AbortController();
    labelNames(secToNs(start), secToNs(end), ac.signal).then(setStreamNames, () =>
      setStreamNames([]),
    );
    return () => ac.abort();
  }, [rangeKey]);
  const labelSource = useMemo<LabelSource>(
    () => ({
      names: async () => streamNames ?? [],
      values: (name) => {
        let p = valuesCache.current.get(name);
        if (!p) {
          const { start, end } = resolveRange(state.range, Date.now());
          p = labelValues(name, secToNs(start), secToNs(end)).catch(() => []);
          valuesCache.current.set(name, p);
        }
        return p;
      },
    }),
    [streamNames, rangeKey],
  );
  const isStreamLabel = (name: string) => streamNames?.includes(name) ?? false;

  const runKey = JSON.stringify([state.query, state.range, state.direction]);
  /** Fetches the histogram of the query over [start, end) (seconds) into the page. */
  const loadHistogram = (start: number, end: number, signal: AbortSignal) =>
    fetchHistogram(
      state.query,
      start,
      end,
      niceStep(Math.max(1, (end - start) / BARS)),
      signal,
    ).then(
      (data) => setHistogram(data && { data, window: [start, end] }),
      () => undefined, // aborted: a newer run replaces this one
    );
  useEffect(() => {
    if (state.query.trim() === '') {
      setResult(undefined);
      setHistogram(undefined);
      return;
    }
    const ac = new AbortController();
    const { start, end } = resolveRange(state.range, Date.now());
    bounds.current = { start: secToNs(start), end: secToNs(end) };
    setRunning(true);
    fetchLines(
      state.query,
      bounds.current.start,
      bounds.current.end,
      state.direction,
      ac.signal,
    ).then(
      (r) => {
        setResult(r);
        setRunning(false);
      },
      () => {
        // Aborted: a newer run replaces this one.
      },
    );
    void loadHistogram(start, end, ac.signal);
    return () => ac.abort();
  }, [runKey, runId]);

  // Live: the histogram follows the clock (and counts tailed lines), re-fetched over the range.
  useEffect(() => {
    if (!state.live || state.query.trim() === '') return;
    let ac = new AbortController();
    const timer = setInterval(() => {
      ac.abort();
      ac = new AbortController();
      const { start, end } = resolveRange(state.range, Date.now());
      void loadHistogram(start, end, ac.signal);
    }, LIVE_HISTOGRAM_MS);
    return () => {
      clearInterval(timer);
      ac.abort();
    };
  }, [runKey, state.live]);

  const loadMore = () => {
    if (result?.kind !== 'lines' || result.lines.length === 0) return;
    const edge = result.lines[result.lines.length - 1]!.ns;
    const { start, end } = bounds.current;
    // Backward: older than the oldest shown (end is exclusive); forward: newer than the newest.
    const [s, e] = state.direction === 'backward' ? [start, edge] : [addNs(edge, 1), end];
    setLoadingMore(true);
    fetchLines(state.query, s, e, state.direction, new AbortController().signal).then(
      (more) => {
        setLoadingMore(false);
        if (more.kind === 'lines')
          setResult({
            kind: 'lines',
            lines: mergeLines(result.lines, more.lines, state.direction),
            full: more.full,
          });
        else setResult(more);
      },
      () => setLoadingMore(false),
    );
  };

  const shown: LogLine[] = result?.kind === 'lines' ? result.lines : [];
  const tail = useLiveTail(state.query, state.live, shown);
  const lines = state.live ? tail.lines : shown;
  const facetList = useMemo(() => facetsOf(lines), [lines]);
  const literals = useMemo(() => filterLiterals(state.query), [state.query]);

  const filter = (name: string, value: string) => {
    const q = addLabelFilter(
      state.query.trim() === '' ? draft : state.query,
      name,
      value,
      isStreamLabel(name),
    );
    setDraft(q);
    setRevision((r) => r + 1);
    run(q);
  };

  return (
    <section class="page logs">
      <h1>Logs</h1>
      <div class="logs-query-row">
        <LogqlEditor
          value={draft}
          revision={revision}
          onChange={setDraft}
          onRun={run}
          labels={labelSource}
        />
      </div>
      <div class="toolbar logs-controls">
        <button
          type="button"
          class="primary"
          onClick={() => run()}
          aria-busy={running ? 'true' : 'false'}
        >
          {running ? 'Running…' : 'Run'}
        </button>
        <TimeRangePicker
          value={state.range}
          onChange={(range) => go({ ...state, query: draft, range }, true)}
        />
        <div class="segmented" role="group" aria-label="Order">
          {(['backward', 'forward'] as const).map((d) => (
            <button
              type="button"
              key={d}
              aria-pressed={state.direction === d ? 'true' : 'false'}
              onClick={() => go({ ...state, direction: d }, true)}
            >
              {d === 'backward' ? 'Newest first' : 'Oldest first'}
            </button>
          ))}
        </div>
        <label class="logs-check">
          <input
            type="checkbox"
            checked={state.wrap}
            onChange={(e) => go({ ...state, wrap: (e.target as HTMLInputElement).checked }, false)}
          />
          Wrap lines
        </label>
        <button
          type="button"
          aria-pressed={state.live ? 'true' : 'false'}
          disabled={state.query.trim() === ''}
          onClick={() => go({ ...state, live: !state.live }, true)}
        >
          {state.live ? '● Live' : 'Live tail'}
        </button>
        {state.live && (
          <button type="button" onClick={() => tail.setPaused(!tail.paused)}>
            {tail.paused ? `Resume${tail.waiting > 0 ? ` (${tail.waiting} new)` : ''}` : 'Pause'}
          </button>
        )}
      </div>
      {info && (
        <Retention info={info} rangeStartMs={resolveRange(state.range, Date.now()).start * 1000} />
      )}
      {state.live && (
        <p class="logs-live-status small" aria-live="polite">
          {tail.status === 'open'
            ? 'Live: new lines appear at the top'
            : tail.status === 'connecting'
              ? 'Connecting…'
              : 'Live tail closed'}
          {tail.droppedServer > 0 && ` · ${tail.droppedServer} dropped by the server`}
          {tail.droppedCap > 0 && ` · ${tail.droppedCap} oldest removed (keeping ${LIVE_CAP})`}
        </p>
      )}
      {state.live && tail.error && (
        <p class="error" role="alert">
          {tail.error}
        </p>
      )}
      {result?.kind === 'error' && (
        <div class="logs-error" role="alert">
          <p class="error">
            <strong>Error:</strong> {result.message}
          </p>
        </div>
      )}
      {histogram && histogram.data.x.length > 0 && (
        <div class="card logs-histogram-card">
          <Histogram
            data={histogram.data}
            window={histogram.window}
            tz={state.range.tz}
            onSelect={(from, to) =>
              go(
                {
                  ...state,
                  query: draft,
                  live: false,
                  range: { ...state.range, from: iso(from), to: iso(to) },
                },
                true,
              )
            }
          />
        </div>
      )}
      <Empty
        state={state}
        result={result}
        running={running}
        streamNames={streamNames}
        lines={lines.length}
      />
      {lines.length > 0 && (
        <div class="logs-body">
          <div class="card logs-lines-card">
            <p class="logs-count small muted" aria-live="polite">
              {lines.length} lines
              {state.live
                ? ' (live)'
                : state.direction === 'backward'
                  ? ', newest first'
                  : ', oldest first'}
            </p>
            <Lines
              lines={lines}
              literals={literals}
              tz={state.range.tz}
              wrap={state.wrap}
              isStreamLabel={isStreamLabel}
              onFilter={filter}
            />
            {!state.live && result?.kind === 'lines' && result.full && (
              <button
                type="button"
                class="logs-more"
                onClick={loadMore}
                aria-busy={loadingMore ? 'true' : 'false'}
              >
                {loadingMore
                  ? 'Loading…'
                  : state.direction === 'backward'
                    ? 'Load older lines'
                    : 'Load newer lines'}
              </button>
            )}
          </div>
          <Facets facets={facetList} total={lines.length} onFilter={filter} />
        </div>
      )}
    </section>
  );
}

function Empty({
  state,
  result,
  running,
  streamNames,
  lines,
}: {
  state: LogsState;
  result: LinesResult | undefined;
  running: boolean;
  streamNames: string[] | undefined;
  lines: number;
}) {
  if (running || lines > 0) return null;
  if (streamNames !== undefined && streamNames.length === 0 && state.query.trim() === '') {
    return (
      <div class="card logs-empty">
        <h2>No logs yet</h2>
        <p>
          Nothing was received in this time range. Send logs with any Loki client (Promtail, Grafana
          Alloy, Fluent Bit, Vector) to <code>POST /loki/api/v1/push</code>, or over OTLP, syslog or
          file tailing (see <code>docs/user/logs-ingest.md</code>). For example, with an API token
          of scope <code>write</code>:
        </p>
        <pre class="logs-example">
          {`curl -H "Authorization: Bearer $ARGUS_TOKEN" -H 'content-type: application/json' \\
  ${location.origin}/loki/api/v1/push \\
  -d '{"streams":[{"stream":{"app":"demo"},"values":[["'$(date +%s%N)'","hello"]]}]}'`}
        </pre>
      </div>
    );
  }
  if (state.query.trim() === '') {
    return (
      <div class="card logs-empty">
        <p>
          Write a LogQL query and press Ctrl/Cmd-Enter or Run: a stream selector such as{' '}
          <code>{'{app="api"}'}</code>, then filters like <code>|= "error"</code> or{' '}
          <code>| json | status &gt;= 500</code>.
        </p>
        {streamNames && streamNames.length > 0 && (
          <p class="muted">
            Labels in this range: {streamNames.join(', ')} (type {'{'} to complete).
          </p>
        )}
      </div>
    );
  }
  if (result?.kind === 'metric')
    return (
      <p class="card logs-empty">
        This is a metric query. The Logs page shows log lines: use a selector with filters (
        <code>{'{app="api"} |= "error"'}</code>); metric LogQL belongs in rules and Grafana.
      </p>
    );
  if (result?.kind === 'lines' && !state.live)
    return (
      <p class="card logs-empty">
        No lines match in this time range. Widen the range, or loosen the filters.
      </p>
    );
  return null;
}
