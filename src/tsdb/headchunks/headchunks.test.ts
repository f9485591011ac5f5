import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { nopLogger } from '../../util/index.js';
import { XorEncoder } from '../chunkenc/index.js';
import { fileName, recordSize, type ChunkRecord, type PersistedChunk } from './format.js';
import { ChainLinker, loadHeadChunks, RecordTable, type LoadResult } from './reader.js';
import { RecordFields } from './format.js';
import { SlabAllocator } from '../chunkenc/index.js';
import { HeadChunkWriter } from './writer.js';
import { recordingLogger } from '../tsdb-test-helpers.js';

/** A real XOR chunk of `n` samples from `t0` at 10 s steps. */
function chunk(t0: number, n: number): PersistedChunk {
  const e = new XorEncoder();
  for (let i = 0; i < n; i++) e.append(t0 + i * 10_000, Math.sin(t0 + i));
  return { data: e.finish(), minT: t0, maxT: t0 + (n - 1) * 10_000 };
}

/** Records of `series` series × `perSeries` linked chunks, interleaved as a head closes them. */
function records(series: number, perSeries: number): ChunkRecord[] {
  const out: ChunkRecord[] = [];
  const prev = new Map<number, number>();
  for (let k = 0; k < perSeries; k++) {
    for (let ref = 1; ref <= series; ref++) {
      const c = chunk(k * 1_200_000 + ref, 5 + ((ref + k) % 7));
      out.push({ ref, ...c, prevMaxT: prev.get(ref) ?? -1, encoding: 1 });
      prev.set(ref, c.maxT);
    }
  }
  return out;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'argus-headchunks-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeAll(
  dir: string,
  recs: ChunkRecord[],
  maxFileSize?: number,
): Promise<HeadChunkWriter> {
  const w = new HeadChunkWriter({ dir, logger: nopLogger, maxFileSize, bufferSize: 4096 });
  for (const r of recs) w.add(r.ref, r, r.prevMaxT);
  await w.close();
  return w;
}

/** Expected chains when only `kept` records survive (each ref keeps its linked prefix). */
function expectChains(recs: ChunkRecord[], kept: (r: ChunkRecord, i: number) => boolean) {
  const out = new Map<number, { minT: number; maxT: number; bytes: string }[]>();
  const broken = new Set<number>();
  recs.forEach((r, i) => {
    if (broken.has(r.ref)) return;
    if (!kept(r, i)) {
      broken.add(r.ref);
      return;
    }
    const c = out.get(r.ref) ?? [];
    c.push({ minT: r.minT, maxT: r.maxT, bytes: Buffer.from(r.data).toString('hex') });
    out.set(r.ref, c);
  });
  return out;
}

function chainsOf(res: LoadResult) {
  const out = new Map<number, { minT: number; maxT: number; bytes: string }[]>();
  for (const [ref, c] of res.chains) {
    out.set(
      ref,
      c.map((x) => ({ minT: x.minT, maxT: x.maxT, bytes: Buffer.from(x.data).toString('hex') })),
    );
  }
  return out;
}

describe('head chunk files', () => {
  it('round-trip records across rotated files; chains keep write order', async () => {
    await withDir(async (dir) => {
      const recs = records(20, 6);
      const w = await writeAll(dir, recs, 2000);
      const names = (await readdir(dir)).sort();
      assert.ok(names.length > 3, `files ${names.join(',')}`);
      for (const n of names) assert.ok((await stat(path.join(dir, n))).size <= 2000);
      assert.equal(w.stats().files, names.length);
      assert.equal(w.stats().chunksWritten, recs.length);
      const res = await loadHeadChunks(dir, -Infinity, nopLogger);
      assert.deepEqual(
        chainsOf(res),
        expectChains(recs, () => true),
      );
      assert.equal(res.records, recs.length);
      assert.equal(res.dropped, 0);
      assert.equal(res.damagedFiles, 0);
      assert.equal(res.maxRef, 20);
      assert.deepEqual(
        res.files.map((f) => f.seq),
        names.map(Number),
      );
      // A later writer continues after the highest file and never touches the old ones.
      const w2 = new HeadChunkWriter({ dir, logger: nopLogger, files: res.files });
      w2.add(21, chunk(5, 3), -1);
      await w2.close();
      assert.equal((await readdir(dir)).sort().at(-1), fileName(names.length + 1));
    });
  });

  it('loses only the torn record when the last one is cut at any byte', async () => {
    await withDir(async (dir) => {
      const recs = records(3, 3);
      await writeAll(dir, recs);
      const file = path.join(dir, fileName(1));
      const full = await readFile(file);
      const last = recs[recs.length - 1];
      const lastLen = recordSize(last);
      const want = expectChains(recs, (_r, i) => i < recs.length - 1);
      for (let cut = 1; cut <= lastLen; cut++) {
        await writeFile(file, full.subarray(0, full.length - cut));
        const log = recordingLogger();
        const res = await loadHeadChunks(dir, -Infinity, log);
        assert.deepEqual(chainsOf(res), want, `cut ${cut}`);
        assert.equal(res.damagedFiles, cut < lastLen ? 1 : 0);
        if (cut < lastLen) {
          assert.ok(log.entries.some((e) => e.level === 'warn' && /damaged/.test(e.msg)));
        }
      }
    });
  });

  it('after a bit flip, loses the damaged file rest and the chunks linked after it', async () => {
    await withDir(async (dir) => {
      const recs = records(4, 9);
      await writeAll(dir, recs, 1000);
      const names = (await readdir(dir)).sort();
      assert.ok(names.length >= 3);
      // Which records went to which file: sizes add up in write order.
      const fileOf: number[] = [];
      let f = 0;
      let size = 8;
      for (const r of recs) {
        const len = recordSize(r);
        if (size + len > 1000) {
          f++;
          size = 8;
        }
        size += len;
        fileOf.push(f);
      }
      const victim = 1;
      const file = path.join(dir, names[victim]);
      const buf = await readFile(file);
      const firstInVictim = fileOf.indexOf(victim);
      const flipAt = 8 + recordSize(recs[firstInVictim]) + 20; // 2nd record there
      buf[flipAt] ^= 0x04;
      await writeFile(file, buf);
      const res = await loadHeadChunks(dir, -Infinity, nopLogger);
      const want = expectChains(recs, (_r, i) => !(fileOf[i] === victim && i > firstInVictim));
      assert.deepEqual(chainsOf(res), want);
      assert.equal(res.damagedFiles, 1);
      // Files after the damaged one still count: their records were read.
      assert.ok(res.records > firstInVictim + 1);
    });
  });

  it('treats a missing middle file, a bad header and an empty file as lost chunks only', async () => {
    await withDir(async (dir) => {
      const recs = records(3, 8);
      await writeAll(dir, recs, 600);
      const names = (await readdir(dir)).sort();
      assert.ok(names.length >= 4);
      const fileOf: number[] = [];
      let f = 0;
      let size = 8;
      for (const r of recs) {
        const len = recordSize(r);
        if (size + len > 600) {
          f++;
          size = 8;
        }
        size += len;
        fileOf.push(f);
      }
      await rm(path.join(dir, names[1]));
      const res = await loadHeadChunks(dir, -Infinity, nopLogger);
      assert.deepEqual(
        chainsOf(res),
        expectChains(recs, (_r, i) => fileOf[i] !== 1),
      );
      // Bad magic in file 0: nothing of it; an empty file; a future version.
      const f0 = path.join(dir, names[0]);
      const b0 = await readFile(f0);
      b0[0] = 0;
      await writeFile(f0, b0);
      await writeFile(path.join(dir, '00000098'), '');
      await writeFile(path.join(dir, '00000099'), Buffer.from('AHCK\x03\0\0\0', 'latin1'));
      const log = recordingLogger();
      const res2 = await loadHeadChunks(dir, -Infinity, log);
      assert.deepEqual(
        chainsOf(res2),
        expectChains(recs, (_r, i) => fileOf[i] > 1),
      );
      assert.equal(res2.damagedFiles, 3);
      assert.ok(log.entries.some((e) => /version 3/.test(JSON.stringify(e.obj))));
      // A writer deletes files without a valid record, never the others.
      const w = new HeadChunkWriter({ dir, logger: nopLogger, files: res2.files });
      assert.equal(await w.truncate(-Infinity), 3);
      await w.close();
      assert.deepEqual((await readdir(dir)).sort(), names.slice(2));
      // No directory at all: nothing loaded.
      const none = await loadHeadChunks(path.join(dir, 'nope'), 0, nopLogger);
      assert.equal(none.chains.size, 0);
    });
  });

  it('truncate deletes files whose chunks all end before mint, closing off the current one', async () => {
    await withDir(async (dir) => {
      const w = new HeadChunkWriter({ dir, logger: nopLogger, maxFileSize: 300 });
      const a = chunk(1000, 10); // maxT 91_000
      const b = chunk(200_000, 10);
      w.add(1, a, -1);
      w.add(2, a, -1);
      w.add(1, b, a.maxT); // rotates: file 2
      await w.flush();
      assert.deepEqual((await readdir(dir)).sort(), [fileName(1), fileName(2)]);
      assert.equal(await w.truncate(a.maxT), 0); // nothing ends before it
      assert.equal(await w.truncate(a.maxT + 1), 1);
      assert.deepEqual(await readdir(dir), [fileName(2)]);
      // Everything old, the current file included: it is closed off and deleted.
      assert.equal(await w.truncate(b.maxT + 1), 1);
      w.add(3, chunk(400_000, 4), -1);
      await w.close();
      assert.deepEqual(await readdir(dir), [fileName(3)]);
      const res = await loadHeadChunks(dir, 0, nopLogger);
      assert.deepEqual([...res.chains.keys()], [3]);
      w.add(4, a, -1); // after close: ignored
      assert.equal(w.stats().chunksWritten, 4);
    });
  });

  it('stops after a write error, logs it once and keeps the process going', async () => {
    await withDir(async (dir) => {
      const notDir = path.join(dir, 'file');
      await writeFile(notDir, 'x');
      const log = recordingLogger();
      const w = new HeadChunkWriter({ dir: notDir, logger: log });
      w.add(1, chunk(0, 3), -1);
      await w.flush();
      w.add(1, chunk(100_000, 3), 20_000);
      await w.close();
      assert.equal(w.stats().writeErrors, 1);
      assert.equal(log.entries.filter((e) => e.level === 'error').length, 1);
    });
  });

  it('writes on its timer without an explicit flush', async () => {
    await withDir(async (dir) => {
      const w = new HeadChunkWriter({ dir, logger: nopLogger, flushDelayMs: 5 });
      w.add(7, chunk(0, 3), -1);
      for (let i = 0; i < 200; i++) {
        const names = await readdir(dir).catch(() => []);
        if (names.length > 0 && (await stat(path.join(dir, names[0]))).size > 8) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const res = await loadHeadChunks(dir, 0, nopLogger);
      assert.equal(res.chains.get(7)?.length, 1);
      await w.close();
    });
  });

  it('writes a record larger than the buffer', async () => {
    await withDir(async (dir) => {
      const big = chunk(0, 3000);
      const w = new HeadChunkWriter({ dir, logger: nopLogger, bufferSize: 256 });
      w.add(1, chunk(1, 2), -1);
      w.add(2, big, -1);
      await w.close();
      const res = await loadHeadChunks(dir, 0, nopLogger);
      assert.ok(Buffer.from(big.data).equals(res.chains.get(2)![0].data));
      assert.equal(res.chains.get(1)?.length, 1);
    });
  });
});

/** Links records as the loader does (each record's bytes in a buffer of its own). */
function linkRecords(mv: number, recs: ChunkRecord[], slabs: SlabAllocator | null = null) {
  const table = new RecordTable();
  const l = new ChainLinker(table, mv);
  const bufs: Uint8Array[] = [];
  const f = new RecordFields();
  const ok = recs.map((r) => {
    f.ref = r.ref;
    f.minT = r.minT;
    f.maxT = r.maxT;
    f.prevMaxT = r.prevMaxT;
    f.encoding = r.encoding;
    f.partial = r.state !== undefined;
    f.dataStart = 0;
    f.dataEnd = r.data.length;
    bufs.push(Buffer.concat([r.data, r.state ?? new Uint8Array(0)]));
    return l.add(
      table.push(f, r.data.length < 2 ? 0 : (r.data[0] << 8) | r.data[1], bufs.length - 1),
    );
  });
  return { ok, chains: l.materialize(bufs, slabs) };
}

describe('ChainLinker', () => {
  const rec = (ref: number, minT: number, maxT: number, prevMaxT: number): ChunkRecord => ({
    ref,
    minT,
    maxT,
    prevMaxT,
    encoding: 1,
    data: chunk(minT, 2).data,
  });
  const link = (mv: number, recs: ChunkRecord[]) => {
    const { ok, chains } = linkRecords(mv, recs);
    const spans = new Map([...chains].map(([ref, c]) => [ref, c.map((x) => [x.minT, x.maxT])]));
    return { ok, spans };
  };

  it('links, supersedes, restarts and drops as the format says', () => {
    // A newer run's record after chunk 1 replaces the old chunk 2 and 3.
    let r = link(-Infinity, [
      rec(1, 0, 9, -1),
      rec(1, 10, 19, 9),
      rec(1, 20, 29, 19),
      rec(1, 10, 15, 9),
      rec(1, 16, 29, 15),
    ]);
    assert.deepEqual(r.spans.get(1), [
      [0, 9],
      [10, 15],
      [16, 29],
    ]);
    // A lost predecessor: the record is dropped, the chain stays complete up to its end.
    r = link(-Infinity, [rec(1, 0, 9, -1), rec(1, 20, 29, 19), rec(2, 5, 6, 4)]);
    assert.deepEqual(r.ok, [true, false, false]);
    assert.deepEqual(r.spans.get(1), [[0, 9]]);
    assert.equal(r.spans.has(2), false);
    // prev before minValidTime (in blocks) starts a chain; chunks starting before it are stale.
    r = link(100, [rec(1, 50, 99, -1), rec(1, 100, 120, 99), rec(1, 121, 130, 120)]);
    assert.deepEqual(r.ok, [false, true, true]);
    assert.deepEqual(r.spans.get(1), [
      [100, 120],
      [121, 130],
    ]);
    // A chunk straddling minValidTime empties the chain and breaks its successors.
    r = link(100, [rec(1, 90, 110, -1), rec(1, 111, 130, 110)]);
    assert.deepEqual(r.ok, [false, false]);
    assert.equal(r.spans.size, 0);
    // A -1 record restarts the chain (a newer run whose head began there).
    r = link(-Infinity, [rec(1, 0, 9, -1), rec(1, 10, 19, 9), rec(1, 0, 19, -1)]);
    assert.deepEqual(r.spans.get(1), [[0, 19]]);
    // An unknown encoding cannot be used: the chain ends before it.
    const odd = { ...rec(1, 10, 19, 9), encoding: 9 };
    r = link(-Infinity, [rec(1, 0, 9, -1), odd, rec(1, 20, 29, 19)]);
    assert.deepEqual(r.spans.get(1), [[0, 9]]);
  });
});

describe('partial records', () => {
  /** A partial of `n` samples from `t0` (as the head snapshots an open chunk). */
  function partial(t0: number, n: number): PersistedChunk {
    const e = new XorEncoder();
    for (let i = 0; i < n; i++) e.append(t0 + i * 10_000, Math.sin(t0 + i));
    return { data: e.bytes().slice(), minT: t0, maxT: e.maxTime, state: e.saveState() };
  }

  it('round-trip with their state; a closed record of the chunk replaces them', async () => {
    await withDir(async (dir) => {
      const w = new HeadChunkWriter({ dir, logger: nopLogger });
      const c1 = chunk(0, 5);
      w.add(1, c1, -1);
      const p1 = partial(100_000, 3);
      w.add(1, p1, c1.maxT);
      w.add(2, partial(0, 2), -1);
      const p2 = partial(0, 4);
      w.add(2, p2, -1); // a later partial of the same chunk replaces the first
      await w.close();
      const res = await loadHeadChunks(dir, -Infinity, nopLogger);
      const ch1 = res.chains.get(1)!;
      assert.deepEqual(
        ch1.map((c) => [c.minT, c.maxT, c.state !== undefined]),
        [
          [0, c1.maxT, false],
          [p1.minT, p1.maxT, true],
        ],
      );
      assert.ok(Buffer.from(ch1[1].state!).equals(p1.state!));
      assert.ok(Buffer.from(ch1[1].data).equals(p1.data));
      assert.deepEqual(
        res.chains.get(2)!.map((c) => [c.maxT, c.state !== undefined]),
        [[p2.maxT, true]],
      );

      // Next run: the chunk closes (same prevMaxT) and a new one follows it.
      const w2 = new HeadChunkWriter({ dir, logger: nopLogger, files: res.files });
      const full = chunk(100_000, 6);
      w2.add(1, full, c1.maxT);
      w2.add(1, partial(200_000, 2), full.maxT);
      await w2.close();
      const res2 = await loadHeadChunks(dir, -Infinity, nopLogger);
      assert.deepEqual(
        res2.chains.get(1)!.map((c) => [c.minT, c.maxT, c.state !== undefined]),
        [
          [0, c1.maxT, false],
          [100_000, full.maxT, false],
          [200_000, 210_000, true],
        ],
      );
    });
  });

  it('a partial followed by a record linked to it counts as closed; torn state is damage', async () => {
    const p = partial(0, 3);
    const next = chunk(p.maxT + 10_000, 2);
    const slabs = new SlabAllocator();
    const { ok, chains } = linkRecords(
      -Infinity,
      [
        { ref: 1, ...p, prevMaxT: -1, encoding: 1 },
        { ref: 1, ...next, prevMaxT: p.maxT, encoding: 1 },
        { ref: 2, ...p, prevMaxT: -1, encoding: 1 },
      ],
      slabs,
    );
    assert.deepEqual(ok, [true, true, true]);
    assert.deepEqual(
      chains.get(1)!.map((c) => c.state),
      [undefined, undefined],
    );
    // Closed chunks are copied into one slab; the open tail keeps its bytes and state.
    const [c0, c1] = chains.get(1)!;
    assert.equal(c0.data.buffer, c1.data.buffer);
    assert.ok(Buffer.from(c0.data).equals(p.data));
    assert.equal(slabs.slabs, 1);
    assert.ok(Buffer.from(chains.get(2)![0].state!).equals(p.state!));
    await withDir(async (dir) => {
      const w = new HeadChunkWriter({ dir, logger: nopLogger });
      w.add(1, chunk(0, 2), -1);
      w.add(2, partial(0, 3), -1);
      await w.close();
      const file = path.join(dir, fileName(1));
      await truncate(file, (await stat(file)).size - 10); // inside the state
      const res = await loadHeadChunks(dir, -Infinity, nopLogger);
      assert.equal(res.damagedFiles, 1);
      assert.deepEqual([...res.chains.keys()], [1]);
    });
  });
});

describe('head chunk file truncation at open', () => {
  it('a cut file is repaired by the writer only by starting a new file', async () => {
    await withDir(async (dir) => {
      const recs = records(2, 2);
      await writeAll(dir, recs);
      const file = path.join(dir, fileName(1));
      await truncate(file, (await stat(file)).size - 3);
      const res = await loadHeadChunks(dir, -Infinity, nopLogger);
      const w = new HeadChunkWriter({ dir, logger: nopLogger, files: res.files });
      w.add(2, chunk(5_000_000, 3), recs[3].prevMaxT);
      await w.close();
      const res2 = await loadHeadChunks(dir, -Infinity, nopLogger);
      // ref 2's chain: its first chunk, then the new one linked to it (the torn one is gone).
      assert.deepEqual(
        res2.chains.get(2)?.map((c) => c.minT),
        [recs[1].minT, 5_000_000],
      );
    });
  });
});
