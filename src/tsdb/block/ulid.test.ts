import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUlid, newUlid, ulidTime } from './ulid.js';

describe('ulid', () => {
  it('encodes the spec example time', () => {
    // From the ULID spec: 01ARYZ6S41… has timestamp 1469918176385.
    const id = newUlid(1469918176385);
    assert.equal(id.slice(0, 10), '01ARYZ6S41');
    assert.equal(ulidTime('01ARYZ6S41TSV4RRFFQ69G5FAV'), 1469918176385);
  });

  it('is valid, unique and sorts in creation order, even within one millisecond', () => {
    const now = Date.now() + 1000;
    const ids = Array.from({ length: 1000 }, () => newUlid(now));
    assert.ok(ids.every(isUlid));
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
    assert.ok(ulidTime(ids[0]) >= now);
  });

  it('recognises ULIDs only', () => {
    for (const s of ['01ARZ3NDEKTSV4RRFFQ69G5FAV', '7ZZZZZZZZZZZZZZZZZZZZZZZZZ'])
      assert.ok(isUlid(s), s);
    for (const s of [
      '',
      '01ARZ3NDEKTSV4RRFFQ69G5FA',
      '8ZZZZZZZZZZZZZZZZZZZZZZZZZ',
      '01ARZ3NDEKTSV4RRFFQ69G5FAI',
      'wal',
      '01arz3ndektsv4rrffq69g5fav',
    ]) {
      assert.ok(!isUlid(s), s);
    }
  });
});
