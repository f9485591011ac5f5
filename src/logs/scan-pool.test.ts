import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeChunk } from './chunk.js';
import { planScan, scanChunkBytes } from './chunk-scan.js';
import { ChunkScanError, ScanPool } from './scan-pool.js';
import type { ChunkData } from './types.js';

function chunk(n: number): ChunkData {
  const c: ChunkData = { ts: new BigInt64Array(n), lines: [], fields: [] };
  for (let i = 0; i < n; i++) {
    c.ts[i] = 1_700_000_000_000_000_000n + BigInt(i) * 1000n;
    c.lines.push(i % 97 === 0 ? `status=503 upstream timeout req=${i}` : `status=200 ok req=${i}`);
    c.fields.push(i % 2 === 0 ? [['trace_id', `t${i}`]] : undefined);
  }
  return c;
}

test('ScanPool: workers return what an inline scan returns, and fail bad bytes by name', async () => {
  const pool = new ScanPool(2, 50);
  assert.equal(pool.available, true);
  try {
    const filters = [{ op: '|~' as const, value: 'status=5[0-9]{2}.*timeout' }];
    const bytes = encodeChunk(chunk(3000), 'q4');
    const want = scanChunkBytes(bytes, planScan(filters), 0n, 1n << 62n, true);
    // Several jobs at once spread over both workers; copies, since the pool moves the bytes.
    const got = await Promise.all(
      [0, 1, 2, 3].map(() => pool.scan(new Uint8Array(bytes), filters, 0n, 1n << 62n, true)),
    );
    for (const g of got) {
      assert.equal(g.entries, 3000);
      assert.deepEqual(Array.from(g.data.ts), Array.from(want.data.ts));
      assert.deepEqual(g.data.lines, want.data.lines);
      assert.deepEqual(g.data.fields, want.data.fields);
    }
    assert.equal(want.data.lines.length, 31);
    const bad = new Uint8Array(bytes.subarray(0, 40));
    await assert.rejects(
      pool.scan(bad, filters, 0n, 1n << 62n, true),
      (e: unknown) => e instanceof ChunkScanError && /cannot decode log chunk/.test(e.message),
    );
    // After idling the workers stop; the next job starts them again.
    await new Promise((r) => setTimeout(r, 200));
    const again = await pool.scan(new Uint8Array(bytes), filters, 0n, 1n << 62n, true);
    assert.equal(again.data.lines.length, 31);
  } finally {
    await pool.close();
  }
});

test('ScanPool: jobs in flight fail when the pool closes; threads 0 means inline', async () => {
  const pool = new ScanPool(1);
  const bytes = encodeChunk(chunk(20000), 'q4');
  const p = pool.scan(bytes, [{ op: '|=', value: 'timeout' }], 0n, 1n << 62n, true);
  await pool.close();
  await assert.rejects(p, (e: unknown) => e instanceof ChunkScanError);
  assert.equal(new ScanPool(0).available, false);
});
