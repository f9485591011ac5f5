/**
 * Differential test against the real Prometheus 2.42 (Debian package): both get the same
 * remote_write data (counters with resets, gauges with NaNs, classic histograms; ~300 series over
 * 1 h at 15 s), then 1000 generated queries run as instant and range queries on both. Results must
 * agree (type, label sets, values within 1e-9 relative, order where it means something), except
 * for the written list of 2.42 → 3.x behaviour changes (promql-diff/skips.ts).
 *
 * Argus runs as `argus server` and answers through its HTTP query API, as Prometheus does.
 * Reproducing: PROMQL_DIFF_SEED, PROMQL_DIFF_QUERIES, PROMQL_DIFF_END_MS (the data's end),
 * PROMQL_DIFF_SHOW (differences listed), PROMQL_DIFF_IN_PROCESS=1 (engine in this process).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import path from 'node:path';
import { ADMIN_AUTH, remoteWrite, startArgus, tempDir, type ArgusProcess } from './helpers.js';
import {
  canonicalLabels,
  compareResults,
  isOrdered,
  sameFloat,
  type Result,
} from './promql-diff/compare.js';
import { batches, EVAL_MS_OFFSET, makeDataSet, type DataSet } from './promql-diff/data.js';
import { QueryGenerator } from './promql-diff/gen.js';
import {
  callArgs,
  hasNestedSubquery,
  KNOWN_ARGUS_BUGS,
  resultRuleFor,
  skipRuleFor,
  SKIPS,
  CHANGED_RESULTS,
} from './promql-diff/skips.js';
import {
  httpTarget,
  InProcessArgus,
  PROMETHEUS_BIN,
  startPrometheus,
  type Eval,
  type PrometheusProcess,
  type Target,
} from './promql-diff/targets.js';
import { Rand } from './promql-diff/rand.js';

const SEED = Number(process.env.PROMQL_DIFF_SEED ?? 20250501);
const QUERIES = Number(process.env.PROMQL_DIFF_QUERIES ?? 1000);
const CONCURRENCY = 4;

const missing = existsSync(PROMETHEUS_BIN)
  ? false
  : `${PROMETHEUS_BIN} not installed: run tools/scripts/ensure-debian.sh prometheus (npm test does)`;

interface Difference {
  query: string;
  at: string;
  diff: string;
}

/** Eval times off the sample grid: whole seconds + .777 (see data.ts). */
function evalTimes(r: Rand, d: DataSet): { instant: Eval; range: Eval } {
  const sec = (lo: number, hi: number) =>
    Math.floor((lo + r.next() * (hi - lo)) / 1000) * 1000 + EVAL_MS_OFFSET;
  const time = sec(d.startMs + 10 * 60_000, d.endMs + 4 * 60_000);
  const step = r.pick([15, 30, 37, 60, 120]) * 1000;
  const start = sec(d.startMs + 5 * 60_000, d.startMs + 25 * 60_000);
  const end = start + r.int(10, Math.floor((35 * 60_000) / step)) * step;
  return { instant: { time }, range: { time: start, range: { start, end, step } } };
}

const describeEval = (e: Eval) =>
  e.range === undefined
    ? `instant @${e.time}`
    : `range ${e.range.start}..${e.range.end} step ${e.range.step / 1000}s`;

function nonEmpty(r: Result): boolean {
  return 'series' in r ? r.series.length > 0 : r.kind !== 'error';
}

describe('PromQL differential test against Prometheus 2.42', { timeout: 180_000 }, () => {
  let prom: PrometheusProcess | undefined;
  let data: DataSet;
  let argus: Target;
  let server: ArgusProcess | undefined;

  before(async () => {
    if (missing) return;
    const dir = await tempDir('argus-it-promql-diff-');
    prom = await startPrometheus(dir);
    // Ends on the last whole hour at least 5 min ago (queries look past the end); an empty
    // Prometheus head accepts samples that old.
    data = makeDataSet(SEED, Number(process.env.PROMQL_DIFF_END_MS ?? Date.now() - 5 * 60_000));
    // Argus as users run it (its HTTP query API), unless PROMQL_DIFF_IN_PROCESS=1 asks for the
    // engine in this process over a MemStore (faster to debug; same remote_write bytes).
    const local = process.env.PROMQL_DIFF_IN_PROCESS === '1' ? new InProcessArgus() : undefined;
    if (local === undefined) server = await startArgus({ dataDir: path.join(dir, 'argus') });
    for (const b of batches(data, 20)) {
      const res = await remoteWrite(prom.base, b);
      assert.equal(res.status, 204, `prometheus remote_write: ${res.body}`);
      if (local !== undefined) await local.write(b);
      else {
        const ours = await remoteWrite(server!.url, b);
        assert.equal(ours.status, 204, `argus remote_write: ${ours.body}`);
      }
    }
    argus = local ?? httpTarget('argus', server!.url, { authorization: ADMIN_AUTH });
  });

  after(async () => {
    await prom?.stop();
    await server?.stop();
  });

  it('stores the same samples in both', { skip: missing }, async () => {
    // The raw samples of every series, as a matrix: both must hold exactly the data sent.
    const q = `{__name__=~".+"}[2h]`;
    const e: Eval = { time: data.endMs + 60_000 + EVAL_MS_OFFSET };
    const want = await httpTarget('prometheus', prom!.base).query(q, e);
    const got = await argus.query(q, e);
    assert.equal(want.kind, 'matrix', JSON.stringify(want).slice(0, 300));
    const total = data.series.reduce((n, s) => n + s.samples.length, 0);
    const stored = 'series' in want ? want.series.reduce((n, s) => n + s.points.length, 0) : 0;
    assert.equal(stored, total);
    assert.ok(data.series.length >= 200, `${data.series.length} series`);
    assert.equal(compareResults(want, got, false), undefined);
  });

  it(`agrees on ${QUERIES} generated queries, instant and range`, { skip: missing }, async (t) => {
    const atTimes = [0, 1, 2].map((i) =>
      ((data.startMs + (15 + i * 13) * 60_000) / 1000 + EVAL_MS_OFFSET / 1000).toFixed(3),
    );
    const gen = new QueryGenerator(SEED, atTimes);
    const times = new Rand(SEED + 1);
    const prometheus = httpTarget('prometheus', prom!.base);
    const diffs: Difference[] = [];
    const skipped = new Map<string, number>();
    const excused = new Map<string, Difference[]>();
    let run = 0;
    let bothError = 0;
    let withData = 0;
    const jobs: { query: string; e: Eval }[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const query = gen.next();
      const rule = skipRuleFor(query);
      const { instant, range } = evalTimes(times, data);
      if (rule !== undefined) {
        skipped.set(rule.name, (skipped.get(rule.name) ?? 0) + 1);
        continue;
      }
      jobs.push({ query, e: instant }, { query, e: range });
    }
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const { query, e } = jobs[next++];
        const [want, got] = await Promise.all([prometheus.query(query, e), argus.query(query, e)]);
        run++;
        if (want.kind === 'error' && got.kind === 'error') bothError++;
        if (nonEmpty(want)) withData++;
        const diff = compareResults(want, got, e.range === undefined && isOrdered(query));
        if (diff === undefined) continue;
        const rule =
          resultRuleFor(CHANGED_RESULTS, query, diff, want, got) ??
          resultRuleFor(KNOWN_ARGUS_BUGS, query, diff, want, got);
        if (rule !== undefined) {
          const seen = excused.get(rule.name) ?? [];
          seen.push({ query, at: describeEval(e), diff });
          excused.set(rule.name, seen);
        } else diffs.push({ query, at: describeEval(e), diff });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const skips = [...skipped].map(([n, c]) => `${n}: ${c}`).join(', ');
    const excuses = [...excused].map(([n, d]) => `${n}: ${d.length}`).join(', ');
    t.diagnostic(
      `${QUERIES} queries: ${run} evaluations run (${withData} with data, ${bothError} errors on both), ` +
        `${QUERIES - jobs.length / 2} queries skipped (${skips || 'none'}), ` +
        `${[...excused.values()].reduce((n, d) => n + d.length, 0)} differences excused (${excuses || 'none'}), ` +
        `${diffs.length} differing`,
    );
    for (const s of [...SKIPS, ...CHANGED_RESULTS])
      t.diagnostic(`not compared, "${s.name}": ${s.reason}`);
    for (const b of KNOWN_ARGUS_BUGS) {
      const seen = excused.get(b.name);
      if (seen === undefined) continue;
      t.diagnostic(
        `KNOWN ARGUS BUG "${b.name}" (${seen.length}×, e.g. ${seen[0].query} ${seen[0].at}): ${b.reason}`,
      );
    }
    // Guard against a vacuous pass: most evaluations must return data.
    assert.ok(withData > run * 0.6, `only ${withData} of ${run} evaluations returned data`);
    assert.ok(bothError < run * 0.1, `${bothError} of ${run} evaluations failed on both`);
    const shown = diffs
      .slice(0, Number(process.env.PROMQL_DIFF_SHOW ?? 15))
      .map((d) => `  ${d.query}\n    ${d.at}: ${d.diff}`)
      .join('\n');
    assert.equal(
      diffs.length,
      0,
      `${diffs.length} of ${run} evaluations differ; first ones:\n${shown}`,
    );
  });
});

describe('the differential comparison itself', () => {
  const vec = (labels: string, v: number): Result => ({
    kind: 'vector',
    series: [{ labels, points: [[1000, v]] }],
  });

  it('treats NaN as equal to NaN and allows 1e-9 relative', () => {
    assert.ok(sameFloat(NaN, NaN));
    assert.ok(sameFloat(1e12, 1e12 + 1));
    assert.ok(!sameFloat(1, 1 + 1e-6));
    assert.ok(!sameFloat(NaN, 0));
    assert.ok(sameFloat(Infinity, Infinity));
    assert.ok(!sameFloat(Infinity, -Infinity));
  });

  it('reports label, value, type, error and order differences', () => {
    assert.equal(compareResults(vec('{a="1"}', 1), vec('{a="1"}', 1), false), undefined);
    assert.match(compareResults(vec('{a="1"}', 1), vec('{a="2"}', 1), false)!, /labels/);
    assert.match(
      compareResults(vec('{a="1"}', 1), vec('{a="1"}', 2), false)!,
      /want 1@1000 got 2@1000/,
    );
    assert.match(
      compareResults(vec('{a="1"}', 1), { kind: 'scalar', t: 1000, v: 1 }, false)!,
      /result type/,
    );
    assert.match(
      compareResults({ kind: 'error', message: 'x' }, vec('{}', 1), false)!,
      /want error/,
    );
    assert.equal(
      compareResults({ kind: 'error', message: 'x' }, { kind: 'error', message: 'y' }, false),
      undefined,
    );
    const two = (a: number, b: number): Result => ({
      kind: 'vector',
      series: [
        { labels: '{a="1"}', points: [[0, a]] },
        { labels: '{a="2"}', points: [[0, b]] },
      ],
    });
    const swapped: Result = {
      kind: 'vector',
      series: [
        { labels: '{a="2"}', points: [[0, 2]] },
        { labels: '{a="1"}', points: [[0, 1]] },
      ],
    };
    assert.equal(compareResults(two(1, 2), swapped, false), undefined);
    assert.match(compareResults(two(1, 2), swapped, true)!, /order differs/);
    assert.equal(canonicalLabels({ b: '2', a: 'x"y' }), '{a="x\\"y", b="2"}');
  });

  it('spots nested subqueries (only those) and holt_winters for skipping', () => {
    assert.ok(hasNestedSubquery('max_over_time((max_over_time((rate(x[1m]))[5m:30s]))[10m:1m])'));
    assert.ok(!hasNestedSubquery('max_over_time((rate(x[1m]))[5m:]) + min_over_time((y)[5m:1m])'));
    assert.equal(skipRuleFor('holt_winters(x[5m], 0.5, 0.5)')?.name, 'holt_winters');
    assert.equal(skipRuleFor('rate(x[5m])'), undefined);
    assert.equal(skipRuleFor('predict_linear(x[5m] @ 100, 60)')?.name, 'predict_linear with @');
    assert.equal(skipRuleFor('predict_linear(x[5m], 60) + y @ 100'), undefined);
    assert.deepEqual(callArgs('a(b(c), d) + a(e)', 'a'), ['b(c), d', 'e']);
  });

  it('generates the same type-correct queries for a seed', () => {
    const a = new QueryGenerator(7, ['1.777']);
    const b = new QueryGenerator(7, ['1.777']);
    for (let i = 0; i < 50; i++) assert.equal(a.next(), b.next());
  });
});
