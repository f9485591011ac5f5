import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Matcher } from '../model/index.js';
import { TooOldSampleError } from '../storage/index.js';
import { Block } from './block/index.js';
import { fill, HOUR, ls, readAll, recordingLogger, tempTsdb } from './tsdb-test-helpers.js';
import { Tsdb } from './tsdb.js';

// Aligned to 9 h so the leveled planner's 3 h and 9 h ranges line up with the data.
const T0 = Math.floor((Date.now() - 30 * HOUR) / (9 * HOUR)) * 9 * HOUR;
const MIN = 60_000;
const now = () => T0 + 20 * HOUR;

describe('Tsdb head compaction', () => {
  it('runs a first pass soon after open, not a whole interval later', async () => {
    const h = await tempTsdb({ block_duration: HOUR }, { now });
    try {
      await fill(h.db, { series: 5, steps: 180, t0: T0, step: MIN });
      await h.db.close();
      const db = new Tsdb({
        dir: h.dir,
        config: h.config,
        logger: recordingLogger(),
        now,
        compactionIntervalMs: 3_600_000,
      });
      h.db = db;
      await db.open();
      assert.equal(db.tenantDb(DEFAULT_TENANT)!.blocks.length, 0);
      const deadline = Date.now() + 20_000;
      while (!db.lastCompaction.has(DEFAULT_TENANT) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(db.tenantDb(DEFAULT_TENANT)!.blocks.length, 2);
    } finally {
      await h.cleanup();
    }
  });

  it('cuts the head into blocks, keeps every sample queryable and survives a restart', async () => {
    const h = await tempTsdb({ block_duration: HOUR }, { now });
    try {
      await fill(h.db, { series: 20, steps: 180, t0: T0, step: MIN });
      const before = readAll(h.db);
      await h.db.compactNow();
      const tdb = h.db.tenantDb(DEFAULT_TENANT)!;
      assert.deepEqual(
        tdb.blocks.map((b) => [b.meta.minTime - T0, b.meta.maxTime - T0]),
        [
          [0, HOUR],
          [HOUR, 2 * HOUR],
        ],
      );
      assert.equal(tdb.blocks[0].meta.stats.numSamples, 20 * 60);
      assert.equal(h.db.stats().tenants[0].headMinTime, T0 + 2 * HOUR);
      assert.deepEqual(readAll(h.db), before);
      // A range spanning block and head; one inside a block only.
      const mid = readAll(
        h.db,
        [new Matcher('=', 'i', '3')],
        DEFAULT_TENANT,
        T0 + 110 * MIN,
        T0 + 125 * MIN,
      );
      assert.deepEqual(
        mid[0].ts,
        [...Array(16).keys()].map((k) => T0 + (110 + k) * MIN),
      );
      assert.equal(readAll(h.db, undefined, DEFAULT_TENANT, T0, T0 + 5 * MIN)[0].ts.length, 6);
      // The WAL was checkpointed: no segment before the cut is left.
      const wal = await readdir(path.join(h.dir, 'default', 'wal'));
      assert.ok(
        wal.some((n) => n.startsWith('checkpoint.')),
        `checkpoint in ${wal.join(',')}`,
      );
      // The persisted window is closed to appends.
      const app = h.db.appender(DEFAULT_TENANT);
      assert.throws(
        () => app.append(0, ls({ __name__: 'late' }), T0 + 90 * MIN, 1),
        TooOldSampleError,
      );
      app.rollback();
      // Restart: blocks + checkpoint + later segments give back exactly the same data.
      const db2 = await h.reopen();
      assert.deepEqual(readAll(db2), before);
      assert.equal(db2.tenantDb(DEFAULT_TENANT)!.blocks.length, 2);
      const app2 = db2.appender(DEFAULT_TENANT);
      assert.throws(() => app2.append(0, ls({ __name__: 'm', i: '0' }), T0 + 100 * MIN, 1));
      app2.rollback();
    } finally {
      await h.cleanup();
    }
  });

  it('garbage-collects series without data left in the head', async () => {
    const h = await tempTsdb({ block_duration: HOUR }, { now });
    try {
      await fill(h.db, { series: 5, steps: 30, t0: T0, step: MIN, name: 'gone' });
      await fill(h.db, { series: 5, steps: 150, t0: T0 + 30 * MIN, step: MIN, name: 'stays' });
      const rolledBack = h.db.appender(DEFAULT_TENANT);
      rolledBack.append(0, ls({ __name__: 'never' }), T0 + 179 * MIN, 1);
      rolledBack.rollback();
      assert.equal(h.db.stats().tenants[0].headSeries, 11);
      await h.db.compactNow();
      const st = h.db.stats().tenants[0];
      assert.equal(st.headSeries, 5);
      assert.equal(st.seriesRemoved, 6);
      assert.equal(
        readAll(h.db, [new Matcher('=', '__name__', 'gone')]).length,
        5,
        'still in the block',
      );
      const q = h.db.querier(DEFAULT_TENANT, 0, Number.MAX_SAFE_INTEGER);
      assert.deepEqual(q.labelValues('__name__'), ['gone', 'stays']);
      q.close();
      const db2 = await h.reopen();
      assert.equal(db2.stats().tenants[0].headSeries, 5);
      assert.equal(readAll(db2).length, 10);
    } finally {
      await h.cleanup();
    }
  });

  it('merges blocks per the leveled plan and deletes blocks beyond retention', async () => {
    const h = await tempTsdb({ block_duration: HOUR, retention_time: 100 * HOUR }, { now });
    try {
      await fill(h.db, { series: 4, steps: 330, t0: T0, step: MIN });
      const before = readAll(h.db);
      await h.db.compactNow();
      const tdb = h.db.tenantDb(DEFAULT_TENANT)!;
      const spans = tdb.blocks.map((b) => [
        (b.meta.minTime - T0) / HOUR,
        (b.meta.maxTime - T0) / HOUR,
      ]);
      assert.deepEqual(spans, [
        [0, 3],
        [3, 4],
      ]);
      assert.equal(tdb.blocks[0].meta.compaction.level, 2);
      assert.deepEqual(readAll(h.db), before);
      const dirs = (await readdir(path.join(h.dir, 'default'))).filter((n) =>
        /^[0-9A-Z]{26}$/.test(n),
      );
      assert.equal(dirs.length, 2, 'merged inputs deleted');
      // Retention: 2 h behind the newest sample drops the 0–3 h block.
      h.db.applyConfig({ ...h.config, block_duration: HOUR, retention_time: 2 * HOUR });
      await h.db.compactNow();
      assert.deepEqual(
        tdb.blocks.map((b) => (b.meta.minTime - T0) / HOUR),
        [3],
      );
      assert.equal(readAll(h.db, undefined, DEFAULT_TENANT, T0, T0 + 3 * HOUR - 1).length, 0);
      assert.ok(h.db.stats().compactions >= 2);
    } finally {
      await h.cleanup();
    }
  });

  it('snapshots blocks and the head as blocks', async () => {
    const h = await tempTsdb({ block_duration: HOUR }, { now });
    try {
      await fill(h.db, { series: 3, steps: 120, t0: T0, step: MIN });
      await h.db.compactNow();
      const name = await h.db.snapshot(true);
      const dir = path.join(h.dir, 'snapshots', name, 'default');
      const blocks = (await readdir(dir)).map((n) => Block.open(path.join(dir, n)));
      const total = blocks.reduce((n, b) => n + b.meta.stats.numSamples, 0);
      for (const b of blocks) b.close();
      assert.equal(total, 3 * 120);
      assert.equal(blocks.length, 2);
      const noHead = await h.db.snapshot(false);
      assert.equal((await readdir(path.join(h.dir, 'snapshots', noHead, 'default'))).length, 1);
    } finally {
      await h.cleanup();
    }
  });
});
