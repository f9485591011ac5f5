import assert from 'node:assert/strict';
import type { FileHandle } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { WalWriteError } from './errors.js';
import { Wal } from './wal.js';
import { range, rec, replayAll, tempDir } from './test-util.js';

/** Starts `n` writes at once; returns the order in which they resolved. */
async function burst(wal: Wal, n: number, pad = 0, from = 0): Promise<number[]> {
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      wal.write([rec(from + i, pad)]).then(() => order.push(from + i)),
    ),
  );
  return order;
}

describe('Wal concurrency', () => {
  it('batch: concurrent writes resolve in order and share fsyncs', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir, fsync: 'batch', fsyncDelayMs: 2 });
    const order = await burst(wal, 300);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
    const s = wal.stats();
    assert.equal(s.writes, 300);
    assert.ok(s.fsyncs >= 1 && s.fsyncs < s.writes, `fsyncs ${s.fsyncs} for ${s.writes} writes`);
    await wal.close();
    assert.deepEqual((await replayAll({ dir })).got, range(300));
  });

  it('batch with fsyncDelayMs=0 still coalesces writers queued during an fsync', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir, fsync: 'batch', fsyncDelayMs: 0 });
    await burst(wal, 100);
    const s = wal.stats();
    assert.ok(s.fsyncs < s.writes, `fsyncs ${s.fsyncs} for ${s.writes} writes`);
    await wal.close();
  });

  it('always: one fsync per write, in order', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir, fsync: 'always' });
    const order = await burst(wal, 30);
    assert.deepEqual(
      order,
      range(30).map((_, i) => i),
    );
    assert.equal(wal.stats().fsyncs, 30);
    await wal.close();
    assert.deepEqual((await replayAll({ dir })).got, range(30));
  });

  it('none: no fsync, in order', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir, fsync: 'none' });
    const order = await burst(wal, 100);
    assert.deepEqual(
      order,
      range(100).map((_, i) => i),
    );
    assert.equal(wal.stats().fsyncs, 0);
    await wal.close();
    assert.deepEqual((await replayAll({ dir })).got, range(100));
  });

  it('a flush of more buffers than IOV_MAX (1024) writes them all', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir, fsync: 'batch' });
    const order = await burst(wal, 3000);
    assert.equal(order.length, 3000);
    assert.ok(wal.stats().fsyncs < 10);
    await wal.close();
    assert.deepEqual((await replayAll({ dir })).got, range(3000));
  });

  it('concurrent writes across many segment cuts stay in order', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir, segmentSize: 1024 });
    const cuts = [wal.cut()];
    const order = await burst(wal, 200, 100);
    cuts.push(wal.cut());
    assert.deepEqual(await Promise.all(cuts), [1, wal.activeSegment]);
    assert.deepEqual(
      order,
      range(200).map((_, i) => i),
    );
    assert.ok(wal.stats().segments > 20);
    await wal.close();
    assert.deepEqual((await replayAll({ dir })).got, range(200));
  });

  it('close() with pending writes flushes them all', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir, fsyncDelayMs: 50 });
    const writes = Array.from({ length: 50 }, (_, i) => wal.write([rec(i)]));
    await wal.close();
    await Promise.all(writes);
    assert.deepEqual((await replayAll({ dir })).got, range(50));
  });

  it('an I/O error rejects the affected writes and every later one, with the cause', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir });
    await wal.write([rec(0)]);
    // Pull the file out from under the writer: the next writev fails with EBADF.
    await (wal as unknown as { fh: FileHandle }).fh.close();
    const results = await Promise.allSettled([wal.write([rec(1)]), wal.write([rec(2)])]);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok(r.reason instanceof WalWriteError);
      assert.match(r.reason.message, /cannot write WAL segment 00000000/);
      assert.ok(r.reason.cause instanceof Error);
    }
    await assert.rejects(wal.write([rec(3)]), (err: WalWriteError) => {
      assert.match(err.message, /^cannot write WAL: cannot write WAL segment 00000000/);
      return true;
    });
    await assert.rejects(wal.cut(), WalWriteError);
    await wal.close(); // no sync after a failure; closing the dead handle is harmless
    assert.deepEqual((await replayAll({ dir })).got, ['rec-0']);
  });
});
