import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, Matcher, staleNaN, isStaleNaN } from '../model/index.js';
import { ArraySampleIterator } from './array-iterator.js';
import { MergeIterator, mergeQueriers } from './merge.js';
import type { Querier, SampleIterator, Series } from './querier.js';

function series(name: string, ts: number[], vs: number[]): Series {
  return {
    labels: Labels.fromObject({ __name__: name }),
    iterator: () => new ArraySampleIterator(ts, Float64Array.from(vs)),
  };
}

function drain(it: SampleIterator): [number, number][] {
  const out: [number, number][] = [];
  while (it.next()) out.push([it.t, it.v]);
  return out;
}

/** A querier over fixed series, recording whether it was closed. */
function fixed(list: Series[], names: string[] = []): Querier & { closed: boolean } {
  return {
    closed: false,
    select: (ms) => list.filter((s) => ms.every((m) => m.matches(s.labels.get(m.name)))),
    labelNames: () => names,
    labelValues: (n) =>
      [...new Set(list.map((s) => s.labels.get(n)).filter((v) => v !== ''))].sort(),
    close() {
      this.closed = true;
    },
  };
}

describe('mergeQueriers', () => {
  it('returns a single querier unchanged', () => {
    const q = fixed([]);
    assert.equal(mergeQueriers([q]), q);
  });

  it('merges sorted series sets and equal series by timestamp, first source winning', () => {
    const a = fixed([series('a', [1, 3], [10, 30]), series('c', [1], [1])], ['__name__', 'x']);
    const b = fixed(
      [series('a', [2, 3, 4], [20, 99, 40]), series('b', [5], [5])],
      ['__name__', 'y'],
    );
    const q = mergeQueriers([a, b]);
    const got = q.select([new Matcher('=~', '__name__', '.+')]);
    assert.deepEqual(
      got.map((s) => s.labels.metricName),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(drain(got[0].iterator()), [
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
    ]);
    // Iterators are independent.
    assert.equal(drain(got[0].iterator()).length, 4);
    assert.deepEqual(q.labelNames(), ['__name__', 'x', 'y']);
    assert.deepEqual(q.labelValues('__name__'), ['a', 'b', 'c']);
    q.close();
    assert.ok(a.closed && b.closed);
  });

  it('handles empty parts', () => {
    const q = mergeQueriers([fixed([]), fixed([])]);
    assert.deepEqual(q.select([new Matcher('=', '__name__', 'x')]), []);
    assert.deepEqual(q.labelNames(), []);
    const one = mergeQueriers([fixed([series('z', [1], [1])]), fixed([])]);
    assert.equal(one.select([]).length, 1);
    assert.deepEqual(one.labelValues('__name__'), ['z']);
  });
});

describe('MergeIterator', () => {
  it('seeks forward across sources and never backwards', () => {
    const it = new MergeIterator([
      new ArraySampleIterator([10, 20, 30], Float64Array.from([1, 2, 3])),
      new ArraySampleIterator([15, 20, 35], Float64Array.from([4, 5, 6])),
    ]);
    assert.ok(it.seek(16));
    assert.deepEqual([it.t, it.v], [20, 2]);
    assert.ok(it.seek(5));
    assert.equal(it.t, 20);
    assert.ok(it.next());
    assert.deepEqual([it.t, it.v], [30, 3]);
    assert.ok(it.next());
    assert.deepEqual([it.t, it.v], [35, 6]);
    assert.equal(it.next(), false);
    assert.equal(it.seek(40), false);
  });

  it('keeps NaN bits and handles a seek before next', () => {
    const vs = new Float64Array(1);
    vs[0] = staleNaN; // not via an array literal: V8 would canonicalise the NaN
    const it = new MergeIterator([
      new ArraySampleIterator([7], vs),
      new ArraySampleIterator([], []),
    ]);
    assert.ok(it.seek(0));
    assert.ok(isStaleNaN(it.v));
    assert.equal(it.next(), false);
  });
});
