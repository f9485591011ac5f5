import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignSeries, stack } from '../../web/src/components/chart/aligned.js';

const s = (points: [number, number][]) => ({ labels: {}, name: 'x', points });

describe('alignSeries', () => {
  it('shares the grid of series on the same timestamps', () => {
    const d = alignSeries([
      s([
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
      s([
        [1, 10],
        [3, 30],
      ]),
    ]);
    assert.deepEqual(d, [
      [1, 2, 3],
      [1, 2, 3],
      [10, null, 30],
    ]);
  });
  it('builds the union when a later series has other timestamps', () => {
    const d = alignSeries([
      s([
        [1, 1],
        [3, 3],
      ]),
      s([
        [2, 20],
        [4, 40],
      ]),
    ]);
    assert.deepEqual(d, [
      [1, 2, 3, 4],
      [1, null, 3, null],
      [null, 20, null, 40],
    ]);
  });
  it('turns NaN and Inf into gaps, and handles no series', () => {
    assert.deepEqual(
      alignSeries([
        s([
          [1, NaN],
          [2, Infinity],
        ]),
      ]),
      [
        [1, 2],
        [null, null],
      ],
    );
    assert.deepEqual(alignSeries([]), [[]]);
  });
  it('aligns 100k points quickly enough to do per result', () => {
    const pts: [number, number][] = Array.from({ length: 1000 }, (_, i) => [i * 15, i]);
    const d = alignSeries(Array.from({ length: 100 }, () => s(pts)));
    assert.equal(d.length, 101);
    assert.equal(d[0].length, 1000);
  });
});

describe('stack', () => {
  it('sums the visible series, leaving gaps and hidden series alone', () => {
    const d = stack(
      [
        [1, 2],
        [1, 2],
        [5, 5],
        [10, null],
      ],
      [true, false, true],
    );
    assert.deepEqual(d, [
      [1, 2],
      [1, 2],
      [5, 5],
      [11, null],
    ]);
  });
});
