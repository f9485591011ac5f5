import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Labels, staleNaN } from '../model/index.js';
import { Wal, encodeMetadata, encodeSamples, encodeSeries } from './wal/index.js';
import { HOUR, readAll, recordingLogger, tempTsdb } from './tsdb-test-helpers.js';
import { ReplayWindow } from './head-replay.js';

const T0 = Date.now() - HOUR;

describe('WAL replay into the head', () => {
  it('maps a series logged under two refs to one series, skips unknown refs, bad records and out-of-order samples', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'argus-replay-'));
    try {
      const wal = await Wal.open({ dir: path.join(dir, 'default', 'wal'), fsync: 'none' });
      const a = Labels.fromObject({ __name__: 'a' });
      const b = Labels.fromObject({ __name__: 'b' });
      const vs = new Float64Array([1, 2, 0]);
      vs[2] = staleNaN; // not in the literal: V8 canonicalises NaNs in array literals
      await wal.write([
        encodeSeries([
          { ref: 1, labels: a },
          { ref: 2, labels: b },
        ]),
      ]);
      await wal.write([encodeSamples([1, 2, 1], [T0, T0, T0 + 1], vs, 3)]);
      await wal.write([encodeSeries([{ ref: 7, labels: a }])]); // same labels, new ref
      await wal.write([encodeSamples([7, 7, 9], [T0 + 1, T0 + 2, T0], [5, 6, 7], 3)]); // dup t, ok, unknown
      await wal.write([new Uint8Array([99, 1, 2])]); // unknown record type
      await wal.write([new Uint8Array([2, 200])]); // truncated samples record
      await wal.write([encodeMetadata([{ metric: 'a', type: 'counter', help: 'A.', unit: '' }])]);
      await wal.close();
      const log = recordingLogger();
      const h = await tempTsdb({}, { dir, logger: log });
      try {
        const got = readAll(h.db);
        assert.deepEqual(got, [
          { labels: '{__name__="a"}', ts: [T0, T0 + 1, T0 + 2], vs: [1, 'stale', 6] },
          { labels: '{__name__="b"}', ts: [T0], vs: [2] },
        ]);
        const tdb = h.db.tenantDb(DEFAULT_TENANT)!;
        assert.equal(tdb.replay!.series, 2);
        assert.equal(tdb.replay!.samples, 4);
        assert.equal(tdb.replay!.skippedSamples, 1);
        assert.equal(tdb.replay!.unknownRefSamples, 1);
        assert.equal(tdb.replay!.badRecords, 2);
        assert.equal(h.db.getMetadata(DEFAULT_TENANT, 'a').get('a')?.type, 'counter');
        assert.ok(
          log.entries.some((e) => e.msg === 'head restored from WAL'),
          JSON.stringify(log.entries.map((e) => e.msg)),
        );
        // New series get refs above the highest logged one.
        const app = h.db.appender(DEFAULT_TENANT);
        assert.ok(app.append(0, Labels.fromObject({ __name__: 'c' }), T0 + 5, 1) > 7);
        assert.equal(app.append(0, a, T0 + 5, 1), 1);
        await app.commit();
      } finally {
        await h.cleanup();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ReplayWindow', () => {
  const rec = (refs: number[], ts: number[]) =>
    encodeSamples(
      refs,
      ts,
      Float64Array.from(ts, (t) => t / 10),
      refs.length,
    );
  const run = (size: number, recs: Uint8Array[], skip?: (r: number, t: number) => boolean) => {
    const out: [number, number][] = [];
    const w = new ReplayWindow((r, t) => void out.push([r, t]), skip ?? null, size);
    for (const r of recs) w.add(r);
    w.flush();
    return { out, skipped: w.skipped };
  };

  it('applies samples grouped by ref, each ref in log order, for dense, sparse and huge refs', () => {
    const recs = [rec([3, 1, 2], [10, 10, 10]), rec([1, 3], [20, 20]), rec([2], [30])];
    const want = [
      [1, 10],
      [1, 20],
      [2, 10],
      [2, 30],
      [3, 10],
      [3, 20],
    ];
    assert.deepEqual(run(64, recs).out, want); // counting sort
    const sparse = [rec([3e6, 1, 2e6], [10, 10, 10]), rec([1, 3e6], [20, 20])];
    assert.deepEqual(run(64, sparse).out, [
      [1, 10],
      [1, 20],
      [2e6, 10],
      [3e6, 10],
      [3e6, 20],
    ]); // key sort
    const huge = [rec([2 ** 33, 1, 2 ** 32], [10, 10, 10]), rec([1], [20])];
    assert.deepEqual(run(64, huge).out, [
      [2 ** 33, 10],
      [1, 10],
      [2 ** 32, 10],
      [1, 20],
    ]); // log order
    // A small window flushes between records and grows for a record larger than itself.
    assert.deepEqual(run(2, recs).out, [
      [1, 10],
      [2, 10],
      [3, 10],
      [1, 20],
      [2, 30],
      [3, 20],
    ]);
    // Samples the skip function covers are dropped before buffering.
    const r = run(64, recs, (ref, t) => ref === 3 || t === 30);
    assert.deepEqual(r.out, [
      [1, 10],
      [1, 20],
      [2, 10],
    ]);
    assert.equal(r.skipped, 3);
  });
});
