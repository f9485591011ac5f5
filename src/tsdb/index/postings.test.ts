import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PostingsList, gallop, intersect, subtract, union } from './postings.js';

/** Sorted, de-duplicated refs; biased to small values so lists overlap. */
const refs = (max = 2000, maxLength = 300) =>
  fc
    .array(fc.integer({ min: 0, max }), { maxLength })
    .map((xs) => Uint32Array.from([...new Set(xs)].sort((a, b) => a - b)));
/** A large dense list and a small sparse one, to exercise the galloping paths. */
const skewed = fc.tuple(
  fc
    .integer({ min: 0, max: 50 })
    .map((start) => Uint32Array.from({ length: 5000 }, (_, i) => start + 2 * i)),
  refs(12000, 40),
);

const naiveIntersect = (lists: Uint32Array[]) =>
  lists.length === 0 ? [] : [...lists[0]].filter((x) => lists.every((l) => l.includes(x)));
const naiveUnion = (lists: Uint32Array[]) =>
  [...new Set(lists.flatMap((l) => [...l]))].sort((a, b) => a - b);
const naiveSubtract = (a: Uint32Array, b: Uint32Array) => {
  const s = new Set(b);
  return [...a].filter((x) => !s.has(x));
};

describe('postings set algebra', () => {
  it('intersect equals the naive set intersection', () => {
    fc.assert(
      fc.property(fc.array(refs(), { maxLength: 5 }), (lists) => {
        assert.deepEqual([...intersect(lists)], naiveIntersect(lists));
      }),
    );
  });

  it('intersect gallops correctly through skewed sizes', () => {
    fc.assert(
      fc.property(skewed, ([big, small]) => {
        assert.deepEqual([...intersect([big, small])], naiveIntersect([small, big]));
        assert.deepEqual([...intersect([small, big, big])], naiveIntersect([small, big]));
      }),
    );
  });

  it('union equals the naive set union', () => {
    fc.assert(
      fc.property(fc.array(refs(), { maxLength: 7 }), (lists) => {
        assert.deepEqual([...union(lists)], naiveUnion(lists));
      }),
    );
  });

  it('subtract equals the naive set difference, both for similar and skewed sizes', () => {
    fc.assert(
      fc.property(refs(), refs(), (a, b) => {
        assert.deepEqual([...subtract(a, b)], naiveSubtract(a, b));
      }),
    );
    fc.assert(
      fc.property(skewed, ([big, small]) => {
        assert.deepEqual([...subtract(small, big)], naiveSubtract(small, big));
        assert.deepEqual([...subtract(big, small)], naiveSubtract(big, small));
      }),
    );
  });

  it('handles empty inputs and the full uint32 range', () => {
    const e = new Uint32Array(0);
    const top = Uint32Array.from([0, 1, 0x7fffffff, 0x80000000, 0xffffffff]);
    assert.deepEqual([...intersect([])], []);
    assert.deepEqual([...intersect([top, e])], []);
    assert.deepEqual(
      [...intersect([top, Uint32Array.from([0x80000000, 0xffffffff])])],
      [0x80000000, 0xffffffff],
    );
    assert.deepEqual([...union([])], []);
    assert.deepEqual([...union([e, top, e])], [...top]);
    assert.deepEqual(
      [...union([top, Uint32Array.from([2]), Uint32Array.from([0xfffffffe])])],
      [0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff],
    );
    assert.deepEqual([...subtract(top, e)], [...top]);
    assert.deepEqual([...subtract(e, top)], []);
    assert.deepEqual(
      [...subtract(top, Uint32Array.from([0xffffffff]))],
      [0, 1, 0x7fffffff, 0x80000000],
    );
  });

  it('gallop finds the first index at or above x', () => {
    const a = Uint32Array.from([1, 3, 5, 7, 9, 11, 13]);
    const cases: [lo: number, x: number, want: number][] = [
      [0, 0, 0],
      [0, 1, 0],
      [0, 2, 1],
      [0, 13, 6],
      [0, 14, 7],
      [3, 2, 3], // never moves backwards
      [2, 12, 6],
      [7, 1, 7],
    ];
    for (const [lo, x, want] of cases)
      assert.equal(gallop(a, lo, x), want, `gallop(lo=${lo}, x=${x})`);
    assert.equal(gallop(a, 0, 12, 4), 4, 'bounded by n');
  });
});

describe('PostingsList', () => {
  it('behaves as a sorted set for any sequence of adds and deletes', () => {
    const op = fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const p = new PostingsList(1);
        const s = new Set<number>();
        for (const [isAdd, ref] of ops) {
          if (isAdd) assert.equal(p.add(ref), !s.has(ref));
          else assert.equal(p.delete(ref), s.has(ref));
          if (isAdd) s.add(ref);
          else s.delete(ref);
          assert.equal(p.has(ref), s.has(ref));
        }
        assert.deepEqual(
          [...p.toArray()],
          [...s].sort((a, b) => a - b),
        );
        assert.equal(p.length, s.size);
        p.compact();
        assert.deepEqual(
          [...p.toArray()],
          [...s].sort((a, b) => a - b),
        );
      }),
    );
  });

  it('appends ascending refs in place and returns a view without copying', () => {
    const p = new PostingsList();
    for (let i = 0; i < 1000; i++) p.add(i * 3);
    const view = p.toArray();
    assert.equal(view.length, 1000);
    assert.equal(view[999], 2997);
    assert.equal(p.toArray().buffer, view.buffer, 'no copy between calls');
    assert.equal(p.add(2997), false, 'duplicate of the last ref');
    assert.equal(p.add(1), true);
    assert.deepEqual([...p.toArray().subarray(0, 3)], [0, 1, 3]);
    assert.equal(p.delete(5), false);
  });

  it('from() copies a sorted array', () => {
    const src = Uint32Array.from([2, 4, 8]);
    const p = PostingsList.from(src);
    src[0] = 99;
    assert.deepEqual([...p.toArray()], [2, 4, 8]);
    assert.equal(p.add(6), true);
    assert.deepEqual([...p.toArray()], [2, 4, 6, 8]);
    const empty = PostingsList.from(new Uint32Array(0));
    empty.compact();
    assert.equal(empty.add(7), true);
    assert.deepEqual([...empty.toArray()], [7]);
  });
});
