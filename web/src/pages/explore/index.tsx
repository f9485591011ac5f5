/**
 * Explore: write PromQL (A, B, … queries), pick a time range and step, and see the answer as a
 * graph (range query) or a table (instant query). The whole view lives in the URL (state.ts),
 * so a copied URL reproduces it; Run (or Enter in an editor) adds a history entry.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation, useSearch } from 'wouter-preact';
import { TimeSeriesChart, type ChartSeries } from '../../components/chart/index.js';
import { PromqlEditor } from '../../components/editor/index.js';
import { StepInput, TimeRangePicker } from '../../components/time/index.js';
import {
  autoStep,
  effectiveStep,
  formatDuration,
  formatTime,
  resolveRange,
} from '../../lib/time-range.js';
import { UNIT_LABELS, UNITS, type Unit } from '../../lib/units.js';
import { ResultsTable } from './results-table.js';
import { runInstant, runRange, type QueryResult } from './run.js';
import {
  errorPosition,
  MAX_QUERIES,
  queryName,
  stateFromSearch,
  stateToSearch,
  type ExploreState,
} from './state.js';
import './explore.css';

const FALLBACK_WIDTH = 1000;

export default function ExplorePage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const state = useMemo(() => stateFromSearch(search), [search]);
  const [drafts, setDrafts] = useState<string[]>(state.queries);
  const [runId, setRunId] = useState(0);
  const [results, setResults] = useState<QueryResult[]>([]);
  const [running, setRunning] = useState(false);
  const [ranAt, setRanAt] = useState<number>();
  const results0 = useRef<HTMLDivElement>(null);

  // Back/forward (or a pasted URL) brings its own queries.
  useEffect(() => setDrafts(state.queries), [state.queries.join('\u0000')]);

  const go = (next: ExploreState, push: boolean) =>
    navigate(`/explore?${stateToSearch(next)}`, { replace: !push });
  const run = (queries = drafts) => {
    go({ ...state, queries }, true);
    setRunId((r) => r + 1);
  };
  const show = (patch: Partial<ExploreState>) =>
    go({ ...state, ...patch, queries: state.queries }, false);

  const width = () => results0.current?.clientWidth || FALLBACK_WIDTH;
  // The range the last run covered: the graph's x axis shows all of it, not only the data.
  const [window_, setWindow] = useState<[number, number]>();
  const runKey = JSON.stringify([state.queries, state.range, state.view]);
  useEffect(() => {
    if (state.queries.every((q) => q.trim() === '')) {
      setResults([]);
      return;
    }
    const ac = new AbortController();
    const now = Date.now();
    const { start, end } = resolveRange(state.range, now);
    const step = effectiveStep(state.range, end - start, width());
    setRunning(true);
    Promise.all(
      state.queries.map((q) =>
        state.view === 'graph'
          ? runRange(q, start, end, step, ac.signal)
          : runInstant(q, end, ac.signal),
      ),
    ).then(
      (r) => {
        setResults(r);
        setRanAt(end);
        setWindow([start, end]);
        setRunning(false);
      },
      () => {
        // Aborted: a newer run replaces this one.
      },
    );
    return () => ac.abort();
  }, [runKey, runId]);

  // One series list for the chart, built once per answer (the chart aligns it once).
  const several = state.queries.length > 1;
  const graph = useMemo<ChartSeries[]>(() => {
    const out: ChartSeries[] = [];
    results.forEach((r, i) => {
      if (r.kind !== 'graph') return;
      for (const s of r.series)
        out.push(several ? { ...s, name: `${queryName(i)}: ${s.name}` } : s);
    });
    return out;
  }, [results, several]);
  const hasGraph = results.some((r) => r.kind === 'graph');
  const step = results.find((r) => r.kind === 'graph')?.step;
  const { start, end } = resolveRange(state.range, Date.now());
  const autoNow = autoStep(end - start, width());

  return (
    <section class="page explore">
      <h1>Explore</h1>
      <div class="explore-queries">
        {drafts.map((q, i) => {
          const r = results[i];
          return (
            <div class="explore-query" key={i}>
              <div class="explore-query-row">
                {several && <span class="badge query-name">{queryName(i)}</span>}
                <PromqlEditor
                  value={q}
                  label={several ? `Query ${queryName(i)}` : 'Query'}
                  onChange={(v) => setDrafts((d) => d.map((x, j) => (j === i ? v : x)))}
                  onRun={(v) => run(drafts.map((x, j) => (j === i ? v : x)))}
                />
                {several && (
                  <button
                    type="button"
                    class="icon-button"
                    aria-label={`Remove query ${queryName(i)}`}
                    onClick={() => run(drafts.filter((_, j) => j !== i))}
                  >
                    ✕
                  </button>
                )}
              </div>
              {r?.kind === 'error' && <QueryError query={state.queries[i] ?? q} result={r} />}
              {(r?.kind === 'graph' || r?.kind === 'table') && (
                <Notes warnings={r.warnings} infos={r.infos} />
              )}
            </div>
          );
        })}
      </div>
      <div class="toolbar explore-controls">
        <button
          type="button"
          class="primary"
          onClick={() => run()}
          aria-busy={running ? 'true' : 'false'}
        >
          {running ? 'Running…' : 'Run'}
        </button>
        {drafts.length < MAX_QUERIES && (
          <button type="button" onClick={() => setDrafts([...drafts, ''])}>
            Add query
          </button>
        )}
        <div class="segmented" role="group" aria-label="View">
          {(['graph', 'table'] as const).map((v) => (
            <button
              type="button"
              key={v}
              aria-pressed={state.view === v ? 'true' : 'false'}
              onClick={() => go({ ...state, queries: drafts, view: v }, true)}
            >
              {v === 'graph' ? 'Graph' : 'Table'}
            </button>
          ))}
        </div>
        <TimeRangePicker
          value={state.range}
          onChange={(range) => go({ ...state, queries: drafts, range }, true)}
        />
        <StepInput
          value={state.range.step}
          auto={autoNow}
          onChange={(s) =>
            go({ ...state, queries: drafts, range: { ...state.range, step: s } }, true)
          }
        />
      </div>
      <div class="card explore-results" ref={results0} aria-busy={running ? 'true' : 'false'}>
        {!running && results.every((r) => r.kind === 'empty' || r.kind === 'error') && (
          <p class="muted">
            {results.some((r) => r.kind === 'error')
              ? 'No result: see the error above.'
              : 'Write a query and press Enter or Run.'}
          </p>
        )}
        {hasGraph && (
          <>
            <div class="toolbar explore-graph-tools">
              <span class="series-count" aria-live="polite">
                {graph.length} series
              </span>
              {step !== undefined && <span class="muted small">step {formatDuration(step)}</span>}
              <span class="spacer" />
              <label class="inline">
                Unit
                <select
                  value={state.unit}
                  onChange={(e) => show({ unit: (e.target as HTMLSelectElement).value as Unit })}
                >
                  {UNITS.map((u) => (
                    <option key={u} value={u}>
                      {UNIT_LABELS[u]}
                    </option>
                  ))}
                </select>
              </label>
              <label class="inline">
                <input
                  type="checkbox"
                  checked={state.stacked}
                  onChange={(e) => show({ stacked: (e.target as HTMLInputElement).checked })}
                />
                Stacked
              </label>
            </div>
            <TimeSeriesChart
              series={graph}
              unit={state.unit}
              stacked={state.stacked}
              tz={state.range.tz}
              xRange={window_}
              height={320}
              label={`Graph of ${state.queries.filter((q) => q.trim() !== '').join('; ')}`}
            />
          </>
        )}
        {results.map((r, i) =>
          r.kind === 'table' ? (
            <div class="explore-table-block" key={i}>
              <p class="series-count" aria-live="polite">
                {several ? `${queryName(i)}: ` : ''}
                {r.rows.length}{' '}
                {r.resultType === 'scalar' || r.resultType === 'string' ? r.resultType : 'series'}
                {ranAt !== undefined && (
                  <span class="muted small"> at {formatTime(ranAt, state.range.tz)}</span>
                )}
              </p>
              <ResultsTable
                rows={r.rows}
                unit={state.unit}
                caption={`Result of ${state.queries[i] ?? ''}`}
              />
            </div>
          ) : null,
        )}
      </div>
    </section>
  );
}

function QueryError({
  query,
  result,
}: {
  query: string;
  result: { message: string; errorType: string };
}) {
  const pos = errorPosition(query, result.message);
  return (
    <div class="query-error" role="alert">
      <p class="error">
        <strong>{result.errorType === 'bad_data' ? 'Error' : result.errorType}:</strong>{' '}
        {result.message}
      </p>
      {pos && (
        <pre class="error-caret" aria-hidden="true">
          {pos.line}
          {'\n'}
          {' '.repeat(pos.column)}^
        </pre>
      )}
    </div>
  );
}

function Notes({ warnings, infos }: { warnings: string[]; infos: string[] }) {
  if (warnings.length === 0 && infos.length === 0) return null;
  return (
    <ul class="query-notes">
      {warnings.map((w, i) => (
        <li class="warn" key={`w${i}`}>
          Warning: {w}
        </li>
      ))}
      {infos.map((w, i) => (
        <li class="muted" key={`i${i}`}>
          Info: {w}
        </li>
      ))}
    </ul>
  );
}
