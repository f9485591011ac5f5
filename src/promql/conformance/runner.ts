/**
 * Runs a parsed test script against an engine adapter and reports every eval's outcome:
 * pass, fail (with a precise diff) or skip (with its rule). Instant evals get upstream's extra
 * re-runs (FORMAT.md §5.4): the range-mode cross-check always, the `@` step-invariance check
 * when parser hooks are supplied.
 */
import type { Labels } from '../../model/index.js';
import { staleNaN } from '../../model/index.js';
import type { QueryResult, QueryValue, VectorSample } from '../query.js';
import { atRerunTimes, pinAt, type PrinterHooks } from './at-rewrite.js';
import { checkAnnotations, checkError, checkMatrixSorted, checkResult } from './compare.js';
import type { EvalCommand, LoadCommand, Script } from './script.js';
import { LoadedState, skipRule, type SkipRule } from './skip-rules.js';

/** What the runner needs from an engine + storage pair. Each `.test` file starts empty. */
export interface ConformanceAdapter {
  /** Drops all stored data. */
  clear(): void | Promise<void>;
  /** Adds samples (ms timestamps, increasing) of one series; `vs` may hold stale markers. */
  load(series: Labels, ts: Float64Array, vs: Float64Array): Promise<void>;
  instant(q: string, tMs: number): Promise<QueryResult>;
  range(q: string, startMs: number, endMs: number, stepMs: number): Promise<QueryResult>;
}

export type EvalOutcome =
  | { readonly ev: EvalCommand; readonly status: 'pass' }
  | { readonly ev: EvalCommand; readonly status: 'fail'; readonly diff: string }
  | { readonly ev: EvalCommand; readonly status: 'skip'; readonly rule: SkipRule };

export interface FileReport {
  readonly file: string;
  readonly outcomes: EvalOutcome[];
  /** Loads the adapter refused (`file:line: why`); evals after them still run. */
  readonly loadErrors: string[];
}

export interface RunOptions {
  /** The engine runs with experimental features on (then their evals are not skipped). */
  experimental: boolean;
  /** Enables the `@` step-invariance re-run (needs the parser's printer). */
  printer?: PrinterHooks | null;
}

/** Why the `@` re-run did not happen, for the test output (null when it ran). */
export function atRerunNote(opts: RunOptions): string | null {
  return opts.printer
    ? null
    : '@-modifier step-invariance re-runs (FORMAT.md §5.4.2) not done: no PromQL printer (formatExpr) available yet';
}

const QUERY_CONTEXT_FUNCS = /(start|end|range|step)\(\)/;

async function load(adapter: ConformanceAdapter, cmd: LoadCommand): Promise<void> {
  for (const s of cmd.series) {
    // Histograms are not loaded: every eval that could see them is skipped (skip-rules.ts).
    const n = s.values.filter((v) => v.kind === 'float' || v.kind === 'stale').length;
    if (n === 0) continue;
    const ts = new Float64Array(n);
    // Values go straight into a typed array: a number[] could lose the stale marker's bits.
    const vs = new Float64Array(n);
    let j = 0;
    s.values.forEach((v, k) => {
      if (v.kind !== 'float' && v.kind !== 'stale') return;
      ts[j] = k * cmd.intervalMs;
      vs[j++] = v.kind === 'float' ? v.v : staleNaN;
    });
    await adapter.load(s.labels, ts, vs);
  }
}

type Exec = () => Promise<QueryResult>;

/** Runs one query and checks error + annotations + result; returns the diff or null. */
async function checkRun(
  ev: EvalCommand,
  exec: Exec,
  what: string,
): Promise<{ diff: string | null; result: QueryResult | null }> {
  let res: QueryResult;
  try {
    res = await exec();
  } catch (e) {
    const d = checkError(ev, e);
    return { diff: d && `${what}: ${d}`, result: null };
  }
  if (ev.fail)
    return {
      diff: `${what}: expected an error, got a ${res.value.resultType} result`,
      result: null,
    };
  const d = checkAnnotations(ev, res.annotations) ?? checkResult(ev, res.value);
  return { diff: d && `${what}: ${d}`, result: res };
}

/** The range-mode cross-check of one instant query (FORMAT.md §5.4.1). */
async function rangeCheck(
  adapter: ConformanceAdapter,
  ev: EvalCommand,
  q: string,
  t: number,
  instant: QueryValue,
): Promise<string | null> {
  if (ev.rangeVector || ev.expectString !== null || QUERY_CONTEXT_FUNCS.test(q)) return null;
  const what = `range mode of ${JSON.stringify(q)} from ${t - 60_000} to ${t + 60_000} step 60000`;
  let res: QueryResult;
  try {
    res = await adapter.range(q, t - 60_000, t + 60_000, 60_000);
  } catch (e) {
    return `${what}: unexpected error: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (ev.ordered) return null; // range results are always sorted by labels
  if (res.value.resultType !== 'matrix')
    return `${what}: expected a matrix, got ${res.value.resultType}`;
  const sorted = checkMatrixSorted(res.value.series);
  if (sorted) return `${what}: ${sorted}`;
  const vec: VectorSample[] = [];
  for (const s of res.value.series) {
    const i = s.ts.indexOf(t);
    if (i >= 0) vec.push({ labels: s.labels, t, v: s.vs[i] });
  }
  let d: string | null;
  if (instant.resultType === 'scalar') {
    d =
      vec.length === 0
        ? 'no point at the eval time'
        : checkResult(ev, { resultType: 'scalar', t, v: vec[0].v });
  } else {
    d = checkResult({ ...ev, ordered: false }, { resultType: 'vector', series: vec });
  }
  return d && `${what}: ${d}`;
}

async function runInstant(
  adapter: ConformanceAdapter,
  ev: EvalCommand,
  opts: RunOptions,
): Promise<string | null> {
  const t = ev.startMs;
  const runs: { q: string; t: number }[] = [{ q: ev.query, t }];
  if (opts.printer) {
    let pinned: string | null = null;
    try {
      const e = pinAt(opts.printer.parse(ev.query), t);
      pinned = e && opts.printer.format(e);
    } catch (e) {
      // Unparseable queries are judged by the plain run (they must fail there).
      if (!ev.fail)
        return `cannot parse ${JSON.stringify(ev.query)}: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (pinned !== null) for (const at of atRerunTimes(t)) runs.push({ q: pinned, t: at });
  }
  for (const r of runs) {
    const what = `instant ${JSON.stringify(r.q)} at ${r.t}`;
    const { diff, result } = await checkRun(ev, () => adapter.instant(r.q, r.t), what);
    if (diff) return diff;
    if (!result) continue; // the expected failure happened
    const d = await rangeCheck(adapter, ev, r.q, r.t, result.value);
    if (d) return d;
  }
  return null;
}

async function runEval(
  adapter: ConformanceAdapter,
  ev: EvalCommand,
  opts: RunOptions,
): Promise<string | null> {
  if (ev.mode === 'instant') return runInstant(adapter, ev, opts);
  const what = `range ${JSON.stringify(ev.query)} from ${ev.startMs} to ${ev.endMs} step ${ev.stepMs}`;
  const { diff } = await checkRun(
    ev,
    () => adapter.range(ev.query, ev.startMs, ev.endMs, ev.stepMs),
    what,
  );
  return diff;
}

/** Runs every command of `script` in order against a freshly cleared adapter. */
export async function runScript(
  script: Script,
  adapter: ConformanceAdapter,
  opts: RunOptions,
): Promise<FileReport> {
  const outcomes: EvalOutcome[] = [];
  const loadErrors: string[] = [];
  const loaded = new LoadedState();
  await adapter.clear();
  for (const cmd of script.commands) {
    if (cmd.kind === 'clear') {
      await adapter.clear();
      loaded.clear();
    } else if (cmd.kind === 'load') {
      loaded.note(cmd);
      try {
        await load(adapter, cmd);
      } catch (e) {
        loadErrors.push(
          `${script.file}:${cmd.line}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    } else {
      const rule = skipRule(cmd, loaded, opts.experimental);
      if (rule) {
        outcomes.push({ ev: cmd, status: 'skip', rule });
        continue;
      }
      let diff: string | null;
      try {
        diff = await runEval(adapter, cmd, opts);
      } catch (e) {
        diff = `runner error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
      }
      outcomes.push(diff ? { ev: cmd, status: 'fail', diff } : { ev: cmd, status: 'pass' });
    }
  }
  return { file: script.file, outcomes, loadErrors };
}

/** `file: passed N, skipped M (rule: n, …), failed K`. */
export function summarize(r: FileReport): string {
  const by = new Map<string, number>();
  let pass = 0;
  let fail = 0;
  let skip = 0;
  for (const o of r.outcomes) {
    if (o.status === 'pass') pass++;
    else if (o.status === 'fail') fail++;
    else {
      skip++;
      by.set(o.rule, (by.get(o.rule) ?? 0) + 1);
    }
  }
  const rules = [...by].map(([k, n]) => `${k}: ${n}`).join(', ');
  const errs = r.loadErrors.length > 0 ? `, load errors ${r.loadErrors.length}` : '';
  return `${r.file}: passed ${pass}, skipped ${skip}${rules ? ` (${rules})` : ''}, failed ${fail}${errs}`;
}

/** The first `max` failures, one block each: file:line, query, and the diff. */
export function formatFailures(r: FileReport, max: number): string {
  const fails = r.outcomes.filter(
    (o): o is Extract<EvalOutcome, { status: 'fail' }> => o.status === 'fail',
  );
  const out = fails
    .slice(0, max)
    .map((o) => `  ${r.file}:${o.ev.line}  ${o.ev.query}\n    ${o.diff.replace(/\n/g, '\n  ')}`);
  if (fails.length > max) out.push(`  … and ${fails.length - max} more`);
  return [...r.loadErrors.map((e) => `  load error ${e}`), ...out].join('\n');
}
