/**
 * Issue #2 §7 corruption tests, at process level: data goes in through remote_write, the
 * server stops (SIGTERM), files of the data dir are damaged, and a restarted server must become
 * ready, serve everything from before the damage, say in its log what it dropped, and keep
 * taking writes. WAL: truncated tail, flipped bits (last and earlier segment), garbage entries.
 * Blocks (made with the snapshot API and restored as a data dir, the documented restore path):
 * flipped bytes in the index and in a chunk file quarantine that block only.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { EncodeSeries } from '../../src/ingest/remote-write/index.js';
import {
  exportSeries,
  remoteWrite,
  startArgus,
  tempDir,
  type ArgusProcess,
  type ExportedSeries,
  type LogLine,
} from './helpers.js';
import { adminFetch } from './helpers.js';

const METRIC = 'argus_corruption_test';
const SERIES = 20;
/** Request timestamps: T0 + k s. Two hours back leaves room for later parts, below "now". */
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / 1000) * 1000;

const value = (part: string, i: number, k: number): number =>
  k * 1000 + i + part.charCodeAt(0) / 256;

/** Request `k` of `part`: one sample for each of SERIES series at T0 + k s. */
function request(part: string, k: number): EncodeSeries[] {
  return Array.from({ length: SERIES }, (_, i) => ({
    labels: [
      ['__name__', METRIC],
      ['part', part],
      ['series', String(i)],
    ],
    samples: [{ t: T0 + k * 1000, v: value(part, i, k) }],
  }));
}

/** What /api/v1/export must return when exactly the requests `parts[p]` of each part are stored. */
function expected(parts: Record<string, number[]>): ExportedSeries[] {
  const out: ExportedSeries[] = [];
  for (const [part, ks] of Object.entries(parts)) {
    if (ks.length === 0) continue;
    for (let i = 0; i < SERIES; i++) {
      out.push({
        metric: { __name__: METRIC, part, series: String(i) },
        values: ks.map((k) => value(part, i, k)),
        timestamps: ks.map((k) => T0 + k * 1000),
      });
    }
  }
  return out.sort((a, b) => JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric)));
}

async function write(argus: ArgusProcess, part: string, k: number): Promise<void> {
  const r = await remoteWrite(argus.url, request(part, k));
  assert.equal(r.status, 204, `request ${part}:${k}: ${r.body}`);
}

async function assertServes(argus: ArgusProcess, parts: Record<string, number[]>): Promise<void> {
  assert.deepEqual(await exportSeries(argus.url, METRIC), expected(parts));
}

async function stop(argus: ArgusProcess): Promise<void> {
  const exit = await argus.stop();
  assert.equal(exit.code, 0, `argus exited ${JSON.stringify(exit)}:\n${argus.stderr}`);
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i);

const walDir = (dataDir: string): string => path.join(dataDir, 'tsdb', 'default', 'wal');
const segment = (dataDir: string, n: number): string =>
  path.join(walDir(dataDir), String(n).padStart(8, '0'));

/**
 * Starts a server on a fresh dir and sends requests `ks` of `part`; returns the size of WAL
 * segment 0 after each acknowledged request (a 2xx means its batch is written), then stops it.
 */
async function writeAndStop(part: string, ks: number[], dataDir?: string) {
  const argus = await startArgus(dataDir === undefined ? {} : { dataDir });
  const sizes: number[] = [];
  try {
    for (const k of ks) {
      await write(argus, part, k);
      sizes.push((await stat(segment(argus.dataDir, 0))).size);
    }
  } finally {
    await stop(argus);
  }
  return { dataDir: argus.dataDir, sizes };
}

/** XORs 0xff into `n` bytes of `file` from `offset`. */
async function flipBytes(file: string, offset: number, n = 4): Promise<void> {
  const buf = await readFile(file);
  assert.ok(offset + n <= buf.length, `flip inside ${file} (${buf.length} bytes)`);
  for (let i = offset; i < offset + n; i++) buf[i] ^= 0xff;
  await writeFile(file, buf);
}

const mid = (a: number, b: number): number => a + Math.floor((b - a) / 2);

function findLog(argus: ArgusProcess, msg: string): LogLine {
  const hit = argus.logs().find((l) => l.msg === msg);
  assert.ok(hit !== undefined, `log has "${msg}":\n${argus.stdout}`);
  return hit;
}

/** After a repair, new writes are accepted and survive `kill -9` with the old data. */
async function assertWritableAfterRepair(
  argus: ArgusProcess,
  parts: Record<string, number[]>,
  k: number,
): Promise<void> {
  await write(argus, 'a', k);
  await argus.kill9();
  const again = await startArgus({ dataDir: argus.dataDir });
  try {
    await assertServes(again, { ...parts, a: [...(parts.a ?? []), k] });
  } finally {
    await stop(again);
  }
}

describe('WAL damage (process level)', () => {
  it('a truncated last segment loses only the torn request', async () => {
    const { dataDir, sizes } = await writeAndStop('a', range(0, 5));
    // Cut the last request's batch in half.
    await truncate(segment(dataDir, 0), mid(sizes[3], sizes[4]));
    const argus = await startArgus({ dataDir });
    try {
      await assertServes(argus, { a: range(0, 4) });
      const l = findLog(argus, 'WAL tail is damaged; truncated it');
      assert.equal(l.segment, 0);
      assert.equal(l.offset, sizes[3]);
      assert.equal(l.droppedBytes, mid(sizes[3], sizes[4]) - sizes[3]);
      const metrics = await (await adminFetch(`${argus.url}/metrics`)).text();
      assert.match(metrics, /^argus_tsdb_wal_corruptions_total\{tenant="default"\} 1$/m);
      assert.match(
        metrics,
        new RegExp(`^argus_tsdb_wal_dropped_bytes\\{tenant="default"\\} ${l.droppedBytes}$`, 'm'),
      );
      await assertWritableAfterRepair(argus, { a: range(0, 4) }, 10);
    } finally {
      await argus.stop();
    }
  });

  it('flipped bits in the middle of the last segment keep the requests before them', async () => {
    const { dataDir, sizes } = await writeAndStop('a', range(0, 5));
    // Inside request 2's batch: its CRC fails, and the valid log ends where it starts.
    await flipBytes(segment(dataDir, 0), mid(sizes[1], sizes[2]));
    const argus = await startArgus({ dataDir });
    try {
      await assertServes(argus, { a: [0, 1] });
      const l = findLog(argus, 'WAL tail is damaged; truncated it');
      assert.equal(l.segment, 0);
      assert.equal(l.offset, sizes[1]);
      assert.equal(l.droppedBytes, sizes[4] - sizes[1]);
      assert.match(String(l.reason), new RegExp(`^checksum mismatch at offset ${sizes[1]}`));
      await assertWritableAfterRepair(argus, { a: [0, 1] }, 10);
    } finally {
      await argus.stop();
    }
  });

  it('flipped bits in an earlier segment end the log there (later segments dropped)', async () => {
    const first = await writeAndStop('a', range(0, 3));
    // A second run writes to segment 1 (every start begins a new segment).
    const second = await startArgus({ dataDir: first.dataDir });
    try {
      for (const k of range(3, 6)) await write(second, 'a', k);
      await assertServes(second, { a: range(0, 6) });
    } finally {
      await stop(second);
    }
    await flipBytes(segment(first.dataDir, 0), mid(first.sizes[0], first.sizes[1]));
    const argus = await startArgus({ dataDir: first.dataDir });
    try {
      await assertServes(argus, { a: [0] });
      const l = findLog(argus, 'WAL is damaged; truncated it there and deleted the later segments');
      assert.equal(l.segment, 0);
      assert.equal(l.offset, first.sizes[0]);
      assert.ok(Number(l.droppedSegments) >= 1, `dropped segments: ${String(l.droppedSegments)}`);
      await assertWritableAfterRepair(argus, { a: [0] }, 10);
    } finally {
      await argus.stop();
    }
  });

  it('garbage entries in the WAL dir are skipped or removed', async () => {
    const { dataDir } = await writeAndStop('a', range(0, 3));
    const wal = walDir(dataDir);
    await writeFile(path.join(wal, 'README.txt'), 'not a segment\n');
    await writeFile(path.join(wal, '00000000.bak'), await readFile(segment(dataDir, 0)));
    await mkdir(path.join(wal, 'lost+found'));
    // A crash between creating a segment and writing its header leaves an empty file.
    await writeFile(segment(dataDir, 1), '');
    // A segment after a gap, and an unfinished checkpoint, full of noise.
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 0xff));
    await writeFile(segment(dataDir, 9), noise);
    await mkdir(path.join(wal, 'checkpoint.00000000.tmp'));
    await writeFile(path.join(wal, 'checkpoint.00000000.tmp', '00000000'), noise);
    const argus = await startArgus({ dataDir });
    try {
      await assertServes(argus, { a: range(0, 3) });
      findLog(argus, 'WAL has a missing segment; deleted the segments after the gap');
      const left = await readdir(wal);
      for (const gone of ['00000009', 'checkpoint.00000000.tmp'])
        assert.ok(!left.includes(gone), `${gone} removed (left: ${left.join(' ')})`);
      for (const kept of ['README.txt', '00000000.bak', 'lost+found'])
        assert.ok(left.includes(kept), `${kept} left alone (left: ${left.join(' ')})`);
      await assertWritableAfterRepair(argus, { a: range(0, 3) }, 10);
    } finally {
      await argus.stop();
    }
  });
});

/** Asks the server for a snapshot (head included); returns the tenant dir holding its blocks. */
async function snapshot(argus: ArgusProcess): Promise<string> {
  const res = await adminFetch(`${argus.url}/api/v1/admin/tsdb/snapshot`, { method: 'POST' });
  const body = (await res.json()) as { data: { name: string } };
  assert.equal(res.status, 200, JSON.stringify(body));
  return path.join(argus.dataDir, 'tsdb', 'snapshots', body.data.name, 'default');
}

/** Restores a snapshot's blocks as the blocks of a fresh data dir. */
async function restore(snapshotTenantDir: string): Promise<string> {
  const dataDir = path.join(await tempDir(), 'data');
  await cp(snapshotTenantDir, path.join(dataDir, 'tsdb', 'default'), { recursive: true });
  return dataDir;
}

const blockNames = async (tenantDir: string): Promise<string[]> =>
  (await readdir(tenantDir)).filter((n) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(n)).sort();

describe('block damage (process level)', () => {
  /**
   * A stopped data dir with block A (part a), block B (part b) and part c in the WAL: a server
   * on a fresh dir takes part a, a snapshot of it is restored and takes part b, a snapshot of
   * that (block A + the head as block B) is restored and takes part c.
   */
  async function pristine(): Promise<{ dataDir: string; a: string; b: string }> {
    const s1 = await startArgus();
    let dataDir: string;
    try {
      for (const k of range(0, 3)) await write(s1, 'a', k);
      dataDir = await restore(await snapshot(s1));
    } finally {
      await stop(s1);
    }
    const s2 = await startArgus({ dataDir });
    try {
      // Samples before the newest block's end are too old: part b comes after part a.
      for (const k of range(10, 13)) await write(s2, 'b', k);
      dataDir = await restore(await snapshot(s2));
    } finally {
      await stop(s2);
    }
    const [a, b] = await blockNames(path.join(dataDir, 'tsdb', 'default'));
    assert.ok(a !== undefined && b !== undefined, 'two blocks restored');
    const s3 = await startArgus({ dataDir });
    try {
      for (const k of range(20, 23)) await write(s3, 'c', k);
      await assertServes(s3, { a: range(0, 3), b: range(10, 13), c: range(20, 23) });
    } finally {
      await stop(s3);
    }
    return { dataDir, a, b };
  }

  async function assertQuarantined(
    argus: ArgusProcess,
    block: string,
    why: RegExp,
    serves: Record<string, number[]>,
  ): Promise<void> {
    await assertServes(argus, serves);
    const tenant = path.join(argus.dataDir, 'tsdb', 'default');
    const l = findLog(argus, 'block is damaged; moved to quarantine');
    assert.equal(l.block, block);
    assert.equal(l.movedTo, `${tenant}/quarantine/${block}`);
    assert.match(String(l.err), why);
    assert.ok(!(await blockNames(tenant)).includes(block), 'moved out of the block list');
    assert.deepEqual(await readdir(path.join(tenant, 'quarantine')), [block]);
    const metrics = await (await adminFetch(`${argus.url}/metrics`)).text();
    assert.match(metrics, /^argus_tsdb_blocks_quarantined\{tenant="default"\} 1$/m);
    assert.match(metrics, /^argus_tsdb_blocks_loaded\{tenant="default"\} 1$/m);
  }

  it('flipped bytes in a block index quarantine that block; the rest is served', async () => {
    const { dataDir, a } = await pristine();
    const index = path.join(dataDir, 'tsdb', 'default', a, 'index');
    await flipBytes(index, Math.floor((await stat(index)).size / 2));
    const argus = await startArgus({ dataDir });
    try {
      await assertQuarantined(argus, a, /^cannot open block index .*\/index: .*CRC32 mismatch/, {
        b: range(10, 13),
        c: range(20, 23),
      });
      // Still writable, and the quarantine survives a restart without coming back.
      await write(argus, 'c', 30);
      await stop(argus);
      const again = await startArgus({ dataDir });
      try {
        await assertServes(again, { b: range(10, 13), c: [...range(20, 23), 30] });
      } finally {
        await stop(again);
      }
    } finally {
      await argus.stop();
    }
  });

  it('flipped bytes in a block chunk file quarantine that block; the rest is served', async () => {
    const { dataDir, b } = await pristine();
    const chunks = path.join(dataDir, 'tsdb', 'default', b, 'chunks', '000001');
    await flipBytes(chunks, Math.floor((await stat(chunks)).size / 2));
    const argus = await startArgus({ dataDir });
    try {
      await assertQuarantined(argus, b, /^cannot read chunk .*\/chunks: CRC32 mismatch/, {
        a: range(0, 3),
        c: range(20, 23),
      });
    } finally {
      await stop(argus);
    }
  });
});
