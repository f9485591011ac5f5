import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseBytes, parseDuration, zBytes, zDuration } from './units.js';

describe('units', () => {
  const durations: [string, number | undefined][] = [
    ['0', 0],
    ['15d', 15 * 86_400_000],
    ['1h30m', 5_400_000],
    ['2ms', 2],
    ['1y2w', 365 * 86_400_000 + 14 * 86_400_000],
    ['', undefined],
    ['5', undefined],
    ['1m1h', undefined],
    ['-1s', undefined],
    ['1.5h', undefined],
  ];
  for (const [s, want] of durations)
    it(`parses duration ${JSON.stringify(s)}`, () => assert.equal(parseDuration(s), want));

  it('formats durations', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(86_400_000 + 2), '1d2ms');
  });

  const sizes: [string, number | undefined][] = [
    ['512MiB', 512 * 2 ** 20],
    ['10GB', 10e9],
    ['1024', 1024],
    ['1.5KiB', 1536],
    [' 2 MB ', 2e6],
    ['ten', undefined],
    ['5XB', undefined],
  ];
  for (const [s, want] of sizes)
    it(`parses size ${JSON.stringify(s)}`, () => assert.equal(parseBytes(s), want));

  it('validates through zod with a message naming the bad value', () => {
    assert.equal(zDuration.parse('2h'), 7_200_000);
    assert.equal(zBytes.parse(100), 100);
    assert.equal(zBytes.parse('1KiB'), 1024);
    const d = zDuration.safeParse('2 hours');
    assert.ok(!d.success);
    assert.match(
      d.error.issues[0].message,
      /expected a duration like 30s, 5m, 2h or 15d, got "2 hours"/,
    );
    const b = zBytes.safeParse('lots');
    assert.ok(!b.success);
    assert.match(
      b.error.issues[0].message,
      /expected a byte size like 512MiB or 10GB, got "lots"/,
    );
  });
});
