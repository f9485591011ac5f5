import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ArraySampleIterator } from '../../storage/index.js';
import { XorEncoder, XorIterator } from './index.js';

// Strictly increasing timestamps (the order the head guarantees) and simple values.
const chunkSeries = fc
  .tuple(
    fc.integer({ min: -1000, max: 1000 }),
    fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 130 }),
  )
  .map(([t0, steps]) => {
    const ts = [t0];
    for (const s of steps) ts.push(ts[ts.length - 1] + s);
    return { ts, vs: ts.map((t) => t * 0.5) };
  });
const op = fc.oneof(fc.constant<'next'>('next'), fc.integer({ min: -1100, max: 6000 }));

describe('XorIterator.seek', () => {
  it('matches the storage reference iterator for any mix of next and seek', () => {
    fc.assert(
      fc.property(chunkSeries, fc.array(op, { maxLength: 40 }), ({ ts, vs }, ops) => {
        const enc = new XorEncoder();
        for (let i = 0; i < ts.length; i++) enc.append(ts[i], vs[i]);
        const it = new XorIterator(enc.bytes());
        const ref = new ArraySampleIterator(ts, vs);
        let lastT = -Infinity;
        for (const o of ops) {
          const got = o === 'next' ? it.next() : it.seek(o);
          const want = o === 'next' ? ref.next() : ref.seek(o);
          assert.equal(got, want, `op ${o}`);
          if (!got) continue;
          assert.equal(it.t, ref.t);
          assert.equal(it.v, ref.v);
          assert.ok(it.t >= lastT, 'never moves backwards');
          if (o !== 'next') assert.ok(it.t >= o);
          lastT = it.t;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('stays put when the current sample qualifies and is exhausted for good', () => {
    const enc = new XorEncoder();
    for (const t of [10, 20, 30]) enc.append(t, t);
    const it = new XorIterator(enc.bytes());
    assert.equal(it.seek(15), true);
    assert.equal(it.t, 20);
    assert.equal(it.seek(5), true, 'earlier target: stays');
    assert.equal(it.t, 20);
    assert.equal(it.seek(20), true);
    assert.equal(it.t, 20);
    assert.equal(it.seek(31), false);
    assert.equal(it.seek(0), false, 'exhausted iterators stay exhausted');
    assert.equal(it.next(), false);
    it.reset(enc.bytes());
    assert.equal(it.seek(0), true, 'reset starts over');
    assert.equal(it.t, 10);
    assert.equal(new XorIterator(new XorEncoder().bytes()).seek(0), false, 'empty chunk');
  });
});
