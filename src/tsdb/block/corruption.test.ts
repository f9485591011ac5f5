import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Labels, Matcher } from '../../model/index.js';
import { readSamples } from '../../storage/index.js';
import type { Logger } from '../../util/index.js';
import { Block } from './block.js';
import { CorruptBlockError } from './errors.js';
import type { BlockMeta } from './meta.js';
import { openBlocks } from './open.js';
import { readSelect, tempDir, toSeriesChunks, type TestSeries } from './test-helpers.js';
import { newUlid } from './ulid.js';
import { writeBlock } from './writer.js';

function series(n: number): TestSeries[] {
  const out: TestSeries[] = [];
  for (let i = 0; i < n; i++) {
    const ts = Array.from({ length: 200 }, (_, k) => k * 1000);
    out.push({
      labels: Labels.fromObject({ __name__: 'm', i: String(i).padStart(4, '0') }),
      ts,
      vs: ts.map((t) => t * i),
    });
  }
  return out;
}

class RecordingLogger implements Logger {
  lines: { level: string; obj: object; msg: string }[] = [];
  debug(obj: object, msg: string): void {
    this.lines.push({ level: 'debug', obj, msg });
  }
  info(obj: object, msg: string): void {
    this.lines.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg: string): void {
    this.lines.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg: string): void {
    this.lines.push({ level: 'error', obj, msg });
  }
}

function flip(path: string, at: number): void {
  const b = readFileSync(path);
  const i = at < 0 ? b.length + at : at;
  b[i] = b[i] ^ 0x10;
  writeFileSync(path, b);
}

describe('block corruption', () => {
  const { dir, cleanup } = tempDir();
  let pristine: string;
  let meta: BlockMeta;
  before(async () => {
    meta = await writeBlock(
      `${dir}`,
      { minTime: 0, maxTime: 200_000, segmentBytes: 16 * 1024 },
      toSeriesChunks(series(50)),
    );
    pristine = `${dir}/${meta.ulid}`;
  });
  after(cleanup);

  /** A fresh copy of the good block (same ulid) in its own parent dir. */
  function copy(): string {
    const parent = `${dir}/case-${Math.random().toString(36).slice(2)}`;
    mkdirSync(parent);
    cpSync(pristine, `${parent}/${meta.ulid}`, { recursive: true });
    return `${parent}/${meta.ulid}`;
  }

  const damage: [string, (b: string) => void, RegExp][] = [
    ['truncated index', (b) => truncateSync(`${b}/index`, 100), /index/],
    ['index cut to a few bytes', (b) => truncateSync(`${b}/index`, 3), /too short/],
    ['index bad magic', (b) => flip(`${b}/index`, 0), /bad magic/],
    ['index bad version', (b) => flip(`${b}/index`, 4), /version/],
    ['bit flip in index symbols', (b) => flip(`${b}/index`, 20), /symbols section CRC32/],
    [
      'bit flip in index middle',
      (b) => flip(`${b}/index`, Math.floor(readFileSync(`${b}/index`).length / 2)),
      /CRC32/,
    ],
    ['bit flip in index TOC', (b) => flip(`${b}/index`, -10), /TOC CRC32/],
    ['missing index', (b) => rmSync(`${b}/index`), /cannot open block index/],
    ['bit flip in chunk data', (b) => flip(`${b}/chunks/000002`, 500), /chunk/],
    ['bit flip in chunk header', (b) => flip(`${b}/chunks/000001`, 1), /bad magic/],
    ['chunk version', (b) => flip(`${b}/chunks/000001`, 4), /version/],
    [
      'truncated chunk segment',
      (b) => truncateSync(`${b}/chunks/000002`, 1000),
      /past the end|truncated/,
    ],
    [
      'chunk segment truncated at a chunk boundary',
      (b) => rmSync(`${b}/chunks/${readdirSync(`${b}/chunks`).sort().pop()!}`),
      /hold \d+ chunks/,
    ],
    ['extra chunk file', (b) => writeFileSync(`${b}/chunks/junk`, 'x'), /segment/],
    ['meta.json not JSON', (b) => writeFileSync(`${b}/meta.json`, '{'), /not JSON/],
    ['meta.json truncated', (b) => truncateSync(`${b}/meta.json`, 10), /meta/],
    [
      'meta.json wrong version',
      (b) =>
        writeFileSync(
          `${b}/meta.json`,
          readFileSync(`${b}/meta.json`, 'utf8').replace('"version": 1', '"version": 9'),
        ),
      /version/,
    ],
    [
      'meta.json wrong series count',
      (b) =>
        writeFileSync(
          `${b}/meta.json`,
          readFileSync(`${b}/meta.json`, 'utf8').replace('"numSeries": 50', '"numSeries": 51'),
        ),
      /series/,
    ],
    ['meta.json missing', (b) => rmSync(`${b}/meta.json`), /cannot read block meta/],
    [
      'meta.json bad range',
      (b) =>
        writeFileSync(
          `${b}/meta.json`,
          readFileSync(`${b}/meta.json`, 'utf8').replace('"minTime": 0', '"minTime": 300000'),
        ),
      /time range/,
    ],
    ['chunks dir missing', (b) => rmSync(`${b}/chunks`, { recursive: true }), /chunks dir/],
  ];
  for (const [name, fn, msg] of damage) {
    it(`${name} -> CorruptBlockError`, () => {
      const b = copy();
      fn(b);
      assert.throws(
        () => Block.open(b).close(),
        (err: unknown) => err instanceof CorruptBlockError && msg.test(errChain(err)),
      );
    });
  }

  it('directory name differing from meta ulid is rejected', () => {
    const b = copy();
    const other = `${b}/../${newUlid()}`;
    cpSync(b, other, { recursive: true });
    assert.throws(() => Block.open(other), /ulid/);
  });

  it('a chunk flipped after open fails the read with CorruptBlockError', () => {
    const b = copy();
    const blk = Block.open(b);
    flip(`${b}/chunks/000001`, 200);
    const q = blk.querier(0, 200_000);
    assert.throws(() => readSelect(q, [new Matcher('=', '__name__', 'm')]), CorruptBlockError);
    q.close();
    blk.close();
    // Opening without chunk verification succeeds; the damage shows on read.
    const b2 = Block.open(b, { verifyChunks: false });
    b2.close();
  });

  it('a chunk flipped after open fails a bulk read (readSamples) with CorruptBlockError', () => {
    const b = copy();
    const blk = Block.open(b);
    flip(`${b}/chunks/000001`, 200);
    const q = blk.querier(0, 200_000);
    const ts = new Float64Array(4096);
    const vs = new Float64Array(4096);
    assert.throws(() => {
      for (const s of q.select([new Matcher('=', '__name__', 'm')])) {
        readSamples(s.iterator(), ts, vs, 0, 200_000);
      }
    }, CorruptBlockError);
    q.close();
    blk.close();
  });

  it('openBlocks quarantines damaged blocks, keeps good ones, removes leftover .tmp', async () => {
    const { dir: data, cleanup: c } = tempDir();
    try {
      const good1 = await writeBlock(
        data,
        { minTime: 0, maxTime: 200_000 },
        toSeriesChunks(series(3)),
      );
      const bad = await writeBlock(
        data,
        { minTime: 200_000, maxTime: 400_000 },
        toSeriesChunks(series(3)),
      );
      const good2 = await writeBlock(
        data,
        { minTime: 400_000, maxTime: 600_000 },
        toSeriesChunks(series(3)),
      );
      flip(`${data}/${bad.ulid}/index`, 30);
      mkdirSync(`${data}/${newUlid()}.tmp/chunks`, { recursive: true });
      mkdirSync(`${data}/wal`);
      writeFileSync(`${data}/lock`, '');
      const log = new RecordingLogger();
      const res = openBlocks(data, log);
      assert.deepEqual(
        res.blocks.map((b) => b.meta.ulid),
        [good1.ulid, good2.ulid],
      );
      assert.deepEqual(res.quarantined, [bad.ulid]);
      assert.ok(existsSync(`${data}/quarantine/${bad.ulid}/index`));
      assert.deepEqual(
        readdirSync(data).sort(),
        [good1.ulid, good2.ulid, 'lock', 'quarantine', 'wal'].sort(),
      );
      assert.ok(log.lines.some((l) => l.level === 'error' && /quarantine/.test(l.msg)));
      assert.ok(log.lines.some((l) => l.level === 'info' && /temporary/.test(l.msg)));
      for (const b of res.blocks) b.close();

      // A second damaged block with the same name goes beside the first, not over it.
      cpSync(`${data}/quarantine/${bad.ulid}`, `${data}/${bad.ulid}`, { recursive: true });
      const res2 = openBlocks(data, log);
      assert.equal(res2.quarantined.length, 1);
      assert.equal(readdirSync(`${data}/quarantine`).length, 2);
      for (const b of res2.blocks) b.close();
      assert.deepEqual(openBlocks(`${data}/missing`, log), {
        blocks: [],
        quarantined: [],
        superseded: [],
      });
    } finally {
      c();
    }
  });

  it('openBlocks skips a damaged block it cannot move, still without failing', async () => {
    const { dir: data, cleanup: c } = tempDir();
    try {
      const good = await writeBlock(
        data,
        { minTime: 0, maxTime: 200_000 },
        toSeriesChunks(series(2)),
      );
      const bad = await writeBlock(
        data,
        { minTime: 200_000, maxTime: 400_000 },
        toSeriesChunks(series(2)),
      );
      rmSync(`${data}/${bad.ulid}/index`);
      writeFileSync(`${data}/quarantine`, 'not a directory');
      const log = new RecordingLogger();
      const res = openBlocks(data, log);
      assert.deepEqual(
        res.blocks.map((b) => b.meta.ulid),
        [good.ulid],
      );
      assert.deepEqual(res.quarantined, []);
      assert.ok(existsSync(`${data}/${bad.ulid}`));
      assert.ok(log.lines.some((l) => /could not be moved/.test(l.msg)));
      for (const b of res.blocks) b.close();
    } finally {
      c();
    }
  });

  it('openBlocks deletes blocks already compacted into a higher level', async () => {
    const { dir: data, cleanup: c } = tempDir();
    try {
      const a = await writeBlock(data, { minTime: 0, maxTime: 100_000 }, toSeriesChunks(series(2)));
      const b = await writeBlock(
        data,
        { minTime: 100_000, maxTime: 200_000 },
        toSeriesChunks(series(2)),
      );
      const parent = await writeBlock(
        data,
        { minTime: 0, maxTime: 200_000, level: 2, sources: [a.ulid, b.ulid] },
        toSeriesChunks(series(2)),
      );
      const res = openBlocks(data, new RecordingLogger());
      assert.deepEqual(
        res.blocks.map((x) => x.meta.ulid),
        [parent.ulid],
      );
      assert.deepEqual(res.superseded.sort(), [a.ulid, b.ulid].sort());
      assert.deepEqual(readdirSync(data), [parent.ulid]);
      for (const x of res.blocks) x.close();
    } finally {
      c();
    }
  });
});

function errChain(err: unknown): string {
  let s = '';
  for (let e: unknown = err; e instanceof Error; e = e.cause) s += `${e.message}: `;
  return s;
}
