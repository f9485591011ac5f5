import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, Matcher } from '../../model/index.js';
import { Block } from '../block/index.js';
import {
  modelSelect,
  readSelect,
  tempDir,
  toSeriesChunks,
  type TestSeries,
} from '../block/test-helpers.js';
import { writeBlock } from '../block/index.js';
import { compactBlocks, mergeChunks } from './compact.js';
import { encodeChunks } from '../block/test-helpers.js';
import { XorIterator } from '../chunkenc/index.js';

const H = 3_600_000;
const STEP = 15_000;

/** Series `job=j, i=k` for k in the given set, samples every STEP in [from, to). */
function gen(
  ids: number[],
  from: number,
  to: number,
  valueOf = (t: number, k: number) => t / 1000 + k,
): TestSeries[] {
  return ids
    .map((k) => {
      const ts: number[] = [];
      for (let t = from; t < to; t += STEP) ts.push(t);
      return {
        labels: Labels.fromObject({
          __name__: 'up',
          i: String(k).padStart(3, '0'),
          job: k % 2 ? 'odd' : 'even',
        }),
        ts,
        vs: ts.map((t) => valueOf(t, k)),
      };
    })
    .sort((a, b) => Labels.compare(a.labels, b.labels));
}

/** The union of several test-series lists, samples merged by time, first list wins ties. */
function union(lists: TestSeries[][]): TestSeries[] {
  const by = new Map<string, { labels: Labels; m: Map<number, number> }>();
  for (const l of lists) {
    for (const s of l) {
      const k = s.labels.toString();
      let e = by.get(k);
      if (!e) by.set(k, (e = { labels: s.labels, m: new Map() }));
      for (let i = 0; i < s.ts.length; i++) if (!e.m.has(s.ts[i])) e.m.set(s.ts[i], s.vs[i]);
    }
  }
  return [...by.values()]
    .map((e) => {
      const ts = [...e.m.keys()].sort((a, b) => a - b);
      return { labels: e.labels, ts, vs: ts.map((t) => e.m.get(t)!) };
    })
    .sort((a, b) => Labels.compare(a.labels, b.labels));
}

describe('compactBlocks', () => {
  it('merges 3 adjacent blocks into one equal to their union', async () => {
    const { dir, cleanup } = tempDir();
    try {
      // Different series sets per block: some only in one block, some in all.
      const parts = [
        gen([0, 1, 2, 3], 0, 2 * H),
        gen([1, 2, 4], 2 * H, 4 * H),
        gen([0, 2, 5, 6], 4 * H, 6 * H),
      ];
      const metas = [];
      for (let i = 0; i < 3; i++)
        metas.push(
          await writeBlock(
            dir,
            { minTime: i * 2 * H, maxTime: (i + 1) * 2 * H },
            toSeriesChunks(parts[i]),
          ),
        );
      const blocks = metas.map((m) => Block.open(`${dir}/${m.ulid}`));
      const meta = await compactBlocks(blocks, dir, { segmentBytes: 32 * 1024 });
      for (const b of blocks) b.close();
      assert.equal(meta.minTime, 0);
      assert.equal(meta.maxTime, 6 * H);
      assert.equal(meta.compaction.level, 2);
      assert.deepEqual(meta.compaction.sources, metas.map((m) => m.ulid).sort());
      const want = union(parts);
      assert.equal(meta.stats.numSeries, want.length);
      assert.equal(
        meta.stats.numSamples,
        want.reduce((n, s) => n + s.ts.length, 0),
      );
      assert.equal(
        meta.stats.numChunks,
        metas.reduce((n, m) => n + m.stats.numChunks, 0),
        'non-overlapping chunks copied as is',
      );
      const out = Block.open(`${dir}/${meta.ulid}`);
      const q = out.querier(0, 6 * H);
      const all = [new Matcher('=', '__name__', 'up')];
      assert.deepEqual(readSelect(q, all), modelSelect(want, all, 0, 6 * H));
      const odd = [new Matcher('=', 'job', 'odd')];
      assert.deepEqual(readSelect(q, odd), modelSelect(want, odd, 0, 6 * H));
      q.close();
      out.close();

      // A second-level compaction takes levels and sources along.
      const again = await compactBlocks([Block.open(`${dir}/${meta.ulid}`)], dir);
      assert.equal(again.compaction.level, 3);
      assert.deepEqual(again.compaction.sources, meta.compaction.sources);
    } finally {
      cleanup();
    }
  });

  it('merges overlapping blocks, deduplicating equal timestamps (earliest block wins)', async () => {
    const { dir, cleanup } = tempDir();
    try {
      // Block B overlaps A in time and repeats some timestamps with other values.
      const a = gen([0, 1], 0, 2 * H);
      const b = gen([1, 2], H, 3 * H, (t, k) => -(t / 1000) - k);
      const ma = await writeBlock(dir, { minTime: 0, maxTime: 2 * H }, toSeriesChunks(a));
      const mb = await writeBlock(dir, { minTime: H, maxTime: 3 * H }, toSeriesChunks(b, 50));
      const blocks = [ma, mb].map((m) => Block.open(`${dir}/${m.ulid}`));
      const meta = await compactBlocks(blocks, dir);
      for (const x of blocks) x.close();
      const want = union([a, b]);
      const out = Block.open(`${dir}/${meta.ulid}`);
      const q = out.querier(0, 3 * H);
      const all = [new Matcher('=~', 'i', '.+')];
      assert.deepEqual(readSelect(q, all), modelSelect(want, all, 0, 3 * H));
      q.close();
      out.close();
      assert.equal(
        meta.stats.numSamples,
        want.reduce((n, s) => n + s.ts.length, 0),
      );
    } finally {
      cleanup();
    }
  });

  it('rejects an empty input', async () => {
    await assert.rejects(compactBlocks([], '/nonexistent'), /at least one/);
  });
});

describe('mergeChunks', () => {
  it('re-chunks overlapping runs at 120 samples and copies the rest', () => {
    const ts1 = Array.from({ length: 200 }, (_, i) => i * 10);
    const ts2 = Array.from({ length: 100 }, (_, i) => 5 + i * 10); // interleaves with ts1's first 100
    const ts3 = [5000, 5010];
    const c1 = encodeChunks(
      ts1,
      ts1.map(() => 1),
      200,
    );
    const c2 = encodeChunks(
      ts2,
      ts2.map(() => 2),
      100,
    );
    const c3 = encodeChunks(ts3, [3, 3]);
    const out = mergeChunks([c1, [...c2, ...c3]]);
    assert.deepEqual(
      out.map((c) => [c.minTime, c.maxTime]),
      [
        [0, 595],
        [600, 1390],
        [1400, 1990],
        [5000, 5010],
      ],
    );
    assert.equal(out[3], c3[0], 'non-overlapping chunk is the same object');
    const it = new XorIterator(out[2].data);
    let n = 0;
    while (it.next()) n++;
    assert.equal(n, 60);
  });
});
