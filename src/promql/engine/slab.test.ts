import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { F64Slab, I32Slab } from './slab.js';

describe('slabs', () => {
  it('hands out disjoint zero-filled views, sharing backing stores', () => {
    const s = new F64Slab();
    const views: Float64Array[] = [];
    for (let i = 0; i < 300; i++) {
      const v = s.alloc(37);
      assert.equal(v.length, 37);
      assert.ok(v.every((x) => x === 0));
      v.fill(i + 1);
      views.push(v);
    }
    // Writing each view left every other one intact.
    views.forEach((v, i) => assert.ok(v.every((x) => x === i + 1)));
    const buffers = new Set(views.map((v) => v.buffer));
    assert.ok(buffers.size > 1 && buffers.size < 20, `got ${buffers.size} backing stores`);
  });

  it('serves requests larger than a slab with their own array', () => {
    const s = new I32Slab();
    const small = s.alloc(3);
    const big = s.alloc(200_000);
    assert.equal(big.length, 200_000);
    assert.notEqual(big.buffer, small.buffer);
    big.fill(7);
    assert.deepEqual([...small], [0, 0, 0]);
    assert.equal(s.alloc(0).length, 0);
  });
});
