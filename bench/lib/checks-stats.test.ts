import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jitterStats, quantile } from './checks-stats.js';

test('quantile: nearest rank, NaN when empty', () => {
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2);
  assert.equal(quantile([1, 2, 3, 4], 0.99), 4);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

test('jitterStats: pairs whose second arrival is in the window, per target', () => {
  const arrivals = [
    [0, 10_001, 20_000, 30_005], // in [5000, 25000): 10001 (|10001-10000|=1), 20000 (|9999-10000|=1)
    [3_000, 13_010], // 13010: 10
    [40_000], // nothing in the window
  ];
  const s = jitterStats(arrivals, 10_000, 5_000, 25_000);
  assert.equal(s.arrivals, 3);
  assert.equal(s.silentTargets, 1);
  assert.equal(s.samples, 3);
  assert.equal(s.p50Ms, 1);
  assert.equal(s.maxMs, 10);
});

test('jitterStats: the first arrival of a target has no pair', () => {
  const s = jitterStats([[6_000, 16_000]], 10_000, 5_000, 25_000);
  assert.equal(s.arrivals, 2);
  assert.equal(s.samples, 1);
  assert.equal(s.p99Ms, 0);
});
