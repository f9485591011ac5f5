import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CredentialCache, TouchThrottle } from './cache.js';
import type { Principal } from './permissions.js';

const p = (username: string): Principal => ({
  kind: 'token',
  username,
  tenant: 'default',
  permissions: new Set(['read']),
  systemAdmin: false,
  crossTenant: false,
});

describe('CredentialCache', () => {
  it('serves entries until the ttl or the credential expiry, whichever is first', () => {
    const c = new CredentialCache(60_000, 10);
    c.sync(1);
    c.set('a', p('a'), 0);
    c.set('b', p('b'), 0, 10_000);
    c.set('gone', p('gone'), 0, 0);
    assert.equal(c.get('a', 59_999)?.username, 'a');
    assert.equal(c.get('b', 9_999)?.username, 'b');
    assert.equal(c.get('b', 10_000), undefined);
    assert.equal(c.get('a', 60_000), undefined);
    assert.equal(c.get('gone', 0), undefined, 'already expired: not cached');
  });

  it('drops everything when the change version moves, and evicts the oldest beyond the cap', () => {
    const c = new CredentialCache(60_000, 3);
    c.sync(7);
    for (const k of ['a', 'b', 'c', 'd']) c.set(k, p(k), 0);
    assert.equal(c.size, 3);
    assert.equal(c.get('a', 1), undefined);
    c.sync(7);
    assert.equal(c.size, 3, 'same version keeps entries');
    c.sync(8);
    assert.equal(c.size, 0);
  });
});

describe('TouchThrottle', () => {
  it('is due once per interval per key, with bounded memory', () => {
    const t = new TouchThrottle(60_000, 2);
    assert.equal(t.due('a', 0), true);
    assert.equal(t.due('a', 59_999), false);
    assert.equal(t.due('a', 60_000), true);
    t.due('b', 60_000);
    t.due('c', 60_000);
    assert.equal(t.due('a', 60_001), true, 'a was evicted');
    t.forget('a');
    assert.equal(t.due('a', 60_002), true);
  });
});
