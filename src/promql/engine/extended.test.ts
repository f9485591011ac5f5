import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, staleNaN } from '../../model/index.js';
import { isAbsent } from '../steps.js';
import { extendedWindows, smoothedVector } from './extended.js';

const L = Labels.fromObject({ __name__: 'x' });
/** A Float64Array; 'stale' is written as the marker directly (a JS array of doubles may not keep its NaN bits). */
function f64(a: (number | 'stale')[]): Float64Array {
  const out = new Float64Array(a.length);
  a.forEach((v, i) => (out[i] = v === 'stale' ? staleNaN : v));
  return out;
}
const S = 1000;
const LOOKBACK = 300 * S;

/** Each step's window as [t(s), v] pairs. */
function points(
  ts: number[],
  vs: (number | 'stale')[],
  ref: number[],
  rangeSec: number,
  smoothed: boolean,
  counter = false,
): [number, number][][] {
  const w = extendedWindows(
    L,
    f64(ts.map((t) => t * S)),
    f64(vs),
    f64(ref.map((t) => t * S)),
    rangeSec * S,
    LOOKBACK,
    smoothed,
    counter,
  );
  return ref.map((_, i) =>
    Array.from({ length: w.hi[i] - w.lo[i] }, (_, j): [number, number] => [
      w.ts[w.lo[i] + j] / S,
      w.vs[w.lo[i] + j],
    ]),
  );
}

describe('extended range windows', () => {
  it('anchored: the last sample at or before the start, then the last sample at the end', () => {
    const ts = [0, 15, 30, 45, 60];
    const vs = [1, 2, 3, 9, 10];
    assert.deepEqual(points(ts, vs, [50], 30, false), [
      [
        [20, 2],
        [30, 3],
        [45, 9],
        [50, 9],
      ],
    ]);
    // Nothing after the start: no window; only a sample far before the start: outside lookback.
    assert.deepEqual(points(ts, vs, [400], 30, false), [[]]);
    assert.deepEqual(points([0, 400], [1, 2], [400], 30, false), [
      [
        [370, 2],
        [400, 2],
      ],
    ]);
  });

  it('smoothed: bounds interpolated, a drop read as a reset only for counters', () => {
    const ts = [0, 60, 120];
    const vs = [3, 2, 4];
    // (30s, 90s]: plain 2.5 at 30s; as a counter the reset runs 0 → 2, giving 1.
    assert.deepEqual(points(ts, vs, [90], 60, true), [
      [
        [30, 2.5],
        [60, 2],
        [90, 3],
      ],
    ]);
    assert.deepEqual(points(ts, vs, [90], 60, true, true)[0][0], [30, 1]);
    // Samples only after the window: none (nothing to interpolate from).
    assert.deepEqual(points([10, 20], [5, 6], [5], 5, true), [[]]);
  });

  it('drops stale markers from range windows', () => {
    assert.deepEqual(points([0, 10, 20], [1, 'stale', 3], [20], 15, false), [
      [
        [5, 1],
        [20, 3],
      ],
    ]);
  });
});

describe('smoothed instant selector', () => {
  it('interpolates towards the next sample, and honours stale markers', () => {
    const s = smoothedVector(
      L,
      f64([0, 10 * S, 20 * S]),
      f64([1, 2, 'stale']),
      f64([5 * S, 10 * S, 15 * S, 25 * S]),
      LOOKBACK,
    );
    assert.ok(s);
    assert.deepEqual([...s.vs.slice(0, 3)], [1.5, 2, 2]);
    assert.ok(isAbsent(s.vs[3]));
    assert.equal(smoothedVector(L, f64([100 * S]), f64([1]), f64([50 * S]), LOOKBACK), null);
  });
});
