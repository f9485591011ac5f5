import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeChunk, encodeChunk } from './chunk.js';
import { CompactPool, CompactRecodeError } from './compact-pool.js';
import type { ChunkData } from './types.js';

const chunk = (n: number, tag: string): ChunkData => {
  const lines = Array.from(
    { length: n },
    (_, i) =>
      `{"level":"info","tag":"${tag}","request":${i * 7},"trace_id":"ab${(i * 977).toString(16).padStart(8, '0')}"}`,
  );
  return {
    ts: BigInt64Array.from(lines, (_, i) => 1_764_262_699_000_000_000n + BigInt(i * 1000)),
    lines,
    fields: lines.map((_, i) => (i % 2 ? [['k', String(i)]] : undefined)),
  };
};

async function exercise(pool: CompactPool): Promise<void> {
  const cs = Array.from({ length: 5 }, (_, i) => chunk(300 + i, `tag${i}`));
  const q4 = cs.map((c) => encodeChunk(c, 'q4'));
  const got = await Promise.all(q4.map((d) => pool.recode(d)));
  for (let i = 0; i < cs.length; i++) {
    assert.ok(got[i], `chunk ${i} stays q4`);
    assert.equal(got[i]![0], 2, 'columnar format byte');
    assert.deepEqual(decodeChunk(got[i]!), cs[i]);
  }
  // One plain line: columns are not smaller, the q4 bytes stay.
  const tiny = encodeChunk({ ts: new BigInt64Array(1), lines: ['x'], fields: [undefined] }, 'q4');
  assert.equal(await pool.recode(tiny), null);
  // A view into a larger buffer is recoded from its own bytes only.
  const big = new Uint8Array(q4[0].length + 10);
  big.set(q4[0], 5);
  assert.deepEqual(decodeChunk((await pool.recode(big.subarray(5, 5 + q4[0].length)))!), cs[0]);
  await assert.rejects(pool.recode(new Uint8Array([1, 1, 5])), CompactRecodeError);
}

describe('CompactPool', () => {
  it('recodes q4 as columnar in a worker thread like inline', async () => {
    const pool = new CompactPool();
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
    await assert.rejects(pool.recode(new Uint8Array(2)), /compact pool closed/);
  });

  it('recodes inline with threads: 0', async () => {
    const pool = new CompactPool({ threads: 0 });
    assert.equal(pool.usesWorkers, false);
    await assert.rejects(pool.recode(new Uint8Array([1, 1, 5])), /cannot decode log chunk/);
    const c = chunk(200, 'inline');
    assert.deepEqual(decodeChunk((await pool.recode(encodeChunk(c, 'q4')))!), c);
    await pool.close();
    await assert.rejects(pool.recode(new Uint8Array(2)), /compact pool closed/);
  });

  it('rejects the jobs of a worker that dies, then spawns a new one', async () => {
    const pool = new CompactPool();
    try {
      const c = chunk(20_000, 'crash');
      const q4 = encodeChunk(c, 'q4');
      const job = pool.recode(q4);
      await pool.crashWorkerForTest();
      await assert.rejects(job, /compact worker exited/);
      assert.deepEqual(decodeChunk((await pool.recode(q4))!), c);
    } finally {
      await pool.close();
    }
  });
});
