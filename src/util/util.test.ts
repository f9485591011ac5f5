import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgusError, BugError, errorChain } from './errors.js';
import { hashBytes, hashStrings } from './hash.js';
import { nopLogger } from './logger.js';
import { mulberry32 } from './random.js';

describe('hash', () => {
  it('is deterministic, 53-bit, and sensitive to every byte', () => {
    const b = Buffer.from('node_cpu_seconds_total');
    assert.equal(hashBytes(b), hashBytes(Buffer.from('node_cpu_seconds_total')));
    assert.ok(Number.isSafeInteger(hashBytes(b)) && hashBytes(b) >= 0);
    assert.notEqual(hashBytes(b), hashBytes(Buffer.from('node_cpu_seconds_totaL')));
    assert.equal(hashBytes(Buffer.from('xxabcxx'), 2, 5), hashBytes(Buffer.from('abc')));
    assert.notEqual(hashBytes(b, 0, b.length, 1), hashBytes(b));
    assert.notEqual(hashStrings(['ab', 'c']), hashStrings(['a', 'bc']));
    assert.equal(hashStrings(['a', 'b'], 7), hashStrings(['a', 'b'], 7));
  });

  it('spreads 100k similar keys without collisions', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(hashStrings(['instance', `host-${i}:9100`]));
    assert.equal(seen.size, 100_000);
  });
});

describe('errors', () => {
  it('names classes and chains causes', () => {
    class CannotFooError extends ArgusError {}
    const e = new CannotFooError('cannot foo', {
      cause: new Error('disk full', { cause: 'ENOSPC' }),
    });
    assert.equal(e.name, 'CannotFooError');
    assert.equal(errorChain(e), 'cannot foo: disk full: ENOSPC');
    assert.equal(errorChain({ code: 1 }), '{"code":1}');
    const quoted = new Error('invalid tenant "x": bad', {
      cause: new Error('invalid tenant "x": bad'),
    });
    assert.equal(errorChain(quoted), 'invalid tenant "x": bad', 'a quoted cause is not repeated');
    assert.match(new BugError('invariant').message, /^BUG: invariant$/);
    nopLogger.info({}, 'dropped');
  });
});

describe('mulberry32', () => {
  it('is deterministic per seed and uniform enough for test data', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10_000 }, () => a());
    assert.deepEqual(
      xs.slice(0, 5),
      Array.from({ length: 5 }, () => b()),
    );
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
    assert.notEqual(mulberry32(1)(), mulberry32(2)());
  });
});
