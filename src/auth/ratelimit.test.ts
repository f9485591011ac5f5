import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Clock } from './auth-test-helpers.js';
import { LoginRateLimiter } from './ratelimit.js';

const opts = { perUser: 3, perAddress: 5, windowMs: 60_000 };

describe('LoginRateLimiter', () => {
  it('blocks a username after perUser failures until the oldest counted one leaves the window', () => {
    const c = new Clock(0);
    const l = new LoginRateLimiter(opts, c.now);
    for (let i = 0; i < 3; i++) {
      assert.equal(l.blockedFor('alice', undefined), 0);
      l.fail('alice', undefined);
      c.advance(10_000);
    }
    // failures at 0, 10 s, 20 s; now 30 s: the one at 0 leaves the window at 60 s.
    assert.equal(l.blockedFor('alice', undefined), 30_000);
    assert.equal(l.blockedFor('bob', undefined), 0, 'other users are not affected');
    c.t = 60_000;
    assert.equal(l.blockedFor('alice', undefined), 0);
  });

  it('blocks an address after perAddress failures over any usernames', () => {
    const c = new Clock(0);
    const l = new LoginRateLimiter(opts, c.now);
    for (let i = 0; i < 5; i++) l.fail(`user${i}`, '10.0.0.1');
    assert.equal(l.blockedFor('fresh', '10.0.0.1'), 60_000);
    assert.equal(l.blockedFor('fresh', '10.0.0.2'), 0);
    assert.equal(l.blockedFor(undefined, '10.0.0.1'), 60_000);
  });

  it('a success clears the username but not the address', () => {
    const c = new Clock(0);
    const l = new LoginRateLimiter(opts, c.now);
    for (let i = 0; i < 3; i++) l.fail('alice', '10.0.0.1');
    l.succeed('alice');
    assert.equal(l.blockedFor('alice', undefined), 0);
    l.fail('x', '10.0.0.1');
    l.fail('x', '10.0.0.1');
    assert.ok(l.blockedFor(undefined, '10.0.0.1') > 0);
  });

  it('keeps a bounded number of keys (evicting the least recently failed) and timestamps', () => {
    const c = new Clock(0);
    const l = new LoginRateLimiter({ ...opts, maxKeys: 100 }, c.now);
    for (let i = 0; i < 1000; i++) {
      l.fail(`u${i}`, `a${i}`);
      c.advance(1);
    }
    assert.deepEqual(l.size(), { users: 100, addresses: 100 });
    assert.equal(l.blockedFor('u0', undefined), 0);
    for (let i = 0; i < 50; i++) l.fail('many', undefined);
    // Only the newest perUser timestamps are kept: blocked until the third-newest ages out.
    assert.equal(l.blockedFor('many', undefined), 60_000);
  });

  it('setOptions changes the limits and keeps the counts', () => {
    const c = new Clock(0);
    const l = new LoginRateLimiter(opts, c.now);
    l.fail('alice', undefined);
    l.fail('alice', undefined);
    assert.equal(l.blockedFor('alice', undefined), 0);
    l.setOptions({ ...opts, perUser: 2 });
    assert.equal(l.blockedFor('alice', undefined), 60_000);
  });
});
