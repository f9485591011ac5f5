import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeriesCache } from './series-cache.js';

describe('SeriesCache', () => {
  const key = (s: string) => Buffer.from(s);

  it('verifies the bytes on a hit, so a hash collision is a miss', () => {
    const c = new SeriesCache(100);
    c.set(42, 7, key('abc'));
    const req = Buffer.from('xxabcxx');
    assert.equal(c.get(42, req, 2, 5)?.ref, 7);
    assert.equal(c.get(42, req, 1, 4), undefined, 'same hash, other bytes');
    assert.equal(c.get(42, req, 2, 6), undefined, 'same hash, other length');
    assert.equal(c.get(43, req, 2, 5), undefined);
  });

  it('stays bounded by two generations and promotes hits from the old one', () => {
    const c = new SeriesCache(4); // generations of 2
    c.set(1, 1, key('a'));
    c.set(2, 2, key('b'));
    c.set(3, 3, key('c')); // turns: old = {1,2}, cur = {3}
    assert.equal(c.get(1, key('a'), 0, 1)?.ref, 1); // promoted into cur = {3,1}
    c.set(4, 4, key('d')); // turns: old = {3,1}, cur = {4}; 2 dropped
    assert.equal(c.get(2, key('b'), 0, 1), undefined);
    assert.equal(c.get(1, key('a'), 0, 1)?.ref, 1);
    assert.ok(c.size <= 4);
  });
});
