import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT } from '../../model/index.js';
import { type Queryable, QueryError } from '../../storage/index.js';
import { MemStore } from '../../storage/testing.js';
import {
  NotSupportedError,
  PromQLError,
  QueryCanceledError,
  QueryExecutionError,
  QueryTimeoutError,
  TooManySamplesError,
  TooManySeriesError,
} from '../errors.js';
import { parseExpr } from '../parser/index.js';
import { PromQLEngine } from './engine.js';
import { engine, ramp, show, storeOf, TEST_FUNCS } from './testing.js';

const T = DEFAULT_TENANT;
const S = 1000;

async function instant(st: MemStore, q: string, tSec: number): Promise<string[]> {
  return show((await engine.instant(st, T, q, tSec * S)).value);
}

async function range(st: MemStore, q: string, a: number, b: number, step: number) {
  return show((await engine.range(st, T, q, a * S, b * S, step * S)).value);
}

describe('vector selectors', () => {
  it('picks the newest sample in the left-open lookback window', async () => {
    const st = await storeOf({
      'x{a="1"}': [
        [0, 1],
        [100, 2],
      ],
    });
    assert.deepEqual(await instant(st, 'x', 99), ['{__name__="x", a="1"} 1']);
    assert.deepEqual(await instant(st, 'x', 100), ['{__name__="x", a="1"} 2']);
    assert.deepEqual(await instant(st, 'x', 399.999), ['{__name__="x", a="1"} 2']);
    // (t − 5m, t]: a sample exactly 5m old is out.
    assert.deepEqual(await instant(st, 'x', 400), []);
    const short = await engine.instant(st, T, 'x', 150 * S, { lookbackMs: 30 * S });
    assert.deepEqual(show(short.value), []);
  });

  it('stops at a stale marker', async () => {
    const st = await storeOf({
      x: [
        [0, 1],
        [10, 'stale'],
        [20, 3],
      ],
    });
    assert.deepEqual(await range(st, 'x', 0, 30, 5), ['{__name__="x"} 0@1 5@1 20@3 25@3 30@3']);
  });

  it('applies offset (also negative) and @', async () => {
    const st = await storeOf({ x: ramp(0, 1, 31) }); // 0..30 every 10s
    assert.deepEqual(await instant(st, 'x offset 1m', 200), ['{__name__="x"} 14']);
    assert.deepEqual(await instant(st, 'x offset -1m', 100), ['{__name__="x"} 16']);
    assert.deepEqual(await instant(st, 'x @ 50', 300), ['{__name__="x"} 5']);
    assert.deepEqual(await instant(st, 'x @ 100 offset 20s', 0), ['{__name__="x"} 8']);
    assert.deepEqual(await range(st, 'x @ start()', 100, 120, 10), [
      '{__name__="x"} 100@10 110@10 120@10',
    ]);
    assert.deepEqual(await range(st, 'x @ end()', 100, 120, 10), [
      '{__name__="x"} 100@12 110@12 120@12',
    ]);
  });

  it('returns a range query as a matrix of the steps with values, sorted by labels', async () => {
    const st = await storeOf({
      'x{a="2"}': [[0, 5]],
      'x{a="1"}': [
        [60, 1],
        [120, 2],
      ],
    });
    assert.deepEqual(await range(st, 'x', 0, 180, 60), [
      '{__name__="x", a="1"} 60@1 120@2 180@2',
      '{__name__="x", a="2"} 0@5 60@5 120@5 180@5',
    ]);
  });

  it('counts what it loads', async () => {
    const st = await storeOf({ x: ramp(0, 1, 100), y: ramp(0, 1, 100) });
    const r = await engine.instant(st, T, 'x', 990 * S);
    // (990s − 5m, 990s] of x only: 30 samples; y is never read.
    assert.equal(r.stats.samplesLoaded, 30);
    // …but one sample per step was used (Prometheus's totalQueryableSamples).
    assert.equal(r.stats.samplesQueryable, 1);
    assert.ok(r.stats.peakSamples >= 1);
    // A range selector: each step's window (x every 10 s: 6 samples per 1m window, 3 steps).
    const w = await engine.range(st, T, 'count_over_time(x[1m])', 600 * S, 720 * S, 60 * S);
    assert.equal(w.stats.samplesQueryable, 18);
  });
});

describe('range selectors and subqueries', () => {
  it('returns the raw samples of a bare range selector, stale markers removed', async () => {
    const st = await storeOf({
      x: [
        [0, 1],
        [10, 2],
        [20, 'stale'],
        [30, 4],
      ],
    });
    assert.deepEqual(await instant(st, 'x[30s]', 30), ['{__name__="x"} 10@2 30@4']);
    assert.deepEqual(await instant(st, 'x[30s] offset 10s', 40), ['{__name__="x"} 10@2 30@4']);
    assert.deepEqual(await instant(st, 'x[1m]', 1000), []);
    await assert.rejects(engine.range(st, T, 'x[1m]', 0, 60 * S, 10 * S), (e: unknown) => {
      assert.ok(e instanceof PromQLError);
      assert.equal(e.errorType, 'bad_data');
      assert.match(e.message, /invalid expression type "range vector" for range query/);
      return true;
    });
  });

  it('applies range functions per step, dropping the name unless last_over_time', async () => {
    const st = await storeOf({ x: ramp(0, 1, 31) });
    assert.deepEqual(await range(st, 'count_over_time(x[1m])', 0, 120, 60), ['{} 0@1 60@6 120@6']);
    assert.deepEqual(await instant(st, 'last_over_time(x[1m] @ 100)', 300), ['{__name__="x"} 10']);
    assert.deepEqual(await range(st, 'quantile_over_time(time() / 10, x[1m])', 60, 120, 60), [
      '{} 60@6 120@12',
    ]);
  });

  it('aligns subquery steps to absolute multiples of the step', async () => {
    const st = await storeOf({ x: ramp(0, 1, 31) });
    // (100s − 1m, 100s] at 15s multiples: 45, 60, 75, 90.
    assert.deepEqual(await instant(st, 'x[1m:15s]', 100), ['{__name__="x"} 45@4 60@6 75@7 90@9']);
    assert.deepEqual(await instant(st, 'x[1m:15s] offset 30s', 130), [
      '{__name__="x"} 45@4 60@6 75@7 90@9',
    ]);
    assert.deepEqual(await instant(st, 'x[1m:15s] @ 100', 3000), [
      '{__name__="x"} 45@4 60@6 75@7 90@9',
    ]);
    // The default step (1m here) when none is written.
    const d = await engine.instant(st, T, 'x[3m:]', 200 * S);
    assert.deepEqual(show(d.value), ['{__name__="x"} 60@6 120@12 180@18']);
    const d2 = await engine.instant(st, T, 'x[1m:]', 100 * S, { defaultSubqueryStepMs: 20 * S });
    assert.deepEqual(show(d2.value), ['{__name__="x"} 60@6 80@8 100@10']);
  });

  it('evaluates functions over subqueries and nested subqueries', async () => {
    const st = await storeOf({ x: ramp(0, 1, 61) });
    assert.deepEqual(await range(st, 'count_over_time(x[1m:10s])', 100, 200, 50), [
      '{} 100@6 150@6 200@6',
    ]);
    assert.deepEqual(
      await instant(st, 'count_over_time(count_over_time(x[20s:10s])[1m:20s])', 300),
      ['{} 300@3'].map((l) => l.replace('300@', '')),
    );
    assert.deepEqual(await instant(st, '(-x)[30s:10s]', 100), ['{} 80@-8 90@-9 100@-10']);
  });
});

describe('absent', () => {
  it('reports the equality matchers of a missing selector', async () => {
    const st = await storeOf({ x: [[0, 1]] });
    assert.deepEqual(await instant(st, 'absent(nope{job="a", inst=~"b", env="c", env="d"})', 10), [
      '{job="a"} 1',
    ]);
    assert.deepEqual(await instant(st, 'absent(x)', 10), []);
    assert.deepEqual(await range(st, 'absent(x)', 0, 600, 200), ['{} 400@1 600@1']);
    assert.deepEqual(await instant(st, 'absent(x + 1)', 1000), ['{} 1']);
    assert.deepEqual(await range(st, 'absent_over_time(x{a="b"}[2m])', 0, 200, 100), [
      '{a="b"} 0@1 100@1 200@1',
    ]);
    assert.deepEqual(await range(st, 'absent_over_time(x[2m])', 0, 200, 100), ['{} 200@1']);
    assert.deepEqual(await instant(st, 'absent_over_time(x[2m:1m])', 500), ['{} 1']);
  });
});

describe('results', () => {
  it('keeps the order of an outermost sort function, else sorts by labels', async () => {
    const st = await storeOf({ 'x{a="1"}': [[0, 1]], 'x{a="2"}': [[0, 3]], 'x{a="3"}': [[0, 2]] });
    assert.deepEqual(await instant(st, 'sort_desc(x)', 0), [
      '{__name__="x", a="2"} 3',
      '{__name__="x", a="3"} 2',
      '{__name__="x", a="1"} 1',
    ]);
    assert.deepEqual(await instant(st, 'sort_desc(x) + 0', 0), [
      '{a="1"} 1',
      '{a="2"} 3',
      '{a="3"} 2',
    ]);
  });

  it('returns scalars and strings', async () => {
    const st = new MemStore();
    assert.deepEqual(await instant(st, '1 + 2 * 3', 5), ['scalar 7']);
    assert.deepEqual(await instant(st, '"hello"', 5), ['string hello']);
    assert.deepEqual(await range(st, 'time()', 0, 20, 10), ['{} 0@0 10@10 20@20']);
    await assert.rejects(
      engine.range(st, T, `"x"`, 0, 10, 1),
      (e: unknown) => e instanceof PromQLError && e.errorType === 'bad_data',
    );
  });

  it('fails on the same labelset twice at one step after dropping names', async () => {
    const st = await storeOf({ 'a{job="x"}': [[0, 1]], 'b{job="x"}': [[0, 2]] });
    await assert.rejects(
      engine.instant(st, T, '-{job="x"}', 0),
      /vector cannot contain metrics with the same labelset/,
    );
    const st2 = await storeOf({ 'a{job="x"}': [[0, 1]], 'b{job="x"}': [[600, 2]] });
    // No overlap in time: merged into one series.
    assert.deepEqual(await range(st2, '-{job="x"}', 0, 600, 300), ['{job="x"} 0@-1 600@-2']);
  });

  it('uses the picked sample time for timestamp() of a selector, the step time otherwise', async () => {
    const st = await storeOf({ x: [[5, 1]] });
    assert.deepEqual(await instant(st, 'timestamp(x)', 60), ['{} 5']);
    assert.deepEqual(await instant(st, 'timestamp(x @ 5)', 60), ['{} 5']);
    assert.deepEqual(await instant(st, 'timestamp(-x)', 60), ['{} 60']);
    assert.deepEqual(await instant(st, 'timestamp(x and x)', 60), ['{} 60']);
    assert.deepEqual(await instant(st, 'timestamp(x or x)', 60), ['{} 60']);
    assert.deepEqual(await range(st, 'timestamp(x @ 5)', 60, 120, 60), ['{} 60@5 120@5']);
  });

  it('collects annotations with line:col positions', async () => {
    const st = await storeOf({ x: [[0, 1]] });
    const r = await engine.instant(st, T, '1 +\n  abs(x)', 0);
    assert.deepEqual(r.annotations.warnings, ['PromQL warning: something odd (2:7)']);
    assert.deepEqual(r.annotations.infos, ['PromQL info: just so you know (2:3)']);
  });

  it('evaluates parsed trees as well as text', async () => {
    const st = await storeOf({ x: [[0, 1]] });
    const r = await engine.instant(st, T, parseExpr('x * 2'), 0);
    assert.deepEqual(show(r.value), ['{} 2']);
    const bare = new PromQLEngine();
    await assert.rejects(bare.instant(st, T, 'x', 0), /without a parser/);
  });

  it('refuses what it does not evaluate', async () => {
    const st = await storeOf({ x: [[0, 1]] });
    await assert.rejects(engine.instant(st, T, 'ln(x)', 0), NotSupportedError);
    await assert.rejects(engine.range(st, T, 'x', 0, 10, 0), /step 0ms, want > 0/);
    await assert.rejects(engine.range(st, T, 'x', 10, 0, 1), /before start/);
    await assert.rejects(engine.range(st, T, 'x', 0, 20000 * S, 1 * S), /maximum resolution/);
    await assert.rejects(engine.range(st, T, 'x', 0, 11_001 * S, 1 * S), /maximum resolution/);
    await engine.range(st, T, 'x', 0, 11_000 * S, 1 * S); // 11,001 points: allowed, as Prometheus
  });
});

describe('limits', () => {
  it('fails past maxSamples', async () => {
    const st = await storeOf({ x: ramp(0, 1, 100), 'x{b="1"}': ramp(0, 1, 100) });
    await assert.rejects(
      engine.range(st, T, 'x', 0, 990 * S, 10 * S, { maxSamples: 150 }),
      (e: unknown) => e instanceof TooManySamplesError && /query.max_samples 150/.test(e.message),
    );
    await assert.rejects(
      engine.instant(st, T, 'count_over_time(x[10m])', 990 * S, { maxSamples: 50 }),
      TooManySamplesError,
    );
    // A window's samples are held only while its series is computed: 60 for the biggest one.
    const w = await engine.instant(st, T, 'count_over_time(x[10m])', 990 * S, { maxSamples: 70 });
    assert.equal(w.stats.peakSamples, 60);
    const ok = await engine.range(st, T, 'x', 0, 990 * S, 10 * S, { maxSamples: 200 });
    assert.equal(ok.stats.peakSamples, 200);
  });

  it('times out and honours the abort signal', async () => {
    const st = await storeOf({ x: [[0, 1]] });
    await assert.rejects(engine.instant(st, T, 'x', 0, { timeoutMs: 0 }), QueryTimeoutError);
    const ac = new AbortController();
    ac.abort(new Error('client went away'));
    await assert.rejects(
      engine.instant(st, T, 'x', 0, { signal: ac.signal }),
      (e: unknown) => e instanceof QueryCanceledError && /client went away/.test(e.message),
    );
  });
});

describe('cooperative evaluation', () => {
  async function manySeries(n: number): Promise<MemStore> {
    const data: Record<string, [number, number][]> = {};
    for (let i = 0; i < n; i++)
      data[`c{i="${i}"}`] = Array.from(
        { length: 20 },
        (_, k) => [k * 15, k * i] as [number, number],
      );
    return storeOf(data);
  }

  it('lets timers and I/O run between slices while loading and evaluating', async () => {
    const st = await manySeries(200);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      // sliceMs 0: pause at every opportunity (between series while loading and computing).
      const r = await engine.range(st, T, 'sum(count_over_time(c[1m]))', 60 * S, 285 * S, 15 * S, {
        sliceMs: 0,
      });
      assert.equal(r.value.resultType, 'matrix');
      assert.ok(ticks > 0, `a 0 ms interval fired ${ticks} times during the query`);
    } finally {
      clearInterval(timer);
    }
  });

  it('stops at the next pause when the signal is aborted mid-query', async () => {
    const st = await manySeries(200);
    const ac = new AbortController();
    setImmediate(() => ac.abort(new Error('client went away')));
    await assert.rejects(
      engine.range(st, T, 'count_over_time(c[1m])', 60 * S, 285 * S, 15 * S, {
        sliceMs: 0,
        signal: ac.signal,
      }),
      (e: unknown) => e instanceof QueryCanceledError && /client went away/.test(e.message),
    );
  });

  it('refuses a selector or a result with more series than maxSeries', async () => {
    const st = await manySeries(20);
    await assert.rejects(
      engine.instant(st, T, 'sum(c)', 100 * S, { maxSeries: 10 }),
      (e: unknown) =>
        e instanceof TooManySeriesError &&
        e.errorType === 'execution' &&
        /20 series, more than the limit of 10 \(limits.max_query_series\)/.test(e.message),
    );
    const ok = await engine.instant(st, T, 'sum(c)', 100 * S, { maxSeries: 20 });
    assert.equal(ok.value.resultType, 'vector');
    // The result counts too: two selectors of 6 series each, 12 series out.
    const st2 = await storeOf({
      ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`a{i="${i}"}`, [[0, 1]]])),
      ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`b{j="${i}"}`, [[0, 1]]])),
    });
    await assert.rejects(
      engine.instant(st2, T, 'a or b', 10 * S, { maxSeries: 10 }),
      TooManySeriesError,
    );
  });
});

describe('query context functions', () => {
  it('gives the query start, end, range and step in seconds', async () => {
    const st = await storeOf({});
    const e = new PromQLEngine({ parse: (t) => parseExpr(t, { experimental: true }) });
    const r = await e.range(
      st,
      T,
      'start() + end() * 10 + range() * 100 + step() * 1000',
      10 * S,
      30 * S,
      10 * S,
    );
    assert.deepEqual(show(r.value), ['{} 10@12310 20@12310 30@12310']);
    const i = await e.instant(st, T, 'end() - start()', 50 * S);
    assert.deepEqual(show(i.value), ['scalar 0']);
  });
});

describe('type and unit labels', () => {
  it('go with the metric name when it is dropped', async () => {
    const st = await storeOf({ 'x{__type__="counter", __unit__="bytes", a="1"}': [[0, 4]] });
    assert.deepEqual(await instant(st, 'x * 2', 0), ['{a="1"} 8']);
    assert.deepEqual(await instant(st, 'x > 1', 0), [
      '{__name__="x", __type__="counter", __unit__="bytes", a="1"} 4',
    ]);
  });
});

describe('experimental syntax', () => {
  const e = new PromQLEngine({
    parse: (t) => parseExpr(t, { experimental: true }),
    functions: TEST_FUNCS,
  });

  it('resolves duration expressions once per query', async () => {
    const st = await storeOf({ x: ramp(0, 1, 31) });
    const q = async (text: string, t = 100) => show((await e.instant(st, T, text, t * S)).value);
    assert.deepEqual(await q('count_over_time(x[20s + 10s])'), ['{} 3']);
    assert.deepEqual(await q('count_over_time(x[2 * 15s])'), ['{} 3']);
    assert.deepEqual(await q('count_over_time(x[min_of(30s, 1m)])'), ['{} 3']);
    assert.deepEqual(await q('count_over_time(x[max_of(10s, 30s - 0s) / 1])'), ['{} 3']);
    assert.deepEqual(await q('x offset (-(10s) + 30s)'), ['{__name__="x"} 8']);
    assert.deepEqual(await q('x[1m:(15s % 20s)]'), ['{__name__="x"} 45@4 60@6 75@7 90@9']);
    const r = await e.range(st, T, 'count_over_time(x[step() * 2])', 100 * S, 120 * S, 20 * S);
    assert.deepEqual(show(r.value), ['{} 100@4 120@4']);
    const rr = await e.range(st, T, 'count_over_time(x[range()])', 100 * S, 130 * S, 30 * S);
    assert.deepEqual(show(rr.value), ['{} 100@3 130@3']);
  });

  it('evaluates anchored and smoothed selectors, refusing other functions over them', async () => {
    // x: 1, 2, 3 at 0s, 15s, 30s, then 9, 10 at 45s, 60s (a reset-free jump).
    const st = await storeOf({
      x: [
        [0, 1],
        [15, 2],
        [30, 3],
        [45, 9],
        [60, 10],
      ],
    });
    // The built-in function table (rate.ts takes the bounds' difference for these selectors).
    const x = new PromQLEngine({ parse: (t) => parseExpr(t, { experimental: true }) });
    const q = async (text: string, t: number) => show((await x.instant(st, T, text, t * S)).value);
    // anchored (20s, 50s]: the bound at 20s is the sample at 15s (2), the end the last one (9).
    assert.deepEqual(await q('increase(x[30s] anchored)', 50), ['{} 7']);
    assert.deepEqual(await q('delta(x[30s] anchored)', 50), ['{} 7']);
    assert.deepEqual(await q('changes(x[30s] anchored)', 50), ['{} 2']);
    // smoothed: 2.333… at 20s and 9.333… at 50s (between 9 at 45s and 10 at 60s).
    assert.deepEqual(await q('increase(x[30s] smoothed)', 50), ['{} 7']);
    assert.deepEqual(await q('rate(x[30s] smoothed)', 50), [`{} ${7 / 30}`]);
    assert.deepEqual(await q('x smoothed', 50), ['{__name__="x"} 9.333333333333334']);
    for (const [m, fn] of [
      ['anchored', 'deriv'],
      ['smoothed', 'changes'],
    ]) {
      await assert.rejects(
        x.instant(st, T, `${fn}(x[1m] ${m})`, 100 * S),
        (err: unknown) =>
          err instanceof QueryExecutionError &&
          err.message.startsWith(`${m} modifier can only be used with: `) &&
          err.message.endsWith(` - not with ${fn}`),
      );
    }
  });
});

describe('storage failures', () => {
  it('become execution errors naming the selector', async () => {
    const broken: Queryable = {
      querier: () => ({
        select: () => {
          throw new QueryError('block 7 is unreadable');
        },
        labelNames: () => [],
        labelValues: () => [],
        close: () => {},
      }),
    };
    await assert.rejects(engine.instant(broken, T, 'up', 0), (e: unknown) => {
      assert.ok(e instanceof QueryExecutionError);
      assert.equal(e.message, 'cannot select series for __name__="up": block 7 is unreadable');
      assert.ok(e.cause instanceof QueryError);
      return true;
    });
  });
});
