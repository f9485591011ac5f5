import assert from 'node:assert/strict';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, staleNaN } from '../model/index.js';
import { StorageUnavailableError } from '../storage/index.js';
import { loadHeadChunks } from './headchunks/index.js';
import { Tsdb } from './tsdb.js';
import { fill, HOUR, ls, readAll, recordingLogger, tempTsdb } from './tsdb-test-helpers.js';

/** Start of a 2 h block window in the past: test data never crosses a block boundary. */
const T0 = Math.floor((Date.now() - 4 * HOUR) / (2 * HOUR)) * 2 * HOUR;

async function chunkFiles(dir: string): Promise<string[]> {
  const d = path.join(dir, 'default', 'chunks_head');
  return (await readdir(d)).sort().map((n) => path.join(d, n));
}

/** Appends one sample per series of `name` at `t`, in one commit. */
async function step(db: Tsdb, name: string, series: number, t: number): Promise<void> {
  const app = db.appender(DEFAULT_TENANT);
  for (let i = 0; i < series; i++) app.append(0, ls({ __name__: name, i: String(i) }), t, t + i);
  await app.commit();
}

describe('Tsdb head chunks', () => {
  it('restores identical data from chunk files, and from the WAL alone when they are damaged', async () => {
    const h = await tempTsdb({}, { headChunkFileSize: 4096 });
    try {
      await fill(h.db, { series: 30, steps: 400, t0: T0, step: 10_000 });
      const app = h.db.appender(DEFAULT_TENANT);
      app.append(0, ls({ __name__: 'm', i: '0' }), T0 + 400 * 10_000, staleNaN);
      await app.commit();
      const before = readAll(h.db);
      assert.equal(before.length, 30);

      const db2 = await h.reopen();
      assert.deepEqual(readAll(db2), before);
      const st = db2.stats().tenants[0];
      // 400 samples: 3 closed chunks per series, and the open one as a partial of 40 samples.
      assert.equal(st.headChunksLoaded, 30 * 4);
      assert.equal(st.replaySamplesInChunks, 30 * 400);
      assert.equal(st.replayedSamples, 1);
      assert.ok(st.headChunkFiles > 2, `files ${st.headChunkFiles}`);

      // Damage: a bit flip in one file, a torn tail in another, a missing third one.
      await h.db.close();
      const files = await chunkFiles(h.dir);
      assert.ok(files.length >= 4, files.join(','));
      const b = await readFile(files[0]);
      b[b.length >> 1] ^= 0x20;
      await writeFile(files[0], b);
      const last = files[files.length - 1];
      await writeFile(last, (await readFile(last)).subarray(0, (await stat(last)).size - 7));
      await rm(files[2]);
      const log = recordingLogger();
      const dbDamaged = new Tsdb({ dir: h.dir, config: h.config, logger: log });
      await dbDamaged.open();
      try {
        assert.deepEqual(readAll(dbDamaged), before);
        const sd = dbDamaged.stats().tenants[0];
        assert.ok(sd.headChunksLoaded < 30 * 4, `loaded ${sd.headChunksLoaded}`);
        assert.equal(sd.replayedSamples + sd.replaySamplesInChunks, 30 * 400 + 1);
        assert.ok(log.entries.some((e) => e.level === 'warn' && /damaged/.test(e.msg)));
      } finally {
        await dbDamaged.close();
      }

      // No chunk files at all.
      await rm(path.join(h.dir, 'default', 'chunks_head'), { recursive: true });
      const db3 = await h.reopen();
      assert.deepEqual(readAll(db3), before);
      assert.equal(db3.stats().tenants[0].headChunksLoaded, 0);
      // Replay wrote the chunks it closed (not partials: the WAL has those samples anyway), so
      // the next open uses them again.
      const db4 = await h.reopen();
      assert.deepEqual(readAll(db4), before);
      assert.equal(db4.stats().tenants[0].headChunksLoaded, 30 * 3);

      // Head chunks off: the WAL alone gives the same data, and the files are left alone.
      await h.db.close();
      const names = await chunkFiles(h.dir);
      const off = new Tsdb({
        dir: h.dir,
        config: h.config,
        logger: recordingLogger(),
        headChunks: false,
      });
      await off.open();
      try {
        assert.deepEqual(readAll(off), before);
        assert.equal(off.stats().tenants[0].headChunksLoaded, 0);
        assert.equal(off.stats().tenants[0].replayedSamples, 30 * 400 + 1);
        await fill(off, { series: 1, steps: 200, t0: T0 + 401 * 10_000, step: 10_000, name: 'x' });
      } finally {
        await off.close();
      }
      assert.deepEqual(await chunkFiles(h.dir), names);
    } finally {
      await h.cleanup();
    }
  });

  it('continues chunk chains across restarts, and answers duplicates of loaded samples', async () => {
    const h = await tempTsdb({}, { headChunkFileSize: 2048 });
    try {
      await fill(h.db, { series: 5, steps: 250, t0: T0, step: 1000 });
      let db = await h.reopen();
      await fill(db, { series: 5, steps: 250, t0: T0 + 250_000, step: 1000 });
      // Retried samples already in loaded chunks are duplicates, a changed value is not.
      const retry = db.appender(DEFAULT_TENANT);
      retry.append(0, ls({ __name__: 'm', i: '1' }), T0 + 5000, 5 * 1000 + 1);
      assert.equal((await retry.commit()).duplicates, 1);
      const bad = db.appender(DEFAULT_TENANT);
      assert.throws(() => bad.append(0, ls({ __name__: 'm', i: '1' }), T0 + 5000, -1));
      bad.rollback();
      const before = readAll(db);
      db = await h.reopen();
      assert.deepEqual(readAll(db), before);
      const st = db.stats().tenants[0];
      // 500 samples per series: 4 closed chunks from the files, 20 samples re-encoded.
      assert.equal(st.headChunksLoaded, 5 * 4);
      assert.equal(st.replayedSamples, 5 * 20);
      assert.equal(before[0].ts.length, 500);
    } finally {
      await h.cleanup();
    }
  });

  it('persists a commit’s closed chunks only after its WAL write, in commit order', async () => {
    const h = await tempTsdb();
    try {
      await fill(h.db, { series: 5, steps: 120, t0: T0, step: 1000, name: 'a' });
      await fill(h.db, { series: 5, steps: 120, t0: T0, step: 1000, name: 'b' });
      const tdb = h.db.tenantDb(DEFAULT_TENANT)!;
      const writer = tdb.chunkWriter!;
      await writer.flush();
      const w0 = writer.chunksWritten;
      assert.equal(w0, 10 * 3); // 120 samples: every chunk still open, partials at 40, 80, 120
      // Gate the first WAL write; later ones go through.
      const wal = tdb.openWal!;
      const write = wal.write.bind(wal);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let calls = 0;
      wal.write = async (recs) => {
        if (calls++ === 0) await gate;
        return write(recs);
      };
      const a = step(h.db, 'a', 5, T0 + 120_000); // closes the 5 'a' chunks
      const b = step(h.db, 'b', 5, T0 + 120_000); // closes the 5 'b' chunks
      await b; // durable, but queued behind a
      // The closed chunks are in the head (queries see them) but not in the files.
      assert.equal(readAll(h.db)[0].ts.length, 121);
      await writer.flush();
      assert.equal(writer.chunksWritten, w0);
      release();
      await a;
      await writer.flush();
      assert.equal(writer.chunksWritten, w0 + 10);
      wal.write = write;
      const res = await loadHeadChunks(
        path.join(h.dir, 'default', 'chunks_head'),
        0,
        recordingLogger(),
      );
      assert.equal(res.chains.size, 10);

      // A failed WAL write: its chunks are never persisted, nor any later ones.
      await fill(h.db, { series: 5, steps: 118, t0: T0 + 121_000, step: 1000, name: 'a' });
      await writer.flush();
      const w1 = writer.chunksWritten;
      assert.equal(w1, w0 + 10 + 5 * 2); // partials at 40 and 80 samples
      wal.write = () => Promise.reject(new Error('disk on fire'));
      // Reaches 120 samples (a partial) and then closes the chunks: neither is written.
      await assert.rejects(step(h.db, 'a', 5, T0 + 239_000), StorageUnavailableError);
      await assert.rejects(step(h.db, 'a', 5, T0 + 240_000), StorageUnavailableError);
      await writer.flush();
      assert.equal(writer.chunksWritten, w1);
      wal.write = write;
    } finally {
      await h.cleanup();
    }
  });

  it('continues open chunks from partial records across restarts', async () => {
    const h = await tempTsdb();
    try {
      // 170 samples: a closed chunk and an open one of 50 (a partial at 40).
      await fill(h.db, { series: 4, steps: 170, t0: T0, step: 1000 });
      const before = readAll(h.db);
      let db = await h.reopen();
      assert.deepEqual(readAll(db), before);
      let st = db.stats().tenants[0];
      assert.equal(st.headChunksLoaded, 4 * 2);
      assert.equal(st.replaySamplesInChunks, 4 * 160);
      assert.equal(st.replayedSamples, 4 * 10);
      // The resumed chunk keeps growing (partial at 80) ...
      await fill(db, { series: 4, steps: 30, t0: T0 + 170_000, step: 1000 });
      const before2 = readAll(db);
      db = await h.reopen();
      assert.deepEqual(readAll(db), before2);
      st = db.stats().tenants[0];
      assert.equal(st.replayedSamples, 0);
      assert.equal(st.headChunks, 4 * 2);
      // ... and closes at 120 samples; its closed record replaces the partials.
      await fill(db, { series: 4, steps: 50, t0: T0 + 200_000, step: 1000 });
      const before3 = readAll(db);
      db = await h.reopen();
      assert.deepEqual(readAll(db), before3);
      st = db.stats().tenants[0];
      assert.equal(st.headChunksLoaded, 4 * 2);
      assert.equal(st.replayedSamples, 4 * 10);
      await fill(db, { series: 4, steps: 40, t0: T0 + 250_000, step: 1000 });
      const before4 = readAll(db);
      await h.db.close();
      // The same data from the WAL alone.
      const off = new Tsdb({
        dir: h.dir,
        config: h.config,
        logger: recordingLogger(),
        headChunks: false,
      });
      await off.open();
      try {
        assert.deepEqual(readAll(off), before4);
      } finally {
        await off.close();
      }
    } finally {
      await h.cleanup();
    }
  });

  it('persists a partial only after the WAL write of the commit that reached it', async () => {
    const h = await tempTsdb();
    try {
      await fill(h.db, { series: 3, steps: 39, t0: T0, step: 1000 });
      const tdb = h.db.tenantDb(DEFAULT_TENANT)!;
      const writer = tdb.chunkWriter!;
      await writer.flush();
      assert.equal(writer.chunksWritten, 0);
      const wal = tdb.openWal!;
      const write = wal.write.bind(wal);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      wal.write = async (recs) => {
        await gate;
        return write(recs);
      };
      const p = step(h.db, 'm', 3, T0 + 39_000); // the 40th sample: a partial per series
      await new Promise((r) => setTimeout(r, 20));
      await writer.flush();
      assert.equal(writer.chunksWritten, 0);
      release();
      await p;
      await writer.flush();
      assert.equal(writer.chunksWritten, 3);
      wal.write = write;
    } finally {
      await h.cleanup();
    }
  });

  it('deletes chunk files made obsolete by a head block cut', async () => {
    const T = Math.floor((Date.now() - 30 * HOUR) / (9 * HOUR)) * 9 * HOUR;
    const h = await tempTsdb(
      { block_duration: HOUR },
      { now: () => T + 20 * HOUR, headChunkFileSize: 2048 },
    );
    try {
      await fill(h.db, { series: 10, steps: 540, t0: T, step: 20_000 });
      const tdb = h.db.tenantDb(DEFAULT_TENANT)!;
      await tdb.chunkWriter!.flush();
      const dir = path.join(h.dir, 'default', 'chunks_head');
      const maxTs = async () =>
        (await loadHeadChunks(dir, -Infinity, recordingLogger())).files.map((f) => f.maxT);
      const beforeFiles = await maxTs();
      assert.ok(beforeFiles.some((t) => t < T + 2 * HOUR));
      const before = readAll(h.db);
      await h.db.compactNow();
      assert.equal(tdb.blocks.length, 2);
      const afterFiles = await maxTs();
      assert.ok(afterFiles.length < beforeFiles.length);
      for (const t of afterFiles) assert.ok(t >= T + 2 * HOUR, `file with maxT ${t - T}`);
      const db2 = await h.reopen();
      assert.deepEqual(readAll(db2), before);
      assert.ok(db2.stats().tenants[0].headChunksLoaded > 0);
    } finally {
      await h.cleanup();
    }
  });
});
