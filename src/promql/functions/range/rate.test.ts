import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RANGE_FUNCTIONS } from './index.js';
import { runRange, testContext } from './testing.js';

const M = 60_000;
const fn = (name: string) => RANGE_FUNCTIONS.get(name)!;
/** Samples every `everyMs` from t=0. */
const grid = (everyMs: number, vs: number[]) => ({ ts: vs.map((_, k) => k * everyMs), vs });
/** Prometheus's `a+bxn` load notation: n+1 values. */
const seq = (a: number, b: number, n: number) => Array.from({ length: n + 1 }, (_, k) => a + b * k);

function near(got: number | null, want: number, what: string): void {
  assert.ok(got !== null, `${what}: got ABSENT, want ${want}`);
  assert.ok(
    Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)),
    `${what}: got ${got}, want ${want}`,
  );
}

describe('increase / rate / delta (extrapolatedRate)', () => {
  it('extrapolates to the window start by the sample gap when samples cover it (functions.test)', () => {
    const times = [50 * M];
    // Window (0, 50m]: samples 5m..50m. Extrapolated by 5m back: 90 * 3000/2700.
    near(
      runRange(fn('increase'), { ...grid(5 * M, seq(0, 10, 10)), times, rangeMs: 50 * M })[0],
      100,
      'foo',
    );
    // 0+18x5 0+18x5: one reset (90 → 0) inside the window.
    const bar = [...seq(0, 18, 5), ...seq(0, 18, 5)];
    near(runRange(fn('increase'), { ...grid(5 * M, bar), times, rangeMs: 50 * M })[0], 160, 'bar');
  });

  it('limits start extrapolation to half a gap and to the counter zero point', () => {
    const times = [50 * M];
    // [100m]: the window starts 50m before the first sample → only half a gap (150 s).
    near(
      runRange(fn('increase'), { ...grid(5 * M, seq(10, 10, 10)), times, rangeMs: 100 * M })[0],
      105,
      'dings',
    );
    // 1+10x10 reaches 0 only 30 s before the first sample: extrapolate by 30 s.
    near(
      runRange(fn('increase'), { ...grid(5 * M, seq(1, 10, 10)), times, rangeMs: 100 * M })[0],
      101,
      'bumms',
    );
    // Bar 0+18x5 0+18x5 over [100m]: 162 (half a gap at the end, zero point at the start).
    const bar = [...seq(0, 18, 5), ...seq(0, 18, 5)];
    near(runRange(fn('increase'), { ...grid(5 * M, bar), times, rangeMs: 100 * M })[0], 162, 'bar');
  });

  it('treats a drop as a reset to 0 and caps by the zero point (0 1 2 3 2 3 4 → 7)', () => {
    const r = runRange(fn('increase'), {
      ...grid(5 * M, [0, 1, 2, 3, 2, 3, 4]),
      times: [30 * M],
      rangeMs: 30 * M,
    });
    near(r[0], 7, 'increase');
  });

  it('rate: resets in the middle, at the end, per-second, offset', () => {
    const mid = [...seq(0, 27, 4), ...seq(0, 27, 5)];
    near(
      runRange(fn('rate'), { ...grid(5 * M, mid), times: [50 * M], rangeMs: 50 * M })[0],
      0.08,
      'middle',
    );
    const end = [...seq(0, 10, 9), 0, 10];
    // [5m] holds one sample: no rate. [6m] holds 90 → 0: a reset to exactly 0.
    assert.deepEqual(
      runRange(fn('rate'), { ...grid(5 * M, end), times: [50 * M], rangeMs: 5 * M }),
      [null],
    );
    near(
      runRange(fn('rate'), { ...grid(5 * M, end), times: [50 * M], rangeMs: 6 * M })[0],
      0,
      'end',
    );
    near(
      runRange(fn('rate'), {
        ...grid(5 * M, seq(0, 80, 10)),
        times: [50 * M],
        rangeMs: 50 * M,
      })[0],
      0.26666666666666666,
      'window',
    );
    near(
      runRange(fn('rate'), {
        ...grid(5 * M, seq(0, 10, 10)),
        times: [50 * M],
        rangeMs: 10 * M,
        offsetMs: 5 * M,
      })[0],
      0.03333333333333333,
      'offset',
    );
  });

  it('rate: zero cutoff up to half an interval, then half-interval extrapolation (load 4m)', () => {
    const want10 = [0.5, 0.55, 0.6, 0.6, 0.6, 0.6];
    for (let k = 0; k < 6; k++) {
      const s = { ...grid(4 * M, seq(60 * k, 240, 10)), rangeMs: 20 * M };
      near(runRange(fn('rate'), { ...s, times: [10 * M] })[0], want10[k], `start=${k}m @10m`);
      near(runRange(fn('rate'), { ...s, times: [50 * M] })[0], 0.6, `start=${k}m @50m`);
    }
  });

  it('delta has no reset correction and no zero cutoff', () => {
    const times = [20 * M];
    near(
      runRange(fn('delta'), { ...grid(5 * M, [0, 50, 100, 150, 200]), times, rangeMs: 20 * M })[0],
      200,
      'up',
    );
    near(
      runRange(fn('delta'), { ...grid(5 * M, [200, 150, 100, 50, 0]), times, rangeMs: 20 * M })[0],
      -200,
      'down',
    );
    // A "reset" is just a decrease for delta: 10 → 0 over 2 samples, window start far away.
    const r = runRange(fn('delta'), {
      ts: [60_000, 120_000],
      vs: [10, 0],
      times: [120_000],
      rangeMs: 120_000,
    });
    // toStart 60 s ≥ 1.1·60 s? no (60 < 66) → extrapolate fully: -10 · 120/60.
    near(r[0], -20, 'drop');
  });

  it('is ABSENT for empty and one-sample windows, NaN-tolerant otherwise', () => {
    const s = { ts: [10_000, 20_000, 30_000], vs: [1, NaN, 3], rangeMs: 15_000 };
    const r = runRange(fn('rate'), { ...s, times: [0, 10_000, 30_000] });
    assert.deepEqual(r.slice(0, 2), [null, null]);
    assert.ok(Number.isNaN(r[2]), 'NaN in the window gives NaN');
  });

  it('handles several steps over sliding windows', () => {
    const s = { ...grid(15_000, seq(0, 15, 40)), rangeMs: 60_000 };
    const r = runRange(fn('rate'), { ...s, times: [60_000, 120_000, 180_000] });
    for (const v of r) near(v, 1, 'steady 1/s');
  });

  it('annotates rate/increase on names without a counter suffix, once the series yields a value', () => {
    const s = { ...grid(5 * M, seq(0, 10, 10)), times: [50 * M], rangeMs: 50 * M };
    for (const name of ['rate', 'increase']) {
      const ctx = testContext(s.times);
      runRange(fn(name), { ...s, labels: { __name__: 'http_requests' } }, [], ctx);
      assert.deepEqual(ctx.notes, [
        {
          kind: 'info',
          msg: 'metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "http_requests"',
          pos: { start: 5, end: 12 },
        },
      ]);
    }
    const labelSets: Record<string, string>[] = [
      { __name__: 'x_total' },
      { __name__: 'x_bucket' },
      {},
    ];
    for (const labels of labelSets) {
      const ctx = testContext(s.times);
      runRange(fn('rate'), { ...s, labels }, [], ctx);
      assert.deepEqual(ctx.notes, [], JSON.stringify(labels));
    }
    const ctx = testContext(s.times);
    runRange(fn('delta'), { ...s, labels: { __name__: 'gauge' } }, [], ctx);
    runRange(fn('rate'), { ...s, rangeMs: 1000, labels: { __name__: 'gauge' } }, [], ctx);
    assert.deepEqual(ctx.notes, [], 'no info for delta, nor for a series with no output');
  });
});

describe('irate / idelta', () => {
  it('uses the last two samples; a drop is a reset for irate only', () => {
    const bar = [...seq(0, 10, 5), ...seq(0, 10, 5)];
    const s = { ...grid(5 * M, bar), rangeMs: 50 * M };
    near(runRange(fn('irate'), { ...s, times: [50 * M] })[0], 10 / 300, 'steady');
    near(runRange(fn('irate'), { ...s, times: [30 * M] })[0], 0, 'reset: last value / gap');
    near(runRange(fn('idelta'), { ...s, times: [30 * M] })[0], -50, 'idelta drop');
  });

  it('NaN samples propagate (functions.test http_requests_nan)', () => {
    const s = { ...grid(5 * M, [1, NaN, NaN, 5, 11]), rangeMs: 15 * M + 1000 };
    const times = [0, 5 * M, 10 * M, 15 * M, 20 * M];
    const r = runRange(fn('irate'), { ...s, times });
    assert.equal(r[0], null);
    assert.ok(r.slice(1, 4).every((v) => v !== null && Number.isNaN(v)));
    near(r[4], 0.02, 'irate');
    const d = runRange(fn('idelta'), { ...s, times });
    assert.equal(d[0], null);
    near(d[4], 6, 'idelta');
  });
});
