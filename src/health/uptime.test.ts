import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DAY_MS,
  mergeIntervals,
  sloReport,
  uptimeReport,
  uptimeTotals,
  type StateEvent,
} from './uptime.js';

const H = 3_600_000;
// 2026-03-10T00:00:00Z: a day boundary.
const T0 = Date.UTC(2026, 2, 10);

describe('mergeIntervals', () => {
  it('sorts, merges overlapping and touching, drops empty', () => {
    assert.deepEqual(
      mergeIntervals([
        { start: 50, end: 60 },
        { start: 0, end: 10 },
        { start: 10, end: 20 },
        { start: 15, end: 30 },
        { start: 40, end: 40 },
      ]),
      [
        { start: 0, end: 30 },
        { start: 50, end: 60 },
      ],
    );
  });
});

describe('uptimeTotals', () => {
  const ev = (at: number, state: string): StateEvent => ({ at, state });
  const cases: {
    name: string;
    events: StateEvent[];
    maint?: { start: number; end: number }[];
    want: [number, number, number];
  }[] = [
    { name: 'no data', events: [], want: [0, 0, 0] },
    { name: 'up all along (event before the range)', events: [ev(-5, 'up')], want: [100, 0, 0] },
    {
      name: 'no data before the first event',
      events: [ev(40, 'up'), ev(70, 'down')],
      want: [30, 30, 0],
    },
    { name: 'unknown is no data', events: [ev(0, 'up'), ev(50, 'unknown')], want: [50, 0, 0] },
    { name: 'degraded counts as up', events: [ev(0, 'degraded')], want: [100, 0, 0] },
    {
      name: 'maintenance state',
      events: [ev(0, 'up'), ev(20, 'maintenance'), ev(30, 'down')],
      want: [20, 70, 10],
    },
    {
      name: 'maintenance windows cut into states, also over no data',
      events: [ev(10, 'down'), ev(60, 'up')],
      maint: [
        { start: 0, end: 20 },
        { start: 50, end: 70 },
        { start: 65, end: 80 },
      ],
      want: [20, 30, 50],
    },
    {
      name: 'a window spanning several states',
      events: [ev(0, 'up'), ev(30, 'down'), ev(40, 'up'), ev(60, 'down')],
      maint: [{ start: 20, end: 70 }],
      want: [20, 30, 50],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const [t] = uptimeTotals(c.events, c.maint ?? [], 0, 100, [{ start: 0, end: 100 }]);
      assert.deepEqual([t.upMs, t.downMs, t.maintenanceMs], c.want);
    });
  it('splits at bucket edges', () => {
    const buckets = [
      { start: 0, end: 25 },
      { start: 25, end: 50 },
      { start: 50, end: 100 },
    ];
    const t = uptimeTotals([ev(0, 'up'), ev(20, 'down'), ev(30, 'up')], [], 0, 100, buckets);
    assert.deepEqual(
      t.map((x) => [x.upMs, x.downMs]),
      [
        [20, 5],
        [20, 5],
        [50, 0],
      ],
    );
  });
});

describe('uptimeReport', () => {
  it('3 h down in the last 24 h → 0.875; longer windows count older data', () => {
    const now = T0 + DAY_MS; // midnight: "today" has just started
    const events = [
      { at: T0 - 10 * DAY_MS, state: 'up' },
      { at: T0 + 6 * H, state: 'down' },
      { at: T0 + 9 * H, state: 'up' },
    ];
    const r = uptimeReport(events, [], now);
    assert.equal(r.windows['24h'], 0.875);
    assert.equal(r.windows['7d'], 1 - 3 / (7 * 24));
    // 11 days of data in the 30d and 90d windows.
    assert.equal(r.windows['30d'], 1 - 3 / (11 * 24));
    assert.equal(r.windows['90d'], 1 - 3 / (11 * 24));
    assert.equal(r.daily.length, 90);
    assert.deepEqual(r.daily[89], {
      day: '2026-03-11',
      ratio: null,
      downSeconds: 0,
      maintenanceSeconds: 0,
    });
    assert.deepEqual(r.daily[88], {
      day: '2026-03-10',
      ratio: 0.875,
      downSeconds: 3 * 3600,
      maintenanceSeconds: 0,
    });
    assert.equal(r.daily[78].ratio, 1);
    assert.equal(r.daily[77].ratio, null); // before the first event
    assert.equal(r.daily[0].day, '2025-12-12');
  });
  it('the current state extends to now; maintenance excluded', () => {
    const now = T0 + 12 * H;
    const r = uptimeReport(
      [
        { at: T0 - DAY_MS, state: 'up' },
        { at: T0 + 10 * H, state: 'down' },
      ],
      [{ start: T0 + 11 * H, end: T0 + 13 * H }],
      now,
    );
    // 24 h window: 23 h known, 1 h down (the last hour is maintenance).
    assert.equal(r.windows['24h'], 22 / 23);
    assert.equal(r.daily[89].downSeconds, 3600);
    assert.equal(r.daily[89].maintenanceSeconds, 3600);
  });
  it('no events: every ratio null', () => {
    const r = uptimeReport([], [], T0);
    assert.deepEqual(r.windows, { '24h': null, '7d': null, '30d': null, '90d': null });
    assert.ok(r.daily.every((d) => d.ratio === null));
  });
});

describe('sloReport', () => {
  it('99.9% over 30 d: budget 2592 s; 1296 s down leaves half', () => {
    const now = T0;
    const w = 30 * DAY_MS;
    const r = sloReport(
      [
        { at: now - 40 * DAY_MS, state: 'up' },
        { at: now - DAY_MS, state: 'down' },
        { at: now - DAY_MS + 1_296_000, state: 'up' },
      ],
      [],
      now,
      99.9,
      w,
    );
    assert.equal(r.target, 99.9);
    assert.equal(r.window, w);
    assert.ok(Math.abs(r.errorBudgetSeconds - 2592) < 1e-6);
    assert.ok(Math.abs(r.remainingRatio! - 0.5) < 1e-9);
    assert.equal(r.availability, 1 - 1296 / (30 * 86400));
  });
  it('overspent goes negative; maintenance shrinks the budget; no data → null', () => {
    const now = T0;
    const r = sloReport(
      [{ at: now - DAY_MS, state: 'down' }],
      [{ start: now - 2 * DAY_MS, end: now - DAY_MS }],
      now,
      99,
      10 * DAY_MS,
    );
    assert.ok(Math.abs(r.errorBudgetSeconds - 0.01 * 9 * 86400) < 1e-6);
    assert.ok(r.remainingRatio! < 0);
    assert.equal(r.availability, 0);
    const none = sloReport([], [], now, 99, DAY_MS);
    assert.equal(none.availability, null);
    assert.equal(none.remainingRatio, null);
  });
});
