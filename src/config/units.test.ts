import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseBytes, parseDuration, zBytes, zDuration } from './units.js';

describe('durations', () => {
  const ok: [string, number][] = [
    ['0', 0],
    ['30s', 30_000],
    ['1h30m', 5_400_000],
    ['15d', 15 * 86_400_000],
    ['2ms', 2],
    ['1y2w', 365 * 86_400_000 + 14 * 86_400_000],
  ];
  for (const [s, ms] of ok) {
    it(`parses ${s}`, () => {
      assert.equal(parseDuration(s), ms);
      assert.equal(zDuration.parse(s), ms);
    });
  }
  for (const s of ['', 'abc', '1h1d', '5', '-1s', '1.5h']) {
    it(`rejects ${JSON.stringify(s)}`, () => assert.equal(parseDuration(s), undefined));
  }
  it('formats', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(86_400_000 + 1), '1d1ms');
  });
  it('zDuration accepts 0 and explains other numbers', () => {
    assert.equal(zDuration.parse(0), 0);
    const r = zDuration.safeParse(15);
    assert.equal(r.success, false);
    assert.equal(
      r.error?.issues[0]?.message,
      'expected a duration like 30s, 5m, 2h or 15d, got 15',
    );
  });
});

describe('byte sizes', () => {
  it('parses units', () => {
    assert.equal(parseBytes('1024'), 1024);
    assert.equal(parseBytes('512MiB'), 512 * 2 ** 20);
    assert.equal(parseBytes('10GB'), 10e9);
    assert.equal(parseBytes('1.5 KiB'), 1536);
    assert.equal(parseBytes('12 apples'), undefined);
  });
  it('zBytes takes non-negative integers and strings', () => {
    assert.equal(zBytes.parse(7), 7);
    assert.equal(zBytes.parse('1KB'), 1000);
    for (const bad of [-1, 1.5, true, null]) {
      const r = zBytes.safeParse(bad);
      assert.equal(r.success, false, String(bad));
      assert.match(r.error.issues[0].message, /^expected a byte size like 512MiB or 10GB, got /);
    }
  });
});
