import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bloomMayContain, buildBloom } from './bloom.js';
import { decodeChunk, encodeChunk } from './chunk.js';
import { ChunkEncodeError, ChunkEncoderPool } from './chunk-pool.js';
import type { ChunkData } from './types.js';

const chunk = (n: number, tag = ''): ChunkData => {
  const lines = Array.from(
    { length: n },
    (_, i) => `level=info ${tag} request=${i} trace_id=ab${i}cd`,
  );
  return {
    ts: BigInt64Array.from(lines, (_, i) => 1_764_262_699_000_000_000n + BigInt(i)),
    lines,
    fields: lines.map((_, i) => (i % 2 ? [['k', String(i)]] : undefined)),
  };
};

async function exercise(pool: ChunkEncoderPool): Promise<void> {
  const cs = Array.from({ length: 6 }, (_, i) => chunk(200 + i, `tag${i}x`));
  const got = await Promise.all(cs.map((c, i) => pool.encode(c, i % 2 ? 'columnar' : 'q4')));
  for (let i = 0; i < cs.length; i++) {
    assert.deepEqual(decodeChunk(got[i].data), cs[i]);
    assert.deepEqual(got[i].data, new Uint8Array(encodeChunk(cs[i], i % 2 ? 'columnar' : 'q4')));
    assert.deepEqual(got[i].bloom, buildBloom(cs[i].lines));
    assert.equal(bloomMayContain(got[i].bloom, `tag${i}x`), true);
  }
  await assert.rejects(
    pool.encode({ ts: new BigInt64Array(2), lines: ['a'], fields: [undefined] }, 'q4'),
    /2 timestamps, 1 lines/,
  );
  // Joined UTF-8 (the head's bytes; its buffers move to the worker): the same chunk and bloom.
  for (const c of cs.slice(0, 2)) {
    const ts = c.ts.slice();
    const text = new Uint8Array(Buffer.from(c.lines.join('\n')));
    const j = await pool.encodeJoined({ ts, text, fields: c.fields });
    assert.deepEqual(j.data, new Uint8Array(encodeChunk(c, 'q4')));
    assert.deepEqual(j.bloom, buildBloom(c.lines));
    if (pool.usesWorkers) assert.equal(text.byteLength, 0, 'the text buffer moved');
  }
}

describe('ChunkEncoderPool', () => {
  it('encodes in worker threads like the inline codec', async () => {
    const pool = new ChunkEncoderPool({ threads: 2 });
    try {
      assert.equal(
        pool.usesWorkers,
        true,
        'worker entry not found (neither .js nor .ts under tsx)',
      );
      await exercise(pool);
    } finally {
      await pool.close();
    }
  });

  it('encodes inline with threads: 0', async () => {
    const pool = new ChunkEncoderPool({ threads: 0 });
    assert.equal(pool.usesWorkers, false);
    await exercise(pool);
    await pool.close();
    await assert.rejects(pool.encode(chunk(1), 'q4'), /encoder pool closed/);
  });

  it('rejects the jobs of a worker that dies and replaces it', async () => {
    const pool = new ChunkEncoderPool({ threads: 1 });
    try {
      const big = chunk(20000);
      const jobs = [pool.encode(big, 'columnar'), pool.encode(big, 'columnar')];
      await pool.crashWorkerForTest(0);
      for (const j of jobs)
        await assert.rejects(
          j,
          (err) => err instanceof ChunkEncodeError && /exited with code/.test(err.message),
        );
      const after = await pool.encode(chunk(10), 'q4');
      assert.deepEqual(decodeChunk(after.data), chunk(10));
    } finally {
      await pool.close();
    }
  });

  it('rejects pending jobs on close', async () => {
    const pool = new ChunkEncoderPool({ threads: 1 });
    const job = pool.encode(chunk(20000), 'columnar');
    await pool.close();
    await assert.rejects(job, /encoder pool closed/);
  });
});
