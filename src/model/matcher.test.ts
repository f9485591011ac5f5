import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidMatcherError, Matcher, type MatchType } from './matcher.js';
import { isStaleNaN, sameFloatBits, staleNaN } from './sample.js';
import { DEFAULT_TENANT, tenantId } from './tenant.js';

describe('Matcher', () => {
  // [type, pattern, value, matches]
  const cases: [MatchType, string, string, boolean][] = [
    ['=', 'a', 'a', true],
    ['=', 'a', 'ab', false],
    ['!=', 'a', 'b', true],
    ['!=', '', '', false],
    ['=~', 'a.*', 'abc', true],
    ['=~', 'b', 'abc', false], // fully anchored
    ['=~', 'a|b', 'b', true],
    ['=~', 'a|b', 'ab', false],
    ['=~', '.*', '', true],
    ['=~', '.+', '', false],
    ['=~', '.+', 'x', true],
    ['=~', 'line.end', 'line\nend', true], // . matches newline, as in Prometheus
    ['=~', '(?i)FOO', 'foo', true],
    ['=~', '[0-9]{3}', '404', true],
    ['!~', '5..', '503', false],
    ['!~', '5..', '404', true],
    ['=~', 'prod|', '', true],
    ['=~', '(a+)+$', 'a'.repeat(5000) + 'b', false], // linear time: no catastrophic backtracking
  ];
  for (const [type, pattern, value, want] of cases) {
    it(`${type}${JSON.stringify(pattern)} on ${JSON.stringify(value.slice(0, 20))} → ${want}`, () => {
      assert.equal(new Matcher(type, 'l', pattern).matches(value), want);
    });
  }

  it('knows when it matches the empty string', () => {
    assert.ok(new Matcher('=', 'l', '').matchesEmpty());
    assert.ok(new Matcher('!=', 'l', 'x').matchesEmpty());
    assert.ok(!new Matcher('=~', 'l', '.+').matchesEmpty());
  });

  it('exposes literal alternations as sets', () => {
    assert.deepEqual(new Matcher('=~', 'l', 'a|b|c').setValues(), ['a', 'b', 'c']);
    assert.deepEqual(new Matcher('=', 'l', 'x').setValues(), ['x']);
    assert.equal(new Matcher('=~', 'l', 'a.*').setValues(), undefined);
    assert.equal(new Matcher('=~', 'l', 'a|b').toString(), 'l=~"a|b"');
  });

  it('rejects invalid regular expressions with a typed error', () => {
    assert.throws(
      () => new Matcher('=~', 'l', '(unclosed'),
      (e: Error) =>
        e instanceof InvalidMatcherError &&
        /invalid regular expression "\(unclosed"/.test(e.message),
    );
    assert.throws(() => new Matcher('=~', 'l', 'a(?=b)'), InvalidMatcherError); // lookahead is not RE2
  });
});

describe('stale marker and tenants', () => {
  it('recognises only the stale NaN bit pattern', () => {
    assert.ok(isStaleNaN(staleNaN));
    assert.ok(!isStaleNaN(NaN));
    assert.ok(!isStaleNaN(1));
  });

  it('compares floats bit for bit', () => {
    assert.ok(sameFloatBits(NaN, NaN));
    assert.ok(sameFloatBits(staleNaN, staleNaN));
    assert.ok(!sameFloatBits(staleNaN, NaN));
    assert.ok(!sameFloatBits(0, -0));
    assert.ok(sameFloatBits(1.5, 1.5) && !sameFloatBits(1.5, 1.25));
  });

  it('validates tenant ids', () => {
    assert.equal(DEFAULT_TENANT, 'default');
    assert.equal(tenantId('team-a_1'), 'team-a_1');
    assert.throws(() => tenantId('../etc'), /invalid tenant id "..\/etc"/);
    assert.throws(() => tenantId(''), /invalid tenant id/);
    assert.throws(() => tenantId('A'), /invalid tenant id/);
  });
});
