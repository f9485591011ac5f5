import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Labels, Matcher, staleNaN } from '../../model/index.js';
import { Block } from './block.js';
import { BlockWriteError } from './errors.js';
import type { BlockMeta } from './meta.js';
import {
  modelSelect,
  readSelect,
  tag,
  tempDir,
  toSeriesChunks,
  type TestSeries,
} from './test-helpers.js';
import { writeBlock } from './writer.js';

const T0 = 1_700_000_000_000;
const STEP = 15_000;
const N = 300; // samples per series: 3 chunks of 120, the last partial

function makeSeries(): TestSeries[] {
  const out: TestSeries[] = [];
  for (let m = 0; m < 4; m++) {
    for (let inst = 0; inst < 30; inst++) {
      const obj: Record<string, string> = {
        __name__: `metric_${m}`,
        instance: `host-${inst}:9100`,
        job: inst % 3 === 0 ? 'api' : 'node',
      };
      if (inst % 5 === 0) obj.env = inst % 10 === 0 ? 'prod' : 'dev';
      if (m === 3 && inst === 7) obj['ütf8 näme'] = 'välue ✓';
      const ts: number[] = [];
      const vs = new Float64Array(N); // a number[] would canonicalise the stale NaN's bits
      for (let i = 0; i < N; i++) {
        ts.push(T0 + i * STEP + (i % 7 === 0 ? 3 : 0));
        vs[i] =
          i === 100 ? staleNaN : i === 101 ? -0 : i === 102 ? Infinity : m * 1000 + inst + i * 0.5;
      }
      out.push({ labels: Labels.fromObject(obj), ts, vs });
    }
  }
  return out.sort((a, b) => Labels.compare(a.labels, b.labels));
}

const eq = (n: string, v: string): Matcher => new Matcher('=', n, v);
const ne = (n: string, v: string): Matcher => new Matcher('!=', n, v);
const re = (n: string, v: string): Matcher => new Matcher('=~', n, v);
const nre = (n: string, v: string): Matcher => new Matcher('!~', n, v);

describe('block round trip', () => {
  const { dir, cleanup } = tempDir();
  const series = makeSeries();
  let meta: BlockMeta;
  let block: Block;
  const maxT = T0 + N * STEP;

  before(async () => {
    // Small segments so the block spans several chunk files.
    meta = await writeBlock(
      dir,
      { minTime: T0, maxTime: maxT, segmentBytes: 64 * 1024 },
      toSeriesChunks(series),
    );
    block = Block.open(`${dir}/${meta.ulid}`);
  });
  after(() => {
    block.close();
    cleanup();
  });

  it('writes meta with stats and leaves no temp dir', () => {
    assert.equal(meta.stats.numSeries, series.length);
    assert.equal(meta.stats.numSamples, series.length * N);
    assert.equal(meta.stats.numChunks, series.length * 3);
    assert.deepEqual(meta.compaction, { level: 1, sources: [meta.ulid] });
    assert.deepEqual(readdirSync(dir), [meta.ulid]);
    assert.ok(readdirSync(`${dir}/${meta.ulid}/chunks`).length > 1, 'want several segments');
    assert.deepEqual(block.meta, meta);
    assert.ok(block.sizeBytes() > 0);
  });

  const cases: [string, Matcher[]][] = [
    ['=', [eq('__name__', 'metric_1')]],
    ['= two labels', [eq('__name__', 'metric_2'), eq('instance', 'host-4:9100')]],
    ['= absent value', [eq('__name__', 'nope')]],
    ['!=', [eq('__name__', 'metric_0'), ne('job', 'node')]],
    ['=~ regex', [re('instance', 'host-1.*')]],
    ['=~ alternation', [re('__name__', 'metric_0|metric_3'), eq('job', 'api')]],
    ['!~', [eq('__name__', 'metric_1'), nre('instance', 'host-[12].*')]],
    ['label = "" selects series without it', [eq('__name__', 'metric_2'), eq('env', '')]],
    ['label != "" selects series with it', [ne('env', '')]],
    ['!= on a label some series lack keeps them', [eq('__name__', 'metric_0'), ne('env', 'prod')]],
    [
      '=~ matching empty keeps series without the label',
      [eq('__name__', 'metric_1'), re('env', 'dev|')],
    ],
    ['!~ matching empty', [nre('env', 'prod'), eq('job', 'api')]],
    ['only empty-matching matchers (all series candidates)', [re('env', '.*')]],
    ['utf-8 names', [eq('ütf8 näme', 'välue ✓')]],
    ['no match', [eq('__name__', 'metric_1'), eq('job', 'x')]],
  ];
  for (const [name, ms] of cases) {
    it(`select ${name}`, () => {
      const q = block.querier(T0, maxT);
      try {
        const got = readSelect(q, ms);
        assert.deepEqual(got, modelSelect(series, ms, T0, maxT));
      } finally {
        q.close();
      }
    });
  }

  it('clips samples to the querier range and to hints', () => {
    const ranges: [number, number][] = [
      [T0 + 50 * STEP, T0 + 130 * STEP], // across a chunk boundary
      [T0 + 119 * STEP, T0 + 121 * STEP],
      [T0 + 240 * STEP, T0 + 10 * N * STEP], // last chunk only
      [T0 - 10 * STEP, T0], // only the first sample
    ];
    for (const [mint, maxt] of ranges) {
      const q = block.querier(mint, maxt);
      const ms = [eq('__name__', 'metric_0')];
      assert.deepEqual(
        readSelect(q, ms),
        modelSelect(series, ms, mint, maxt),
        `range ${mint - T0}..${maxt - T0}`,
      );
      q.close();
    }
    const q = block.querier(T0, maxT);
    const ms = [re('__name__', 'metric_[01]'), eq('job', 'api')];
    const hinted = q.select(ms, { start: T0 + 10 * STEP, end: T0 + 20 * STEP });
    const it0 = hinted[0].iterator();
    let n = 0;
    while (it0.next()) n++;
    assert.equal(n, 11);
    assert.deepEqual(q.select(ms, { start: maxT + 1, end: maxT + 2 }), []);
    q.close();
  });

  it('omits series with no chunk in range', () => {
    const q = block.querier(maxT + STEP, maxT + 100 * STEP);
    assert.deepEqual(q.select([eq('__name__', 'metric_0')]), []);
    q.close();
  });

  it('keeps special values bit-exact', () => {
    const q = block.querier(T0 + 99 * STEP, T0 + 103 * STEP);
    const got = readSelect(q, [eq('__name__', 'metric_0'), eq('instance', 'host-1:9100')]);
    q.close();
    assert.deepEqual(got[0].vs.slice(1, 4), ['stale', '-0', Infinity]);
    assert.equal(tag(staleNaN), 'stale');
  });

  it('seeks forward, never backwards, across chunks', () => {
    const q = block.querier(T0, maxT);
    const s = q.select([eq('__name__', 'metric_0'), eq('instance', 'host-1:9100')])[0];
    const it = s.iterator();
    assert.ok(it.seek(T0 + 200 * STEP));
    assert.equal(it.t, T0 + 200 * STEP);
    assert.ok(it.seek(T0), 'seek backwards stays put');
    assert.equal(it.t, T0 + 200 * STEP);
    assert.ok(it.next());
    assert.equal(it.t, T0 + 201 * STEP);
    assert.ok(it.seek(T0 + 212 * STEP + 1), 'seek between samples');
    assert.equal(it.t, T0 + 213 * STEP);
    assert.equal(it.seek(maxT + 1), false);
    assert.equal(it.next(), false);
    assert.equal(it.seek(T0), false);
    // A fresh iterator from the same series is independent; seek before next works.
    const it2 = s.iterator();
    assert.ok(it2.seek(T0 + 4));
    assert.equal(it2.t, T0 + STEP);
    q.close();
  });

  it('lists label names and values, optionally filtered', () => {
    const q = block.querier(T0, maxT);
    const allNames = [
      ...new Set(series.flatMap((s) => s.labels.flat.filter((_, i) => i % 2 === 0))),
    ].sort();
    assert.deepEqual(q.labelNames(), allNames);
    assert.deepEqual(q.labelNames([eq('__name__', 'metric_0')]), [
      '__name__',
      'env',
      'instance',
      'job',
    ]);
    assert.deepEqual(q.labelValues('__name__'), ['metric_0', 'metric_1', 'metric_2', 'metric_3']);
    assert.deepEqual(q.labelValues('env'), ['dev', 'prod']);
    assert.deepEqual(q.labelValues('env', [eq('instance', 'host-10:9100')]), ['prod']);
    assert.deepEqual(q.labelValues('nope'), []);
    assert.deepEqual(q.labelValues('job', [eq('__name__', 'nope')]), []);
    q.close();
  });

  it('defers closing file handles until the last querier closes', () => {
    const { dir: d2, cleanup: c2 } = tempDir();
    const b = Block.open(`${dir}/${meta.ulid}`);
    const q = b.querier(T0, maxT);
    b.close();
    assert.equal(b.pendingReaders, 1);
    assert.throws(() => b.querier(T0, maxT), /closed/);
    // Still readable: the descriptors are open until q closes.
    assert.equal(
      readSelect(q, [eq('__name__', 'metric_1'), eq('instance', 'host-2:9100')])[0].ts.length,
      N,
    );
    q.close();
    q.close();
    assert.equal(b.pendingReaders, 0);
    c2();
    assert.ok(!existsSync(d2));
  });

  it('iterates all series with chunk bytes for compaction', () => {
    const all = [...block.series()];
    assert.equal(all.length, series.length);
    assert.ok(all.every((s, i) => s.labels.equals(series[i].labels) && s.chunks.length === 3));
  });
});

describe('writeBlock', () => {
  it('clips chunks that cross the block range and skips series left empty', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const s: TestSeries[] = [
        { labels: Labels.fromObject({ a: '1' }), ts: [0, 10, 20, 30, 40], vs: [1, 2, 3, 4, 5] },
        { labels: Labels.fromObject({ a: '2' }), ts: [100, 110], vs: [1, 2] },
      ];
      const meta = await writeBlock(dir, { minTime: 10, maxTime: 40 }, toSeriesChunks(s));
      assert.equal(meta.stats.numSeries, 1);
      assert.equal(meta.stats.numSamples, 3);
      const b = Block.open(`${dir}/${meta.ulid}`);
      const q = b.querier(-1000, 1000);
      assert.deepEqual(readSelect(q, [re('a', '.+')]), [
        { labels: '{a="1"}', ts: [10, 20, 30], vs: [2, 3, 4] },
      ]);
      q.close();
      b.close();
    } finally {
      cleanup();
    }
  });

  it('writes an empty block when no series has samples', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const meta = await writeBlock(
        dir,
        { minTime: 0, maxTime: 10, level: 2, sources: ['01ARZ3NDEKTSV4RRFFQ69G5FAV'] },
        [],
      );
      assert.deepEqual(meta.compaction, { level: 2, sources: ['01ARZ3NDEKTSV4RRFFQ69G5FAV'] });
      const b = Block.open(`${dir}/${meta.ulid}`);
      const q = b.querier(0, 10);
      assert.deepEqual(q.select([re('a', '.*')]), []);
      assert.deepEqual(q.labelNames(), []);
      q.close();
      b.close();
    } finally {
      cleanup();
    }
  });

  it('rejects unsorted series, overlapping chunks and bad ranges, leaving no temp dir', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const a = { labels: Labels.fromObject({ a: '1' }), ts: [1, 2], vs: [1, 1] };
      const b = { labels: Labels.fromObject({ a: '2' }), ts: [1, 2], vs: [1, 1] };
      await assert.rejects(
        writeBlock(dir, { minTime: 0, maxTime: 10 }, toSeriesChunks([b, a])),
        BlockWriteError,
      );
      await assert.rejects(
        writeBlock(dir, { minTime: 0, maxTime: 10 }, toSeriesChunks([a, a])),
        /not sorted/,
      );
      const over = {
        labels: a.labels,
        chunks: [...toSeriesChunks([a])[0].chunks, ...toSeriesChunks([a])[0].chunks],
      };
      await assert.rejects(writeBlock(dir, { minTime: 0, maxTime: 10 }, [over]), /overlaps/);
      await assert.rejects(writeBlock(dir, { minTime: 10, maxTime: 10 }, []), /minTime < maxTime/);
      await assert.rejects(
        writeBlock(dir, { minTime: 0, maxTime: 10 }, [
          { labels: Labels.EMPTY, chunks: toSeriesChunks([a])[0].chunks },
        ]),
        /no labels/,
      );
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      cleanup();
    }
  });
});
