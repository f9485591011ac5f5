import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Labels, Matcher } from '../../model/index.js';
import { nopLogger } from '../../util/index.js';
import { Block } from './block.js';
import { openBlocks } from './open.js';
import { snapshotBlocks } from './snapshot.js';
import { readSelect, tempDir, toSeriesChunks } from './test-helpers.js';
import { writeBlock } from './writer.js';

describe('snapshotBlocks', () => {
  it('hard-links every block file into the snapshot, which opens as the same data', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const data = `${dir}/data`;
      const metas = [];
      for (let i = 0; i < 2; i++) {
        const ts = [i * 100, i * 100 + 50];
        metas.push(
          await writeBlock(
            data,
            { minTime: i * 100, maxTime: i * 100 + 100 },
            toSeriesChunks([{ labels: Labels.fromObject({ a: 'x' }), ts, vs: [1, 2] }]),
          ),
        );
      }
      const blocks = metas.map((m) => Block.open(`${data}/${m.ulid}`));
      await snapshotBlocks(blocks, `${dir}/snap`);
      assert.deepEqual(readdirSync(`${dir}/snap`).sort(), metas.map((m) => m.ulid).sort());
      for (const m of metas) {
        for (const f of ['meta.json', 'index', 'chunks/000001']) {
          const a = statSync(`${data}/${m.ulid}/${f}`);
          const b = statSync(`${dir}/snap/${m.ulid}/${f}`);
          assert.equal(a.ino, b.ino, `${f} is a hard link`);
          assert.deepEqual(
            readFileSync(`${dir}/snap/${m.ulid}/${f}`),
            readFileSync(`${data}/${m.ulid}/${f}`),
          );
        }
      }
      for (const b of blocks) b.close();
      const res = openBlocks(`${dir}/snap`, nopLogger);
      assert.equal(res.blocks.length, 2);
      const q = res.blocks[1].querier(0, 1000);
      assert.deepEqual(readSelect(q, [new Matcher('=', 'a', 'x')]), [
        { labels: '{a="x"}', ts: [100, 150], vs: [1, 2] },
      ]);
      q.close();
      for (const b of res.blocks) b.close();
    } finally {
      cleanup();
    }
  });
});
