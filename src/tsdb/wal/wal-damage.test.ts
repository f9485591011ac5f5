import assert from 'node:assert/strict';
import {
  appendFile,
  cp,
  mkdir,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FRAME_HEADER_SIZE, HEADER_SIZE } from './format.js';
import { Wal } from './wal.js';
import { range, rec, recordingLogger, replayAll, tempDir } from './test-util.js';

/** Record i is `rec-<i>` + 20 pad bytes: 9 + 25 = 34 bytes framed for i < 10. */
const FRAME = FRAME_HEADER_SIZE + 25;

/**
 * Segment 0: records 0..3 (4 batches of one); segment 1: records 4..5, then 6..8 as one batch.
 * segmentSize fits exactly four frames.
 */
async function build(dir: string): Promise<void> {
  const wal = await Wal.open({ dir, segmentSize: HEADER_SIZE + 4 * FRAME, fsync: 'none' });
  for (let i = 0; i < 6; i++) await wal.write([rec(i, 20)]);
  await wal.write([rec(6, 20), rec(7, 20), rec(8, 20)]); // does not fit segment 1: goes to 2
  await wal.close();
  assert.deepEqual(await readdir(dir), ['00000000', '00000001', '00000002']);
}

async function size(path: string): Promise<number> {
  return (await stat(path)).size;
}

async function flip(path: string, offset: number, mask = 0x10): Promise<void> {
  const b = await readFile(path);
  b[offset] ^= mask;
  await writeFile(path, b);
}

describe('Wal damage handling', () => {
  it('a tail truncated at every byte of the last batch keeps everything before it', async (t) => {
    const base = await tempDir(t);
    await build(join(base, 'orig'));
    const lastStart = HEADER_SIZE; // the 3-record batch starts segment 2
    const end = HEADER_SIZE + 3 * FRAME;
    for (let cut = lastStart + 1; cut < end; cut++) {
      const dir = join(base, `cut-${cut}`);
      await cp(join(base, 'orig'), dir, { recursive: true });
      await truncate(join(dir, '00000002'), cut);
      const log = recordingLogger();
      const { got, stats } = await replayAll({ dir, logger: log });
      assert.deepEqual(got, range(6), `cut at ${cut}`);
      assert.deepEqual(
        { ...stats.corrupted, reason: undefined },
        {
          segment: 2,
          offset: lastStart,
          droppedBytes: cut - lastStart,
          droppedSegments: 0,
          reason: undefined,
        },
      );
      assert.equal(await size(join(dir, '00000002')), lastStart);
      const warn = log.lines.find((l) => l.level === 'warn');
      assert.equal(warn?.msg, 'WAL tail is damaged; truncated it');
      assert.equal((warn?.obj as { droppedBytes: number }).droppedBytes, cut - lastStart);
      await rm(dir, { recursive: true });
    }
  });

  it('keeps working after repair: later writes replay after the kept records', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    await truncate(join(dir, '00000002'), HEADER_SIZE + 2 * FRAME + 3);
    const wal = await Wal.open({ dir });
    await wal.replay(() => {});
    await wal.write([rec(9, 20)]);
    await wal.close();
    const { got, stats } = await replayAll({ dir });
    assert.deepEqual(got, [...range(6), 'rec-9']);
    assert.equal(stats.corrupted, undefined);
  });

  const flips: [string, string, number][] = [
    ['segment magic', '00000001', 0],
    ['segment version', '00000001', 4],
    ['frame checksum', '00000001', HEADER_SIZE + FRAME + 1],
    ['frame kind', '00000001', HEADER_SIZE + FRAME + 4],
    ['frame length (low byte)', '00000001', HEADER_SIZE + FRAME + 5],
    ['frame length (high byte)', '00000001', HEADER_SIZE + FRAME + 8],
    ['payload', '00000001', HEADER_SIZE + FRAME + FRAME_HEADER_SIZE + 3],
  ];
  for (const [what, file, offset] of flips) {
    it(`a bit flip in the ${what} of a middle segment ends the log there`, async (t) => {
      const dir = await tempDir(t);
      await build(dir);
      await flip(join(dir, file), offset);
      const log = recordingLogger();
      const wal = await Wal.open({ dir, logger: log });
      const got: string[] = [];
      const stats = await wal.replay((r) => got.push(Buffer.from(r).toString('latin1', 0, 5)));
      const headerHit = offset < HEADER_SIZE;
      assert.deepEqual(got, headerHit ? range(4) : range(5));
      const validEnd = headerHit ? 0 : HEADER_SIZE + FRAME;
      assert.equal(stats.corrupted?.segment, 1);
      assert.equal(stats.corrupted?.offset, validEnd);
      assert.equal(stats.corrupted?.droppedBytes, HEADER_SIZE + 2 * FRAME - validEnd);
      assert.equal(stats.corrupted?.droppedSegments, 2); // segment 2 and the new active segment 3
      assert.ok(log.lines.some((l) => l.msg.startsWith('WAL is damaged; truncated it')));
      // The log now ends at the damage; the writer continues right after what was kept.
      await wal.write([rec(9, 20)]);
      await wal.close();
      const files = await readdir(dir);
      assert.deepEqual(
        files,
        headerHit ? ['00000000', '00000001'] : ['00000000', '00000001', '00000002'],
      );
      const again = await replayAll({ dir });
      assert.deepEqual(again.got, [...(headerHit ? range(4) : range(5)), 'rec-9']);
      assert.equal(again.stats.corrupted, undefined);
    });
  }

  it('a zero-filled tail (preallocated-looking) is cut off', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    await appendFile(join(dir, '00000002'), Buffer.alloc(4096));
    const { got, stats } = await replayAll({ dir });
    assert.deepEqual(got, range(9));
    assert.equal(stats.corrupted?.droppedBytes, 4096);
    assert.match(stats.corrupted?.reason ?? '', /zero bytes at offset 110/);
    assert.equal(await size(join(dir, '00000002')), HEADER_SIZE + 3 * FRAME);
  });

  it('unknown files and dirs are ignored and logged', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await writeFile(join(dir, '0000001'), 'seven digits');
    await mkdir(join(dir, '00000099'));
    const log = recordingLogger();
    const { got, stats } = await replayAll({ dir, logger: log });
    assert.deepEqual(got, range(9));
    assert.equal(stats.corrupted, undefined);
    const warned = log.lines
      .filter((l) => l.level === 'warn')
      .map((l) => (l.obj as { name: string }).name);
    assert.deepEqual(warned.sort(), ['0000001', '00000099', 'notes.txt']);
  });

  it('a garbage file named like the next segment is dropped', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    await writeFile(join(dir, '00000003'), 'this is not a WAL segment at all');
    const { got, stats } = await replayAll({ dir });
    assert.deepEqual(got, range(9));
    assert.deepEqual(
      { ...stats.corrupted, reason: undefined },
      {
        segment: 3,
        offset: 0,
        droppedBytes: 32,
        droppedSegments: 0,
        reason: undefined,
      },
    );
    assert.match(stats.corrupted?.reason ?? '', /bad magic/);
  });

  it('a directory named like the next segment is moved aside, so writing continues', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    await mkdir(join(dir, '00000003'));
    const wal = await Wal.open({ dir });
    await wal.write([rec(9)]);
    await wal.cut();
    await wal.close();
    const { got } = await replayAll({ dir });
    assert.deepEqual(got, range(10));
    const names = await readdir(dir);
    assert.ok(
      names.some((n) => n.startsWith('00000003.not-a-segment-')),
      names.join(','),
    );
  });

  it('an empty last segment is removed; a header-only one is valid', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    await writeFile(join(dir, '00000003'), '');
    const { got, stats } = await replayAll({ dir });
    assert.deepEqual(got, range(9));
    assert.equal(stats.corrupted?.reason, 'empty file');
    // The reopen created a new header-only segment 3: valid, nothing to report.
    const again = await replayAll({ dir });
    assert.deepEqual(again.got, range(9));
    assert.equal(again.stats.corrupted, undefined);
  });

  it('an empty segment in the middle ends the log there', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    await truncate(join(dir, '00000001'), 0);
    const { got, stats } = await replayAll({ dir });
    assert.deepEqual(got, range(4));
    assert.equal(stats.corrupted?.segment, 1);
    assert.equal(stats.corrupted?.droppedSegments, 2);
  });

  it('a missing segment in the middle drops the segments after the gap', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    const lost = await size(join(dir, '00000002'));
    await rm(join(dir, '00000001'));
    const log = recordingLogger();
    const { got, stats } = await replayAll({ dir, logger: log });
    assert.deepEqual(got, range(4));
    assert.deepEqual(stats.corrupted, {
      segment: 1,
      offset: 0,
      droppedBytes: lost,
      droppedSegments: 1,
      reason: 'segment 00000001 is missing',
    });
    assert.ok(
      log.lines.some(
        (l) => l.msg === 'WAL has a missing segment; deleted the segments after the gap',
      ),
    );
    assert.deepEqual(await readdir(dir), ['00000000', '00000001']); // 1 is the new active segment
  });

  it('replay after writes started reports damage but does not cut the log', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    await flip(join(dir, '00000000'), HEADER_SIZE + 2 * FRAME + 20);
    const wal = await Wal.open({ dir });
    await wal.write([rec(9, 20)]);
    const got: string[] = [];
    const stats = await wal.replay((r) => got.push(Buffer.from(r).toString('latin1', 0, 5)));
    await wal.close();
    assert.deepEqual(got, range(2));
    assert.equal(stats.corrupted?.segment, 0);
    assert.deepEqual(await readdir(dir), ['00000000', '00000001', '00000002', '00000003']);
  });

  it('open tolerates a missing dir (creates it) and an empty dir', async (t) => {
    const base = await tempDir(t);
    const { got, stats } = await replayAll({ dir: join(base, 'a', 'b') });
    assert.deepEqual(got, []);
    assert.equal(stats.records, 0);
  });
});
