import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WalUsageError } from './errors.js';
import { FRAME_HEADER_SIZE, HEADER_SIZE } from './format.js';
import { Wal } from './wal.js';
import { range, rec, recordingLogger, replayAll, str, tempDir } from './test-util.js';

const keepEven = (r: Uint8Array) => (Number(str(r).slice(4)) % 2 === 0 ? r : null);

/** Writes records [from, to), one segment each, and cuts after the last. */
async function fill(wal: Wal, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    await wal.write([rec(i)]);
    await wal.cut();
  }
}

describe('Wal.checkpoint', () => {
  it('keeps extra records first, then filtered ones, and deletes what it replaced', async (t) => {
    const dir = await tempDir(t);
    const log = recordingLogger();
    const wal = await Wal.open({ dir, logger: log });
    await fill(wal, 0, 6); // segments 0..5 hold rec-0..rec-5; active is 6
    await wal.write([rec(6)]);
    await wal.checkpoint(3, keepEven, [Buffer.from('live-a'), Buffer.from('live-b')]);
    assert.deepEqual(await readdir(dir), [
      '00000004',
      '00000005',
      '00000006',
      'checkpoint.00000003',
    ]);
    assert.deepEqual(await readdir(join(dir, 'checkpoint.00000003')), ['00000000']);
    assert.ok(log.lines.some((l) => l.msg === 'WAL checkpoint written'));
    assert.equal(wal.stats().segments, 3);
    await wal.close();
    const { got, stats } = await replayAll({ dir });
    assert.deepEqual(got, ['live-a', 'live-b', 'rec-0', 'rec-2', 'rec-4', 'rec-5', 'rec-6']);
    assert.equal(stats.corrupted, undefined);
  });

  it('a null filter keeps only extra, without reading the replaced files', async (t) => {
    const dir = await tempDir(t);
    const log = recordingLogger();
    const wal = await Wal.open({ dir, logger: log });
    await fill(wal, 0, 3);
    await wal.checkpoint(0, null, [Buffer.from('snap-1')]);
    await fill(wal, 3, 6); // segments 1..5 (active 6)
    // Damage a replaced segment and the previous checkpoint: read, both would be warned about.
    await writeFile(join(dir, '00000002'), Buffer.alloc(HEADER_SIZE + 64, 0xee));
    await writeFile(join(dir, 'checkpoint.00000000', '00000000'), Buffer.alloc(64, 0xee));
    await wal.write([rec(6)]);
    await wal.checkpoint(4, null, [Buffer.from('snap-2')]);
    assert.deepEqual(await readdir(dir), ['00000005', '00000006', 'checkpoint.00000004']);
    assert.equal(
      log.lines.filter((l) => l.msg.includes('damaged')).length,
      0,
      'no replaced file was read',
    );
    await wal.close();
    const { got, stats } = await replayAll({ dir });
    assert.deepEqual(got, ['snap-2', 'rec-5', 'rec-6']);
    assert.equal(stats.corrupted, undefined);
  });

  it('a second checkpoint reads the first and replaces it; filters may rewrite', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir });
    await fill(wal, 0, 4);
    await wal.checkpoint(1, keepEven);
    await fill(wal, 4, 6);
    const upper = (r: Uint8Array) => Buffer.from(str(r).toUpperCase());
    await wal.checkpoint(4, upper, [Buffer.from('x')]);
    assert.deepEqual(await readdir(dir), ['00000005', '00000006', 'checkpoint.00000004']);
    await wal.close();
    const { got } = await replayAll({ dir });
    assert.deepEqual(got, ['x', 'REC-0', 'REC-2', 'REC-3', 'REC-4', 'rec-5']);
  });

  it('splits a large checkpoint into several files', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir, segmentSize: 256 });
    for (let i = 0; i < 20; i++) await wal.write([rec(i, 50)]);
    const active = await wal.cut();
    await wal.checkpoint(active - 1, (r) => r);
    const files = await readdir(join(dir, `checkpoint.${String(active - 1).padStart(8, '0')}`));
    assert.ok(files.length > 3, `files: ${files.join(',')}`);
    await wal.close();
    assert.deepEqual((await replayAll({ dir })).got, range(20));
  });

  it('refuses the active segment and segments at or before the last checkpoint', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir });
    await fill(wal, 0, 3);
    await assert.rejects(wal.checkpoint(3, keepEven), WalUsageError);
    await assert.rejects(
      wal.checkpoint(1.5, keepEven),
      /segment 1.5, want one before the active segment 3/,
    );
    await wal.checkpoint(1, keepEven);
    await assert.rejects(wal.checkpoint(1, keepEven), /want one after the last checkpoint 1/);
    await wal.close();
    await assert.rejects(wal.checkpoint(2, keepEven), /it is closed/);
  });

  it('open cleans up after a crash mid-checkpoint', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir });
    await fill(wal, 0, 4);
    await wal.checkpoint(1, keepEven);
    await wal.close();
    // Crash leftovers: an unfinished tmp dir, an older checkpoint, and a covered segment that
    // the crash kept from being deleted.
    await mkdir(join(dir, 'checkpoint.00000003.tmp'));
    await writeFile(join(dir, 'checkpoint.00000003.tmp', '00000000'), 'partial');
    await mkdir(join(dir, 'checkpoint.00000000'));
    await writeFile(join(dir, '00000001'), 'covered by the checkpoint; never read');
    const { got, stats } = await replayAll({ dir });
    assert.deepEqual(got, ['rec-0', 'rec-2', 'rec-3']);
    assert.equal(stats.corrupted, undefined);
    assert.deepEqual(await readdir(dir), [
      '00000002',
      '00000003',
      '00000004',
      '00000005',
      'checkpoint.00000001',
    ]);
  });

  it('a damaged checkpoint keeps its valid prefix and replays the segments after it', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir });
    await fill(wal, 0, 4);
    await wal.checkpoint(2, (r) => r);
    await wal.close();
    const file = join(dir, 'checkpoint.00000002', '00000000');
    const b = await readFile(file);
    b[HEADER_SIZE + (FRAME_HEADER_SIZE + 5) + FRAME_HEADER_SIZE] ^= 1; // payload of rec-1
    await writeFile(file, b);
    const log = recordingLogger();
    const { got, stats } = await replayAll({ dir, logger: log });
    assert.deepEqual(got, ['rec-0', 'rec-3']);
    assert.equal(stats.corrupted?.checkpoint, true);
    assert.equal(stats.corrupted?.segment, 2);
    assert.equal(stats.corrupted?.offset, HEADER_SIZE + FRAME_HEADER_SIZE + 5);
    assert.equal(stats.corrupted?.droppedBytes, 2 * (FRAME_HEADER_SIZE + 5));
    assert.ok(log.lines.some((l) => l.msg.startsWith('WAL checkpoint is damaged')));
    // The next checkpoint carries the valid prefix forward.
    const wal2 = await Wal.open({ dir });
    await wal2.replay(() => {});
    await wal2.checkpoint(wal2.activeSegment - 1, (r) => r);
    await wal2.close();
    const again = await replayAll({ dir });
    assert.deepEqual(again.got, ['rec-0', 'rec-3']);
    assert.equal(again.stats.corrupted, undefined);
  });

  it('an unreadable checkpoint is logged and skipped', async (t) => {
    const dir = await tempDir(t);
    const wal = await Wal.open({ dir });
    await fill(wal, 0, 3);
    await wal.checkpoint(1, (r) => r);
    await wal.close();
    await rm(join(dir, 'checkpoint.00000001'), { recursive: true });
    await writeFile(join(dir, 'checkpoint.00000001'), 'a file, not a dir');
    const log = recordingLogger();
    const { got, stats } = await replayAll({ dir, logger: log });
    assert.deepEqual(got, ['rec-2']);
    assert.equal(stats.corrupted?.checkpoint, true);
    assert.ok(log.lines.some((l) => l.msg.startsWith('cannot read WAL checkpoint')));
  });
});
