import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, Matcher, staleNaN, isStaleNaN } from '../model/index.js';
import { MAX_SAMPLES_PER_CHUNK } from './chunkenc/index.js';
import { defaultTsdbConfig } from './config.js';
import { Head } from './head.js';
import { HeadQuerier, seriesIterator } from './head-read.js';
import { limitsFromConfig } from './limits.js';

const HOUR = 3_600_000;
const newHead = () => new Head(2 * HOUR, limitsFromConfig(defaultTsdbConfig()));
const ls = (o: Record<string, string>) => Labels.fromObject(o);

function drain(it: { next(): boolean; t: number; v: number }): number[] {
  const out: number[] = [];
  while (it.next()) out.push(it.t);
  return out;
}

describe('Head series', () => {
  it('cuts chunks at 120 samples and at block boundaries', () => {
    const h = newHead();
    const s = h.create(ls({ __name__: 'a' }));
    const t0 = 2 * HOUR * 10; // block-aligned
    for (let i = 0; i < 130; i++) h.append(s, t0 + i * 1000, i);
    assert.equal(s.closed.length, 1);
    assert.equal(s.closed[0].maxT - s.closed[0].minT, (MAX_SAMPLES_PER_CHUNK - 1) * 1000);
    // Crossing the next 2 h boundary starts a new chunk even though the open one is not full.
    h.append(s, t0 + 2 * HOUR, 1);
    assert.equal(s.numChunks, 3);
    assert.equal(h.numChunks, 3);
    assert.equal(s.closed[1].maxT, t0 + 129_000);
    assert.deepEqual(drain(seriesIterator(s, 0, Infinity)).length, 131);
  });

  it('finds stored values by timestamp and truncates whole chunks', () => {
    const h = newHead();
    const s = h.create(ls({ __name__: 'a' }));
    for (let i = 0; i < 300; i++) h.append(s, i * 10, i === 150 ? staleNaN : i);
    assert.equal(s.valueAt(50), 5);
    assert.ok(isStaleNaN(s.valueAt(1500)!));
    assert.equal(s.valueAt(2995), undefined);
    assert.equal(s.valueAt(5), undefined);
    assert.equal(s.truncateBefore(1300), 1); // chunk [0,1190] only
    assert.equal(s.minT, 1200);
    assert.equal(s.truncateBefore(10_000), 2);
    assert.ok(s.empty);
    assert.equal(s.lastT, -1);
  });

  it('keeps colliding hashes apart and removes series cleanly', () => {
    const h = newHead();
    const a = h.create(ls({ __name__: 'a' }));
    const b = h.create(ls({ __name__: 'b' }));
    // Force a collision by hand: move b under a's hash bucket.
    const hb = h as unknown as { byHash: Map<number, unknown>; collisions: Map<number, unknown[]> };
    hb.byHash.delete(b.labels.hash());
    (b.labels as unknown as { hashCache: number }).hashCache = a.labels.hash();
    hb.collisions.set(a.labels.hash(), [b]);
    const fake = ls({ __name__: 'b' });
    (fake as unknown as { hashCache: number }).hashCache = a.labels.hash();
    assert.equal(h.getByLabels(fake), b);
    assert.equal(h.getByLabels(ls({ __name__: 'a' })), a);
    h.markLogged(a);
    h.append(a, 10, 1);
    // b is empty and unlogged: collected; a stays.
    assert.equal(h.gcUncommitted(), 1);
    assert.ok(b.deleted);
    assert.equal(h.getByLabels(fake), undefined);
    assert.equal(h.numSeries, 1);
    h.truncate(100);
    assert.ok(a.deleted);
    assert.equal(h.getByLabels(ls({ __name__: 'a' })), undefined);
    assert.equal(h.maxT, -Infinity);
  });
});

describe('Head querier', () => {
  it('selects through postings, sorted, clipped, and freezes the open chunk per iterator', () => {
    const h = newHead();
    const mk = (o: Record<string, string>) => {
      const s = h.create(ls(o));
      h.markLogged(s);
      return s;
    };
    const b = mk({ __name__: 'up', job: 'b' });
    const a = mk({ __name__: 'up', job: 'a', env: 'prod' });
    mk({ __name__: 'down', job: 'a' });
    for (let i = 0; i < 5; i++) {
      h.append(a, i * 100, i);
      h.append(b, i * 100, i);
    }
    const q = new HeadQuerier(h, 100, 300);
    const got = q.select([new Matcher('=', '__name__', 'up')]);
    assert.deepEqual(
      got.map((s) => s.labels.get('job')),
      ['a', 'b'],
    );
    const it = got[0].iterator();
    h.append(a, 250, 9); // out of the frozen view (and the appender would reject it anyway)
    assert.deepEqual(drain(it), [100, 200, 300]);
    assert.deepEqual(q.labelNames(), ['__name__', 'env', 'job']);
    assert.deepEqual(q.labelNames([new Matcher('=', 'job', 'b')]), ['__name__', 'job']);
    assert.deepEqual(q.labelValues('job'), ['a', 'b']);
    assert.deepEqual(q.labelValues('env', [new Matcher('!=', 'env', '')]), ['prod']);
    // The empty "down" series is indexed but has no samples: omitted.
    assert.deepEqual(q.select([new Matcher('=', '__name__', 'down')]), []);
    const later = new HeadQuerier(h, 10_000, 20_000);
    assert.deepEqual(later.labelNames(), []);
    assert.deepEqual(later.labelValues('job'), []);
    assert.deepEqual(later.select([new Matcher('=~', 'job', '.+')]), []);
  });

  it('seeks within and across chunks, never backwards', () => {
    const h = newHead();
    const s = h.create(ls({ __name__: 'x' }));
    h.markLogged(s);
    for (let i = 0; i < 500; i++) h.append(s, i * 10, i);
    const it = seriesIterator(s, 500, 4000);
    assert.ok(it.seek(0));
    assert.equal(it.t, 500);
    assert.ok(it.seek(2005));
    assert.equal(it.t, 2010);
    assert.ok(it.seek(1000));
    assert.equal(it.t, 2010);
    assert.ok(it.next());
    assert.equal(it.t, 2020);
    assert.equal(it.seek(4001), false);
    assert.equal(it.next(), false);
  });
});

describe('Head series with chunks loaded from head chunk files', () => {
  it('reads, appends after and truncates attached chunks with no open chunk', () => {
    const src = newHead();
    src.trackClosedChunks();
    const a = src.create(ls({ __name__: 'a' }));
    for (let i = 0; i < 250; i++) src.append(a, i * 1000, i === 239 ? staleNaN : i);
    // Two chunks were closed; each links to the one before it.
    const closed = src.takeClosed()!;
    assert.deepEqual(
      closed.map((c) => [c.ref, c.chunk.minT, c.chunk.maxT, c.prevMaxT]),
      [
        [a.ref, 0, 119_000, -1],
        [a.ref, 120_000, 239_000, 119_000],
      ],
    );
    assert.equal(src.takeClosed(), null);

    const h = newHead();
    const s = h.create(ls({ __name__: 'a' }));
    h.attachChunks(s, [closed[0].chunk, closed[1].chunk]);
    assert.equal(h.numChunks, 2);
    assert.deepEqual([h.minT, h.maxT], [0, 239_000]);
    assert.equal(s.lastT, 239_000);
    assert.ok(isStaleNaN(s.lastV));
    assert.equal(s.valueAt(5000), 5);
    assert.equal(drain(seriesIterator(s, 0, Infinity)).length, 240);
    h.append(s, 240_000, 1);
    assert.equal(s.numChunks, 3);
    assert.equal(h.numChunks, 3);
    assert.equal(s.lastV, 1);
    // Untracked head: nothing is collected.
    assert.equal(h.takeClosed(), null);
    const t = newHead().create(ls({ __name__: 't' }));
    assert.equal(t.lastV, 0);
    // Truncation drops attached chunks like any closed chunk.
    assert.equal(h.truncate(120_000).length, 0);
    assert.equal(s.minT, 120_000);
    assert.equal(h.numChunks, 2);
  });
});
