import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoDuration, GoTime, ZERO_TIME } from './go-time.js';
import { expandTemplate } from './template-set.js';

// 2006-01-02 15:04:05.123 UTC, a Monday (day 2 of the year), like Go's reference time shifted.
const T = new GoTime(Date.UTC(2006, 0, 2, 15, 4, 5, 123));

describe('GoTime.Format', () => {
  // [layout, Go's output for T]
  const CASES: [string, string][] = [
    ['2006-01-02 15:04:05', '2006-01-02 15:04:05'],
    ['Mon Jan _2 15:04:05 MST 2006', 'Mon Jan  2 15:04:05 UTC 2006'],
    ['Monday, January 2, 2006', 'Monday, January 2, 2006'],
    ['06/1/2 3:4:5 PM pm', '06/1/2 3:4:5 PM pm'],
    ['03:04 002 __2', '03:04 002   2'],
    ['15:04:05.000', '15:04:05.123'],
    ['15:04:05.999999', '15:04:05.123'],
    ['15:04:05,00', '15:04:05,12'],
    ['2006-01-02T15:04:05Z07:00', '2006-01-02T15:04:05Z'],
    ['-0700 -07:00 -07 -07:00:00 -070000', '+0000 +00:00 +00 +00:00:00 +000000'],
    ['literal text', 'literal text'],
  ];
  for (const [layout, want] of CASES) it(layout, () => assert.equal(T.Format(layout), want));

  it('formats other zones with offsets', () => {
    const ny = T.In('America/New_York');
    assert.equal(
      ny.Format('2006-01-02 15:04 MST -07:00 Z0700'),
      '2006-01-02 10:04 EST -05:00 -0500',
    );
    const kolkata = T.In('Asia/Kolkata');
    assert.equal(kolkata.Format('15:04 -0700'), '20:34 +0530');
  });

  it('has Go methods', () => {
    assert.equal(T.String(), '2006-01-02 15:04:05.123 +0000 UTC');
    assert.equal(T.Unix(), 1136214245n);
    assert.equal(T.UnixMilli(), 1136214245123n);
    assert.equal(T.UnixNano(), 1136214245123000000n);
    assert.deepEqual(
      [T.Year(), T.Month(), T.Day(), T.Hour(), T.Minute(), T.Second(), T.Weekday()],
      [2006n, 'January', 2n, 15n, 4n, 5n, 'Monday'],
    );
    assert.equal(T.UTC().Local().ms, T.ms);
    assert.equal(ZERO_TIME.IsZero(), true);
    assert.equal(ZERO_TIME.String(), '0001-01-01 00:00:00 +0000 UTC');
    assert.equal(T.IsZero(), false);
    assert.equal(T.Before(ZERO_TIME), false);
    assert.equal(T.After(ZERO_TIME), true);
    assert.equal(T.Sub(T.Add(new GoDuration(-90e9))).String(), '1m30s');
    assert.equal(T.Add(1e9).Format('05'), '06');
    assert.throws(() => T.Sub('x'), /cannot subtract/);
  });
});

describe('GoDuration', () => {
  const CASES: [number, string][] = [
    [0, '0s'],
    [1, '1ns'],
    [1500, '1.5µs'],
    [1.5e6, '1.5ms'],
    [1e9, '1s'],
    [90e9, '1m30s'],
    [3723.5e9, '1h2m3.5s'],
    [-5e9, '-5s'],
    [100 * 3600e9, '100h0m0s'],
  ];
  for (const [ns, want] of CASES) it(want, () => assert.equal(new GoDuration(ns).String(), want));

  it('has Go methods', async () => {
    const d = new GoDuration(5400e9);
    assert.deepEqual(
      [d.Seconds(), d.Minutes(), d.Hours(), d.Milliseconds()],
      [5400, 90, 1.5, 5400000n],
    );
    assert.equal(await expandTemplate('t', '{{ .D.Hours }} {{ .D }}', { D: d }), '1.5 1h30m0s');
  });

  it('JS Dates in data behave as time.Time', async () => {
    const out = await expandTemplate('t', '{{ .At.Format "2006-01-02" }} {{ .At.Year }}', {
      At: new Date(Date.UTC(2024, 1, 29)),
    });
    assert.equal(out, '2024-02-29 2024');
  });
});
