import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contains } from './contains.js';
import { parseTimePeriod, TimeIntervalError, type RawTimePeriod } from './parse.js';

const at = (iso: string) => Date.parse(iso);

describe('time interval contains', () => {
  // [description, period, instant, want]
  const cases: [string, RawTimePeriod, string, boolean][] = [
    [
      'times: start inclusive',
      { times: [{ start_time: '09:00', end_time: '17:00' }] },
      '2024-05-06T09:00:00Z',
      true,
    ],
    [
      'times: end exclusive',
      { times: [{ start_time: '09:00', end_time: '17:00' }] },
      '2024-05-06T17:00:00Z',
      false,
    ],
    [
      'times: up to 24:00',
      { times: [{ start_time: '23:00', end_time: '24:00' }] },
      '2024-05-06T23:59:59Z',
      true,
    ],
    [
      'weekdays: range by names (Mon 2024-05-06)',
      { weekdays: ['monday:friday'] },
      '2024-05-06T12:00:00Z',
      true,
    ],
    [
      'weekdays: Sunday outside mon:fri',
      { weekdays: ['monday:friday'] },
      '2024-05-05T12:00:00Z',
      false,
    ],
    ['weekdays: single name, any case', { weekdays: ['Sunday'] }, '2024-05-05T12:00:00Z', true],
    ['days_of_month: -1 is the last day', { days_of_month: ['-1'] }, '2024-02-29T12:00:00Z', true],
    [
      'days_of_month: -1 not the 28th in a leap year',
      { days_of_month: ['-1'] },
      '2024-02-28T12:00:00Z',
      false,
    ],
    ['days_of_month: -7:-1 last week', { days_of_month: ['-7:-1'] }, '2024-04-25T00:00:00Z', true],
    ['days_of_month: 1:-1 whole month', { days_of_month: ['1:-1'] }, '2024-04-30T00:00:00Z', true],
    [
      'days_of_month: 31 skipped in a 30-day month',
      { days_of_month: ['31'] },
      '2024-04-30T00:00:00Z',
      false,
    ],
    [
      'days_of_month: 25:31 clamps to 30',
      { days_of_month: ['25:31'] },
      '2024-04-30T00:00:00Z',
      true,
    ],
    ['months: names range', { months: ['january:march'] }, '2024-03-31T23:00:00Z', true],
    ['months: numbers', { months: ['4'] }, '2024-03-31T23:00:00Z', false],
    ['months: number range', { months: ['1:3', 'december'] }, '2024-12-01T00:00:00Z', true],
    ['years', { years: ['2020:2022'] }, '2023-01-01T00:00:00Z', false],
    ['years single', { years: ['2023'] }, '2023-01-01T00:00:00Z', true],
    [
      'location shifts the wall clock',
      { times: [{ start_time: '09:00', end_time: '10:00' }], location: 'Asia/Tokyo' },
      '2024-05-06T00:30:00Z',
      true,
    ],
    [
      'location shifts the weekday',
      { weekdays: ['saturday'], location: 'America/Los_Angeles' },
      '2024-05-05T03:00:00Z',
      true,
    ],
    [
      'all fields must match',
      { weekdays: ['monday'], times: [{ start_time: '00:00', end_time: '01:00' }] },
      '2024-05-06T02:00:00Z',
      false,
    ],
    // DST: Europe/Berlin springs forward 2024-03-31 02:00 -> 03:00 (no 02:xx that day).
    [
      'DST spring: 01:59 CET',
      { times: [{ start_time: '02:00', end_time: '03:00' }], location: 'Europe/Berlin' },
      '2024-03-31T00:59:00Z',
      false,
    ],
    [
      'DST spring: next minute is 03:00 CEST',
      { times: [{ start_time: '02:00', end_time: '03:00' }], location: 'Europe/Berlin' },
      '2024-03-31T01:00:00Z',
      false,
    ],
    [
      'DST spring: 03:00 CEST in 03:00-04:00',
      { times: [{ start_time: '03:00', end_time: '04:00' }], location: 'Europe/Berlin' },
      '2024-03-31T01:00:00Z',
      true,
    ],
    // Falls back 2024-10-27 03:00 CEST -> 02:00 CET: 02:30 happens twice, both match.
    [
      'DST autumn: first 02:30 (CEST)',
      { times: [{ start_time: '02:00', end_time: '03:00' }], location: 'Europe/Berlin' },
      '2024-10-27T00:30:00Z',
      true,
    ],
    [
      'DST autumn: second 02:30 (CET)',
      { times: [{ start_time: '02:00', end_time: '03:00' }], location: 'Europe/Berlin' },
      '2024-10-27T01:30:00Z',
      true,
    ],
    [
      'DST autumn: 03:00 CET after',
      { times: [{ start_time: '02:00', end_time: '03:00' }], location: 'Europe/Berlin' },
      '2024-10-27T02:00:00Z',
      false,
    ],
    ['empty period matches always', {}, '2024-10-27T02:00:00Z', true],
  ];
  for (const [name, raw, iso, want] of cases) {
    it(name, () => {
      assert.equal(contains([parseTimePeriod(raw)], at(iso)), want);
      assert.equal(contains([parseTimePeriod(raw)], new Date(at(iso))), want);
    });
  }

  it('any of several periods', () => {
    const ps = [
      parseTimePeriod({ weekdays: ['monday'] }),
      parseTimePeriod({ weekdays: ['sunday'] }),
    ];
    assert.equal(contains(ps, at('2024-05-05T00:00:00Z')), true);
    assert.equal(contains(ps, at('2024-05-07T00:00:00Z')), false);
    assert.equal(contains([], at('2024-05-07T00:00:00Z')), false);
  });

  it('Local uses the process zone', () => {
    const p = parseTimePeriod({ years: [String(new Date().getFullYear())], location: 'Local' });
    assert.equal(contains([p], new Date(new Date().getFullYear(), 5, 15)), true);
  });
});

describe('time interval validation', () => {
  const bad: [RawTimePeriod, string][] = [
    [
      { times: [{ start_time: '9:00', end_time: '10:00' }] },
      "times: couldn't parse timestamp 9:00, invalid format",
    ],
    [
      { times: [{ start_time: '10:00', end_time: '24:01' }] },
      "times: couldn't parse timestamp 24:01, invalid format",
    ],
    [
      { times: [{ start_time: '10:00', end_time: '10:00' }] },
      'times: start time cannot be equal or greater than end time',
    ],
    [
      { weekdays: ['friday:monday'] },
      'weekdays: start day cannot be before end day: friday:monday',
    ],
    [{ weekdays: ['funday'] }, 'weekdays: "funday" is not a valid weekday'],
    [{ days_of_month: ['0'] }, 'days_of_month: 0 is not a valid day of the month: out of range'],
    [{ days_of_month: ['32'] }, 'days_of_month: 32 is not a valid day of the month: out of range'],
    [{ days_of_month: ['10:2'] }, 'days_of_month: end day must be greater than start day: 10:2'],
    [{ days_of_month: ['x'] }, 'days_of_month: "x" is not a valid day of the month'],
    [{ months: ['13'] }, 'months: 13 is not a valid month: out of range'],
    [{ months: ['march:january'] }, 'months: end month january is before start month march'],
    [{ months: ['smarch'] }, 'months: "smarch" is not a valid month'],
    [
      { years: ['2022:2020'] },
      'years: end year must be greater than or equal to start year: 2022:2020',
    ],
    [{ years: ['1:2:3'] }, 'years: invalid range "1:2:3": expected "start:end"'],
    [{ location: 'Mars/Olympus' }, 'location: unknown time zone "Mars/Olympus"'],
  ];
  for (const [raw, want] of bad) {
    it(`rejects ${JSON.stringify(raw)}`, () => {
      assert.throws(
        () => parseTimePeriod(raw),
        (e: Error) => e instanceof TimeIntervalError && e.message === want,
      );
    });
  }
});
