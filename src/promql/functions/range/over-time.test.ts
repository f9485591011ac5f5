import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryExecutionError } from '../../errors.js';
import { goFormatG } from './go-format.js';
import { RANGE_FUNCTIONS } from './index.js';
import { runRange, testContext, type WindowSpec } from './testing.js';

const S = 1000;
const M = 60_000;
const fn = (name: string) => RANGE_FUNCTIONS.get(name)!;
const grid = (everyMs: number, vs: number[]) => ({ ts: vs.map((_, k) => k * everyMs), vs });
const seq = (a: number, b: number, n: number) => Array.from({ length: n + 1 }, (_, k) => a + b * k);
const at = (name: string, spec: WindowSpec, args: number[] = []) =>
  runRange(fn(name), spec, args)[0];

function near(got: number | null | undefined, want: number, what: string, tol = 1e-12): void {
  assert.ok(got !== null && got !== undefined, `${what}: got ABSENT, want ${want}`);
  if (Number.isNaN(want) || !Number.isFinite(want))
    return assert.ok(Object.is(got, want), `${what}: got ${got}, want ${want}`);
  assert.ok(
    Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)),
    `${what}: got ${got}, want ${want}`,
  );
}

describe('avg/sum/count over time', () => {
  const s = (vs: number[], rangeMs = M): WindowSpec => ({
    ...grid(10 * S, vs),
    times: [55 * S],
    rangeMs,
  });

  it('empty, one-sample and full windows (functions.test)', () => {
    assert.equal(at('avg_over_time', s([1, 2, 3, 4, 5], 10 * S)), null);
    near(at('avg_over_time', s([1, 2, 3, 4, 5], 20 * S)), 5, 'one');
    near(at('avg_over_time', s([1, 2, 3, 4, 5])), 3, 'all');
    near(at('sum_over_time', s([1, 2, 3, 4, 5])), 15, 'sum');
    near(at('count_over_time', s([1, 2, 3, 4, 5])), 5, 'count');
    near(at('present_over_time', s([1, 2, 3, 4, 5])), 1, 'present');
  });

  it('Inf and NaN (functions.test metric2..metric11)', () => {
    const cases: [number[], number][] = [
      [[1, 2, 3, 4, Infinity], Infinity],
      [[1, 2, 3, 4, -Infinity], -Infinity],
      [[1, 2, 3, Infinity, -Infinity], NaN],
      [[Infinity, 0, Infinity], Infinity],
      [[Infinity, Infinity, Infinity, -Infinity], NaN],
      [[-Infinity, 0, -Infinity], -Infinity],
      [[1, 2, -Infinity, -Infinity, Infinity], NaN],
      [[1, 2, 3, NaN, NaN], NaN],
    ];
    for (const [vs, want] of cases) near(at('avg_over_time', s(vs)), want, `avg ${vs.join(' ')}`);
  });

  it('falls back to an incremental mean when the sum overflows', () => {
    const big = 9.988465674311579e307;
    near(at('avg_over_time', s([big, big])), big, 'metric8');
    near(at('avg_over_time', s([-big, -big, -big])), -big, 'metric9');
    near(at('avg_over_time', s([-big, big])), 0, 'metric10');
    assert.equal(at('sum_over_time', s([big, big])), Infinity);
  });

  it('Kahan summation keeps 52+0x100 exactly 52, and dense sums exact', () => {
    const foo = { ...grid(10 * S, seq(52.1, 0, 100)), times: [10 * M] };
    for (const r of [100, 110, 120, 130])
      assert.equal(at('avg_over_time', { ...foo, rangeMs: r * S }), 52.1);
    const dense = { ...grid(1, seq(1, 0, 4000)), times: [4000] };
    for (const r of [1000, 1001, 2003, 3003])
      assert.equal(at('sum_over_time', { ...dense, rangeMs: r }), r);
    // Non-integers take the per-window Kahan path: 0.1 × 10 is 1 exactly with compensation.
    assert.equal(
      at('sum_over_time', { ...grid(S, seq(0.1, 0, 9)), times: [9 * S], rangeMs: 20 * S }),
      1,
    );
  });

  it('the running-sum path equals the per-window result over sliding, jumping and repeated windows', () => {
    const vs = Array.from({ length: 300 }, (_, k) => ((k * 7919) % 1000) - 400);
    const ts = vs.map((_, k) => k * 15 * S);
    const times = [...Array.from({ length: 40 }, (_, k) => k * 60 * S), 100 * S, 100 * S, 4000 * S];
    for (const rangeMs of [30 * S, 5 * M, 20 * M]) {
      const spec = { ts, vs, times, rangeMs };
      const sums = runRange(fn('sum_over_time'), spec);
      const avgs = runRange(fn('avg_over_time'), spec);
      times.forEach((t, i) => {
        const win = vs.filter((_, k) => ts[k] > t - rangeMs && ts[k] <= t);
        const sum = win.reduce((a, b) => a + b, 0);
        assert.equal(sums[i], win.length ? sum : null, `sum step ${i}`);
        assert.equal(avgs[i], win.length ? sum / win.length : null, `avg step ${i}`);
      });
    }
  });
});

describe('min/max and their timestamps', () => {
  it('functions.test ts_of_min/max with an odd scrape interval', () => {
    const spec = { ...grid(10_053, [1, 2, 3, 0, 5, 6, 2, 1, 4]), times: [90 * S], rangeMs: 90 * S };
    near(at('ts_of_min_over_time', spec), 30.159, 'min ts');
    near(at('ts_of_max_over_time', spec), 50.265, 'max ts');
    near(at('min_over_time', spec), 0, 'min');
    near(at('max_over_time', spec), 6, 'max');
    near(
      at('ts_of_last_over_time', { ...grid(10_053, [1, 2, 3]), times: [95 * S], rangeMs: 90 * S }),
      20.106,
      'last',
    );
    const first = { ts: [20_106, 30_159, 40_212], vs: [1, 2, 3], rangeMs: 90 * S };
    near(at('ts_of_first_over_time', { ...first, times: [90 * S] }), 20.106, 'first');
    assert.equal(at('ts_of_first_over_time', { ...first, times: [15 * S] }), null);
    near(at('first_over_time', { ...first, times: [90 * S] }), 1, 'first value');
    near(at('last_over_time', { ...first, times: [90 * S] }), 3, 'last value');
  });

  it('NaN loses to numbers; all-NaN gives NaN (value) or the last timestamp (ts_of)', () => {
    const spec = (vs: number[]) => ({ ...grid(S, vs), times: [10 * S], rangeMs: 20 * S });
    near(at('max_over_time', spec([NaN, 3, NaN, 1])), 3, 'max');
    near(at('min_over_time', spec([NaN, 3, NaN, 1])), 1, 'min');
    near(at('max_over_time', spec([NaN, NaN])), NaN, 'all NaN');
    near(at('ts_of_max_over_time', spec([NaN, NaN, NaN])), 2, 'all NaN ts');
    // Ties: ts_of_* report the latest equal sample.
    near(at('ts_of_max_over_time', spec([5, 1, 5, 2])), 2, 'latest max');
    near(at('ts_of_min_over_time', spec([1, 5, 1, 2])), 2, 'latest min');
  });

  it('the monotonic deque equals a per-window scan on random data', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const vs = Array.from({ length: 500 }, () => (rnd() < 0.05 ? NaN : Math.floor(rnd() * 20)));
    const ts = vs.map((_, k) => k * 10 * S);
    const times = [...Array.from({ length: 80 }, (_, k) => k * 60 * S), 30 * S, 9000 * S];
    for (const rangeMs of [5 * S, 2 * M, 30 * M]) {
      const spec = { ts, vs, times, rangeMs };
      const out = {
        max: runRange(fn('max_over_time'), spec),
        min: runRange(fn('min_over_time'), spec),
        tmax: runRange(fn('ts_of_max_over_time'), spec),
        tmin: runRange(fn('ts_of_min_over_time'), spec),
      };
      times.forEach((t, i) => {
        const idx = vs.map((_, k) => k).filter((k) => ts[k] > t - rangeMs && ts[k] <= t);
        if (idx.length === 0) return assert.equal(out.max[i], null);
        const nums = idx.filter((k) => !Number.isNaN(vs[k]));
        if (nums.length === 0) {
          assert.ok(Number.isNaN(out.max[i]!));
          return assert.equal(out.tmax[i], ts[idx.at(-1)!] / 1000);
        }
        const mx = Math.max(...nums.map((k) => vs[k]));
        const mn = Math.min(...nums.map((k) => vs[k]));
        assert.equal(out.max[i], mx, `max ${i}`);
        assert.equal(out.min[i], mn, `min ${i}`);
        assert.equal(out.tmax[i], ts[nums.filter((k) => vs[k] === mx).at(-1)!] / 1000, `tmax ${i}`);
        assert.equal(out.tmin[i], ts[nums.filter((k) => vs[k] === mn).at(-1)!] / 1000, `tmin ${i}`);
      });
    }
  });
});

describe('stddev, stdvar, quantile, mad', () => {
  const s = (vs: number[], t: number, rangeMs: number) => ({
    ...grid(10 * S, vs),
    times: [t],
    rangeMs,
  });

  it('variance (functions.test)', () => {
    near(at('stdvar_over_time', s([0, 8, 8, 2, 3], M, 2 * M)), 10.56, 'stdvar');
    near(at('stddev_over_time', s([0, 8, 8, 2, 3], M, 2 * M)), 3.249615, 'stddev', 1e-6);
    const c = 1.5990505637277868;
    assert.equal(at('stdvar_over_time', s([c, c, c], 55 * S, M)), 0);
    assert.equal(at('stddev_over_time', s([c, c, c], 55 * S, M)), 0);
  });

  it('quantile interpolates; φ outside [0, 1] gives ∓Inf with a warning', () => {
    const three = s([0, 1, 4], M, 2 * M);
    near(at('quantile_over_time', three, [0.5]), 1, 'median');
    near(at('quantile_over_time', three, [0.75]), 2.5, 'p75');
    near(at('quantile_over_time', s([0, 1], M, 2 * M), [0.75]), 0.75, 'two');
    const ctx = testContext([M]);
    assert.deepEqual(runRange(fn('quantile_over_time'), three, [-1], ctx), [-Infinity]);
    assert.deepEqual(runRange(fn('quantile_over_time'), three, [1.5], ctx), [Infinity]);
    assert.ok(Number.isNaN(runRange(fn('quantile_over_time'), three, [NaN], ctx)[0]));
    assert.deepEqual(
      ctx.notes.map((n) => [n.kind, n.msg, n.pos.start]),
      [
        ['warn', 'quantile value should be between 0 and 1, got -1', 5],
        ['warn', 'quantile value should be between 0 and 1, got 1.5', 5],
        ['warn', 'quantile value should be between 0 and 1, got NaN', 5],
      ],
    );
    // NaN samples sort first, as in Prometheus.
    near(at('quantile_over_time', s([5, NaN, 1], M, 2 * M), [1]), 5, 'max with NaN');
    assert.ok(Number.isNaN(at('quantile_over_time', s([5, NaN, 1], M, 2 * M), [0])!));
  });

  it('mad (functions.test)', () => {
    near(at('mad_over_time', s([4, 6, 2, 1, 999, 1, 2], 70 * S, 70 * S)), 1, 'mad');
    near(at('mad_over_time', s([1, 2, 3, 4, 5], 40 * S, 50 * S)), 1, 'odd');
    near(at('mad_over_time', s([7, 7, 7, 7, 7], 40 * S, 50 * S)), 0, 'equal');
    near(at('mad_over_time', s([5], 0, 10 * S)), 0, 'single');
    near(at('mad_over_time', s([1, 2, NaN, 4], 30 * S, 40 * S)), NaN, 'NaN');
  });
});

describe('deriv, predict_linear, resets, changes', () => {
  const mid = { ...grid(5 * M, [...seq(0, 10, 4), ...seq(0, 10, 5)]) };

  it('least squares as Prometheus (functions.test)', () => {
    near(
      at('deriv', { ...grid(5 * M, seq(0, 80, 10)), times: [50 * M], rangeMs: 50 * M }),
      0.26666666666666666,
      'deriv',
    );
    near(
      at('deriv', { ...mid, times: [50 * M], rangeMs: 100 * M }),
      0.010606060606060607,
      'deriv reset',
    );
    near(at('predict_linear', { ...mid, times: [50 * M], rangeMs: 50 * M }, [3600]), 70, 'predict');
    const inf = {
      ...grid(5 * M, [-Infinity, ...seq(0, 80, 10), Infinity]),
      times: [100 * M],
      rangeMs: 100 * M,
    };
    near(at('deriv', inf), NaN, 'deriv Inf');
    near(at('predict_linear', inf, [6000]), NaN, 'predict Inf');
    near(
      at('deriv', { ...grid(S, [Infinity, Infinity]), times: [S], rangeMs: 5 * S }),
      NaN,
      'const Inf',
    );
    near(at('deriv', { ...grid(S, [3, 3, 3]), times: [2 * S], rangeMs: 5 * S }), 0, 'constant');
    assert.equal(at('deriv', { ...grid(S, [3]), times: [0], rangeMs: 5 * S }), null);
  });

  it('predict_linear intercepts at the evaluation time (offset windows too)', () => {
    // [55m] @ 3000 at 10m ≈ a window ending at 50m evaluated at 10m: intercept at 600 s + 3600 s.
    const w = { ...mid, times: [10 * M], rangeMs: 55 * M, offsetMs: -40 * M };
    near(at('predict_linear', w, [3600]), 51.36363636363637, 'predict @');
  });

  it('resets and changes (functions.test)', () => {
    const foo = { ...grid(5 * M, [1, 2, 3, 0, 1, 0, 0, 1, 2, 0]), times: [50 * M] };
    assert.equal(at('resets', { ...foo, rangeMs: 5 * M }), null);
    assert.equal(at('resets', { ...foo, rangeMs: 20 * M }), 1);
    assert.equal(at('resets', { ...foo, rangeMs: 32 * M }), 2);
    assert.equal(at('resets', { ...foo, rangeMs: 50 * M }), 3);
    assert.equal(at('changes', { ...foo, rangeMs: 20 * M }), 2);
    assert.equal(at('changes', { ...foo, rangeMs: 50 * M }), 7);
    assert.equal(
      at('changes', { ...grid(5 * M, [NaN, NaN, NaN]), times: [15 * M], rangeMs: 20 * M }),
      0,
    );
    assert.equal(
      at('changes', { ...grid(5 * M, [0, NaN, 0]), times: [15 * M], rangeMs: 20 * M }),
      2,
    );
  });
});

describe('double_exponential_smoothing', () => {
  it('follows a linear trend exactly (functions.test)', () => {
    const spec = { ...grid(10 * S, seq(0, 10, 1000)), times: [8000 * S], rangeMs: M };
    near(at('double_exponential_smoothing', spec, [0.01, 0.1]), 8000, 'up');
    const down = { ...grid(10 * S, seq(8000, -10, 1000)), times: [8000 * S], rangeMs: M };
    near(at('double_exponential_smoothing', down, [0.01, 0.1]), 0, 'down');
    assert.equal(at('double_exponential_smoothing', { ...spec, rangeMs: 5 * S }, [0.5, 0.5]), null);
  });

  it('rejects factors outside (0, 1) on steps with samples, naming the value', () => {
    const spec = { ...grid(10 * S, [1, 2, 3]), times: [20 * S], rangeMs: M };
    assert.throws(
      () => runRange(fn('double_exponential_smoothing'), spec, [1, 0.5]),
      (e: unknown) =>
        e instanceof QueryExecutionError && /smoothing factor.*got 1$/.test(e.message),
    );
    assert.throws(
      () => runRange(fn('double_exponential_smoothing'), spec, [0.5, -0.25]),
      (e: unknown) =>
        e instanceof QueryExecutionError && /trend factor.*got -0.25$/.test(e.message),
    );
    // No samples in any window: nothing to check, as in Prometheus.
    assert.deepEqual(
      runRange(fn('double_exponential_smoothing'), { ...spec, times: [500 * S] }, [2, 2]),
      [null],
    );
  });
});

describe('goFormatG', () => {
  it('prints like Go %g', () => {
    const cases: [number, string][] = [
      [2, '2'],
      [-0.25, '-0.25'],
      [1.5, '1.5'],
      [123456, '123456'],
      [1e6, '1e+06'],
      [1234567, '1.234567e+06'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1e100, '1e+100'],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
      [0, '0'],
      [-0, '-0'],
    ];
    for (const [x, want] of cases) assert.equal(goFormatG(x), want, String(x));
  });
});
