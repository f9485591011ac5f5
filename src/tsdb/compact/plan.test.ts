import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlockMeta } from '../block/index.js';
import { compactionRanges, planCompaction } from './plan.js';
import { retentionVictims } from './retention.js';

const H = 3_600_000;
const DAY = 24 * H;
const RANGES = [2 * H, 6 * H, 18 * H, 54 * H];

/** A meta with ulid = `name` padded to look like a ULID (the planner only compares them). */
function m(name: string, minH: number, maxH: number, level = 1): BlockMeta {
  return {
    ulid: name,
    minTime: minH * H,
    maxTime: maxH * H,
    stats: { numSamples: 0, numSeries: 0, numChunks: 0 },
    compaction: { level, sources: [name] },
    version: 1,
  };
}

describe('planCompaction', () => {
  const cases: [string, BlockMeta[], string[] | null][] = [
    ['no blocks', [], null],
    ['one block', [m('a', 0, 2)], null],
    ['two 2h blocks: newest is left alone', [m('a', 0, 2), m('b', 2, 4)], null],
    [
      'three 2h blocks fill 6h, but the newest is excluded',
      [m('a', 0, 2), m('b', 2, 4), m('c', 4, 6)],
      null,
    ],
    [
      'four 2h blocks: first 6h range is complete',
      [m('a', 0, 2), m('b', 2, 4), m('c', 4, 6), m('d', 6, 8)],
      ['a', 'b', 'c'],
    ],
    [
      'order of input does not matter',
      [m('d', 6, 8), m('b', 2, 4), m('a', 0, 2), m('c', 4, 6)],
      ['a', 'b', 'c'],
    ],
    [
      'gap: two blocks before the newest one are compacted',
      [m('a', 0, 2), m('c', 4, 6), m('e', 8, 10)],
      ['a', 'c'],
    ],
    [
      '6h blocks fill 18h',
      [m('a', 0, 6, 2), m('b', 6, 12, 2), m('c', 12, 18, 2), m('d', 18, 20)],
      ['a', 'b', 'c'],
    ],
    [
      'mixed: 6h group before 2h group',
      [m('a', 0, 6, 2), m('b', 6, 8), m('c', 8, 10), m('d', 10, 12), m('e', 12, 14)],
      ['b', 'c', 'd'],
    ],
    [
      'misaligned block spanning windows is skipped',
      [m('a', 1, 7), m('b', 7, 8), m('c', 8, 10)],
      null,
    ],
    [
      'largest range reached: nothing to do',
      [m('a', 0, 54, 4), m('b', 54, 108, 4), m('c', 108, 110)],
      null,
    ],
    [
      'overlapping blocks first (vertical compaction)',
      [m('a', 0, 2), m('b', 1, 3), m('c', 4, 6), m('d', 5, 7)],
      ['a', 'b'],
    ],
    [
      'overlap with the newest block is compacted too',
      [m('a', 0, 2), m('b', 2, 4), m('c', 3, 4)],
      ['b', 'c'],
    ],
    ['block contained in another overlaps', [m('a', 0, 6, 2), m('b', 2, 4)], ['a', 'b']],
    [
      'negative times align downwards',
      [m('a', -6, -4), m('b', -4, -2), m('c', -2, 0), m('d', 0, 2)],
      ['a', 'b', 'c'],
    ],
  ];
  for (const [name, metas, want] of cases) {
    it(name, () => assert.deepEqual(planCompaction(metas, RANGES), want));
  }
  it('needs at least two ranges to merge', () => {
    assert.equal(
      planCompaction([m('a', 0, 2), m('b', 2, 4), m('c', 4, 6), m('d', 6, 8)], [2 * H]),
      null,
    );
  });
});

describe('compactionRanges', () => {
  const cases: [number, number, number[]][] = [
    [2 * H, 15 * DAY, [2 * H, 6 * H, 18 * H]],
    [2 * H, 90 * DAY, [2 * H, 6 * H, 18 * H, 54 * H, 162 * H]],
    [2 * H, 0, [2 * H, 6 * H, 18 * H, 54 * H, 162 * H, 486 * H]], // no retention: capped at 31 d
    [2 * H, 10 * H, [2 * H]],
  ];
  for (const [block, retention, want] of cases) {
    it(`block ${block / H}h, retention ${retention / DAY}d`, () =>
      assert.deepEqual(compactionRanges(block, retention), want));
  }
});

describe('retentionVictims', () => {
  const blocks = [m('a', 0, 2), m('b', 2, 4), m('c', 4, 6), m('d', 6, 8)];
  const sizes = new Map([
    ['a', 100],
    ['b', 200],
    ['c', 300],
    ['d', 400],
  ]);
  const base = { now: 8 * H, retentionMs: 0, retentionBytes: 0, sizes };
  const cases: [string, Partial<typeof base> & { reservedBytes?: number }, string[]][] = [
    ['no limits', {}, []],
    ['time: blocks ending at or before now - retention', { retentionMs: 4 * H }, ['b', 'a']],
    ['time: block straddling the cutoff stays', { retentionMs: 5 * H }, ['a']],
    ['time: everything too old', { now: 100 * H, retentionMs: H }, ['d', 'c', 'b', 'a']],
    ['size: newest first until over the limit', { retentionBytes: 800 }, ['b', 'a']],
    ['size: exact fit keeps all', { retentionBytes: 1000 }, []],
    ['size: reserved bytes count first', { retentionBytes: 1000, reservedBytes: 1 }, ['a']],
    ['size: newest alone too big', { retentionBytes: 300 }, ['d', 'c', 'b', 'a']],
    ['time and size together', { retentionMs: 6 * H, retentionBytes: 650 }, ['c', 'b', 'a']],
  ];
  for (const [name, over, want] of cases) {
    it(name, () => assert.deepEqual(retentionVictims(blocks, { ...base, ...over }), want));
  }
});
