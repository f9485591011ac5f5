import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WalUsageError, WalWriteError } from './errors.js';
import { HEADER_SIZE, MAX_RECORD_SIZE } from './format.js';
import { Wal } from './index.js';
import { range, rec, recordingLogger, replayAll, str, tempDir } from './test-util.js';

describe('Wal', () => {
  for (const fsync of ['batch', 'always', 'none'] as const) {
    it(`writes and replays records in order (fsync=${fsync})`, async (t) => {
      const dir = await tempDir(t);
      const wal = await Wal.open({ dir, fsync });
      await wal.write([rec(0)]);
      await wal.write([rec(1), rec(2), rec(3)]);
      await wal.close();
      const { got, stats } = await replayAll({ dir });
      assert.deepEqual(got, range(4));
      assert.equal(stats.records, 4);
      assert.equal(stats.bytes, 4 * 5);
      assert.equal(stats.corrupted, undefined);
    });
  }

  it('starts a new segment on each open and replays across them', async (t) => {
    const dir = await tempDir(t);
    for (let i = 0; i < 3; i++) {
      const wal = await Wal.open({ dir });
      assert.equal(wal.activeSegment, i);
      await wal.write([rec(i)]);
      await wal.close();
    }
    assert.deepEqual(await readdir(dir), ['00000000', '00000001', '00000002']);
    const progress: { segment: number; of: number }[] = [];
    const wal = await Wal.open({ dir });
    const got: string[] = [];
    await wal.replay(
      (r) => got.push(str(r)),
      (p) => progress.push(p),
    );
    await wal.close();
    assert.deepEqual(got, range(3));
    assert.deepEqual(
      progress,
      [0, 1, 2, 3].map((segment) => ({ segment, of: 3 })),
    );
  });

  it('cuts segments before a batch would exceed segmentSize; a record never spans files', async (t) => {
    const dir = await tempDir(t);
    // Each frame is 9 + 5 + 100 = 114 bytes: two fit after the 8-byte header in 300 bytes.
    const wal = await Wal.open({ dir, segmentSize: 300 });
    for (let i = 0; i < 5; i++) await wal.write([rec(i, 100)]);
    assert.equal(wal.activeSegment, 2);
    await wal.write([rec(5, 1000)]); // larger than a segment: gets one of its own
    await wal.write([rec(6, 100)]);
    await wal.close();
    const sizes = await Promise.all(
      (await readdir(dir)).map(async (n) => (await stat(join(dir, n))).size),
    );
    assert.deepEqual(sizes, [236, 236, 122, 1022, 122]);
    const { got } = await replayAll({ dir });
    assert.deepEqual(got, range(7));
  });

  it('cut() is ordered after earlier writes and returns the new index', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir });
    const w = wal.write([rec(0)]);
    const c = wal.cut();
    const w2 = wal.write([rec(1)]);
    assert.equal(await c, 1);
    await Promise.all([w, w2]);
    await wal.close();
    assert.equal((await stat(join(dir, '00000000'))).size, HEADER_SIZE + 9 + 5);
    assert.equal((await stat(join(dir, '00000001'))).size, HEADER_SIZE + 9 + 5);
  });

  it('copies records at write(), so callers may reuse their buffers', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir });
    const buf = Buffer.from('rec-0');
    const p = wal.write([buf]);
    buf.write('XXXXX');
    await p;
    await wal.close();
    assert.deepEqual((await replayAll({ dir })).got, ['rec-0']);
  });

  it('rejects invalid writes with WalWriteError and keeps working', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir });
    await assert.rejects(wal.write([]), WalWriteError);
    await assert.rejects(wal.write([new Uint8Array(0)]), /record 0: record is empty/);
    const big = { length: MAX_RECORD_SIZE + 1 } as unknown as Uint8Array;
    Object.setPrototypeOf(big, Uint8Array.prototype);
    await assert.rejects(wal.write([rec(0), big]), /record 1: record is .* bytes, want at most/);
    await wal.write([rec(0)]);
    await wal.close();
    await assert.rejects(wal.write([rec(1)]), /WAL: it is closed/);
    await assert.rejects(wal.cut(), /WAL is closed/);
    assert.deepEqual((await replayAll({ dir })).got, ['rec-0']);
  });

  it('validates options', async (t) => {
    const dir = await tempDir(t);
    await assert.rejects(Wal.open({ dir, segmentSize: 10 }), WalUsageError);
    await assert.rejects(Wal.open({ dir, fsync: 'sometimes' as 'none' }), /fsync mode "sometimes"/);
    await assert.rejects(Wal.open({ dir, fsyncDelayMs: -1 }), /fsyncDelayMs -1/);
  });

  it('reports stats', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir, fsync: 'always' });
    await wal.write([rec(0)]);
    await wal.write([rec(1)]);
    const s = wal.stats();
    assert.equal(s.segments, 1);
    assert.equal(s.bytes, HEADER_SIZE + 2 * 14);
    assert.equal(s.writes, 2);
    assert.equal(s.fsyncs, 2);
    assert.ok(s.lastFsyncMs >= 0);
    await wal.close();
  });

  it('close() finishes pending writes and is idempotent', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir, fsyncDelayMs: 20 });
    const pending = [0, 1, 2].map((i) => wal.write([rec(i)]));
    const c1 = wal.close();
    const c2 = wal.close();
    assert.equal(c1, c2);
    await Promise.all([...pending, c1]);
    assert.deepEqual((await replayAll({ dir })).got, range(3));
  });

  it('an exception from the replay callback propagates', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir });
    for (let i = 0; i < 3; i++) {
      await wal.write([rec(i)]);
      await wal.cut();
    }
    let seen = 0;
    await assert.rejects(
      wal.replay(() => {
        if (++seen === 2) throw new Error('boom');
      }),
      /boom/,
    );
    await wal.write([rec(3)]);
    await wal.close();
    assert.deepEqual((await replayAll({ dir })).got, range(4));
  });

  it('logs replay progress', async (t) => {
    const dir = await tempDir(t);
    const log = recordingLogger();
    const wal = await Wal.open({ dir, logger: log });
    await wal.write([rec(0)]);
    await wal.close();
    const wal2 = await Wal.open({ dir, logger: log });
    await wal2.replay(() => {});
    await wal2.close();
    assert.ok(
      log.lines.some(
        (l) => l.msg === 'WAL replayed' && (l.obj as { records: number }).records === 1,
      ),
    );
  });
});
