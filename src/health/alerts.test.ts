import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../model/index.js';
import { AlertTracker, checkURL, type AlertBase } from './alerts.js';

const base = (check: string, description = ''): [string, AlertBase] => {
  const labels = Labels.fromObject({ alertname: 'CheckDown', check });
  return [
    labels.toString(),
    {
      labels,
      annotations: { summary: `${check} is down`, description },
      startsAt: 5,
      generatorURL: '',
    },
  ];
};

describe('AlertTracker', () => {
  it('sends new alerts at once, re-sends every interval, resolves once', () => {
    const t = new AlertTracker(100);
    const a = new Map([base('a')]);
    const b1 = t.next(a, 1000);
    assert.deepEqual(
      b1.alerts.map((x) => [x.startsAt, x.endsAt, x.evaluatedAt]),
      [[5, 1400, 1000]],
    );
    t.delivered(b1);
    assert.deepEqual(t.firing(), [...a.keys()]);
    assert.equal(t.next(a, 1099).alerts.length, 0);
    const b2 = t.next(a, 1100);
    assert.equal(b2.alerts[0].endsAt, 1500);
    t.delivered(b2);
    const r = t.next(new Map(), 1150);
    assert.deepEqual(
      r.alerts.map((x) => x.endsAt),
      [1150],
    );
    t.delivered(r);
    assert.equal(t.next(new Map(), 1200).alerts.length, 0);
    assert.deepEqual(t.firing(), []);
  });

  it('a changed annotation is sent at once, keeping startsAt', () => {
    const t = new AlertTracker(100);
    t.delivered(t.next(new Map([base('a', 'x')]), 1000));
    const b = t.next(new Map([[base('a', 'y')[0], { ...base('a', 'y')[1], startsAt: 999 }]]), 1010);
    assert.deepEqual(
      b.alerts.map((x) => [x.annotations.description, x.startsAt]),
      [['y', 5]],
    );
  });

  it('after a failed send, firing alerts are due again and resolutions retried', () => {
    const t = new AlertTracker(100);
    const b = t.next(new Map([base('a'), base('b')]), 1000);
    t.failed(b);
    const again = t.next(new Map([base('a')]), 1001);
    assert.deepEqual(
      again.alerts.map((x) => [x.labels.get('check'), x.endsAt]),
      [
        ['a', 1401],
        ['b', 1001],
      ],
    );
    t.failed(again);
    const third = t.next(new Map([base('a')]), 1002);
    assert.deepEqual(
      third.alerts.map((x) => [x.labels.get('check'), x.endsAt]),
      [
        ['a', 1402],
        ['b', 1001],
      ],
    );
    // A resolved alert that fires again before its resolution was delivered starts afresh.
    const back = t.next(new Map([base('a'), base('b')]), 1003);
    assert.equal(back.alerts.find((x) => x.labels.get('check') === 'b')?.endsAt, 1403);
  });

  it('checkURL', () => {
    assert.equal(checkURL(undefined, 'a'), '');
    assert.equal(checkURL('http://x//', 'a b'), 'http://x/health/checks/a%20b');
  });
});
