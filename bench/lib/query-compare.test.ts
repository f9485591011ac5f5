import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareMatrices, parseMatrix, type MatrixSeries } from './query-compare.js';
import { QUERY_MIX, hourRange, median, selectQueries } from './query-mix.js';
import { hotFunctions } from './query-profile.js';
import { REGIONS, SERIES_PER_HOST, hostSeries } from './series.js';

const body = (result: unknown): string =>
  JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } });

const series = (metric: Record<string, string>, values: [number, string][]) => ({
  metric,
  values,
});

describe('parseMatrix', () => {
  it('reads series keyed by their sorted label set', () => {
    const got = parseMatrix(
      body([
        series({ b: '2', a: '1' }, [
          [10, '1.5'],
          [70, 'NaN'],
        ]),
      ]),
    );
    assert.deepEqual(got, [{ key: '[["a","1"],["b","2"]]', ts: [10, 70], values: [1.5, NaN] }]);
  });

  it('throws with the API error, and on a non-matrix answer', () => {
    assert.throws(
      () => parseMatrix(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'boom' })),
      /cannot read query result: bad_data: boom/,
    );
    assert.throws(
      () =>
        parseMatrix(
          JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }),
        ),
      /got resultType vector, want matrix/,
    );
  });
});

describe('compareMatrices', () => {
  const m = (key: string, values: number[]): MatrixSeries => ({
    key,
    ts: values.map((_, i) => i * 60),
    values,
  });

  it('accepts equal answers in any series order, NaN equal to NaN, within the tolerance', () => {
    const want = [m('a', [1000, NaN, 0.5]), m('b', [Infinity, 0])];
    const got = [m('b', [Infinity, 1e-9]), m('a', [1000 * (1 + 5e-7), NaN, 0.5])];
    const c = compareMatrices(want, got);
    assert.equal(c.ok, true, c.firstDiff);
    assert.equal(c.points, 5);
    assert.ok(c.maxRelDiff > 0 && c.maxRelDiff <= 1e-6);
  });

  it('reports a value beyond the tolerance, NaN against a number, missing and extra series', () => {
    assert.match(compareMatrices([m('a', [1])], [m('a', [1.01])]).firstDiff, /got 1.01, want 1/);
    const nan = compareMatrices([m('a', [NaN])], [m('a', [1])]);
    assert.equal(nan.ok, false);
    assert.equal(nan.maxRelDiff, Infinity);
    const missing = compareMatrices([m('a', [1]), m('b', [1])], [m('a', [1])]);
    assert.equal(missing.ok, false);
    assert.match(missing.firstDiff, /series b missing/);
    assert.equal(missing.gotSeries, 1);
    assert.equal(missing.wantSeries, 2);
    assert.match(compareMatrices([], [m('x', [1])]).firstDiff, /unexpected series x/);
  });

  it('reports different timestamps and duplicate label sets', () => {
    const shifted = { key: 'a', ts: [0, 61], values: [1, 2] };
    assert.match(compareMatrices([m('a', [1, 2])], [shifted]).firstDiff, /2 points/);
    assert.match(
      compareMatrices([m('a', [1])], [m('a', [1]), m('a', [1])]).firstDiff,
      /duplicate label sets/,
    );
  });
});

describe('query mix', () => {
  it('selects by id or position, rejects unknown ones', () => {
    assert.equal(selectQueries(undefined).length, QUERY_MIX.length);
    assert.deepEqual(
      selectQueries('topk,1,topk').map((q) => q.id),
      ['topk', 'host-cpu'],
    );
    assert.throws(() => selectQueries('nope'), /cannot select query "nope"/);
  });

  it('ranges over one hour at 60 s, off the 15 s sample grid', () => {
    const r = hourRange(1_800_000_000_000, 15_000);
    assert.deepEqual(r, { start: 1_799_996_407.5, end: 1_800_000_007.5, step: 60 });
    assert.notEqual((r.end * 1000) % 15_000, 0);
  });

  it('takes the median of odd and even counts', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });

  it('generates the query shape: 176 series, region label, 32 CPU series per host', () => {
    const plain = hostSeries(5);
    const shaped = hostSeries(5, true);
    assert.equal(shaped.length, SERIES_PER_HOST);
    assert.equal(plain.length, SERIES_PER_HOST);
    const cpu = (s: typeof plain) => s.filter((d) => d.labels[1] === 'node_cpu_seconds_total');
    assert.equal(cpu(plain).length, 16);
    assert.equal(cpu(shaped).length, 32);
    assert.ok(plain.every((d) => !d.labels.includes('region')));
    for (const d of shaped) {
      const i = d.labels.indexOf('region');
      assert.equal(d.labels[i + 1], REGIONS[5 % REGIONS.length]);
      // Label names stay sorted after __name__.
      const names = d.labels.filter((_, j) => j % 2 === 0).slice(1);
      assert.deepEqual(names, [...names].sort());
    }
  });
});

describe('hotFunctions', () => {
  const frame = (id: number, functionName: string, url = '') => ({
    id,
    callFrame: { functionName, url, lineNumber: 9 },
  });
  // startTime 1 ms, samples at 2, 3, 4, 5 ms (monotonic): A, idle, anonymous, A.
  const profile = {
    nodes: [frame(1, 'A', 'file:///repo/dist/a.js'), frame(2, '(idle)'), frame(3, '')],
    startTime: 1000,
    samples: [1, 2, 3, 1],
    timeDeltas: [1000, 1000, 1000, 1000],
  };

  it('ranks self time inside the windows, skipping idle, with repo-relative names', () => {
    const { top, busyMs } = hotFunctions(profile, [[1.5, 4.5]], 5, '/repo');
    assert.equal(busyMs, 2);
    assert.deepEqual(top, [
      { name: 'A (dist/a.js:10)', selfMs: 1, percent: 50 },
      { name: '(anonymous)', selfMs: 1, percent: 50 },
    ]);
  });

  it('finds nothing outside the windows', () => {
    assert.deepEqual(hotFunctions(profile, [[100, 200]], 5), { top: [], busyMs: 0 });
  });
});
