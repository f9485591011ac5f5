import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Labels } from '../../model/index.js';
import { fingerprint, merge, mergeInto, overlaps, receive, type HeldAlert } from './merge.js';

const L = Labels.fromObject({ alertname: 'A', job: 'j' });
const h = (
  startsAt: number,
  endsAt: number,
  updatedAt: number,
  timeout = false,
  summary = '',
): HeldAlert => ({
  tenant: DEFAULT_TENANT,
  fingerprint: fingerprint(L),
  alert: { labels: L, annotations: { summary }, startsAt, endsAt, generatorURL: '' },
  updatedAt,
  timeout,
});

describe('fingerprint', () => {
  it('is 16 hex digits of the label hash, the same for equal sets', () => {
    const fp = fingerprint(L);
    assert.match(fp, /^[0-9a-f]{16}$/);
    assert.equal(fp, fingerprint(Labels.fromObject({ job: 'j', alertname: 'A' })));
    assert.notEqual(fp, fingerprint(Labels.fromObject({ alertname: 'B', job: 'j' })));
    assert.equal(parseInt(fp, 16), L.hash());
  });
});

describe('receive (API v2 defaults)', () => {
  const a = (startsAt: number, endsAt: number) => ({
    labels: L,
    annotations: {},
    startsAt,
    endsAt,
    generatorURL: '',
  });
  const cases: [string, number, number, number, number, boolean][] = [
    // name, startsAt, endsAt -> startsAt, endsAt, timeout (now 1000, resolve timeout 300)
    ['neither set', 0, 0, 1000, 1300, true],
    ['only endsAt: startsAt = endsAt', 0, 900, 900, 900, false],
    ['only startsAt: timeout', 500, 0, 500, 1300, true],
    ['both set: kept', 500, 2000, 500, 2000, false],
  ];
  for (const [name, s, e, ws, we, wt] of cases) {
    it(name, () => {
      const r = receive(DEFAULT_TENANT, a(s, e), 1000, 300);
      assert.deepEqual(
        [r.alert.startsAt, r.alert.endsAt, r.timeout, r.updatedAt],
        [ws, we, wt, 1000],
      );
    });
  }
});

describe('merge (types.Alert.Merge)', () => {
  const now = 1000;
  // [name, a, o, want startsAt, want endsAt, want winner summary]
  const cases: [string, HeldAlert, HeldAlert, number, number, string][] = [
    [
      'younger wins, earliest start kept',
      h(100, 2000, 10, false, 'old'),
      h(200, 3000, 20, false, 'new'),
      100,
      3000,
      'new',
    ],
    [
      'order of arguments does not matter',
      h(200, 3000, 20, false, 'new'),
      h(100, 2000, 10, false, 'old'),
      100,
      3000,
      'new',
    ],
    [
      'tie on updatedAt: the second wins',
      h(100, 2000, 10, false, 'a'),
      h(100, 2500, 10, false, 'b'),
      100,
      2500,
      'b',
    ],
    [
      'resolved younger wins over an ongoing older',
      h(100, 5000, 10),
      h(100, 900, 20, false, 'r'),
      100,
      900,
      'r',
    ],
    ['both resolved: the later endsAt', h(100, 950, 10), h(100, 900, 20), 100, 950, ''],
    [
      'ongoing younger: an older later non-timeout endsAt wins',
      h(100, 5000, 10),
      h(100, 3000, 20),
      100,
      5000,
      '',
    ],
    [
      'ongoing younger: an older later timeout endsAt does not',
      h(100, 5000, 10, true),
      h(100, 3000, 20),
      100,
      3000,
      '',
    ],
    [
      'older resolved, younger firing: the younger endsAt',
      h(100, 900, 10),
      h(100, 3000, 20),
      100,
      3000,
      '',
    ],
  ];
  for (const [name, a, o, ws, we, wsum] of cases) {
    it(name, () => {
      const r = merge(a, o, now);
      assert.deepEqual(
        [r.alert.startsAt, r.alert.endsAt, r.alert.annotations.summary],
        [ws, we, wsum],
      );
    });
  }
});

describe('overlaps and mergeInto (provider/mem Put)', () => {
  it('merges only overlapping activity ranges', () => {
    const old = h(100, 1000, 10).alert;
    assert.equal(overlaps(old, h(50, 500, 20).alert), true, 'ends inside');
    assert.equal(overlaps(old, h(500, 2000, 20).alert), true, 'starts inside');
    assert.equal(overlaps(old, h(1000, 2000, 20).alert), false, 'starts at the end');
    assert.equal(overlaps(old, h(2000, 3000, 20).alert), false, 'after');
    assert.equal(overlaps(old, h(100, 1000, 20).alert), false, 'identical range');
  });
  it('replaces without merging when not overlapping, and with no previous version', () => {
    const next = h(2000, 3000, 20, false, 'n');
    assert.equal(mergeInto(h(100, 1000, 10), next, 1500), next);
    assert.equal(mergeInto(undefined, next, 1500), next);
    assert.equal(mergeInto(h(100, 2500, 10), next, 1500).alert.startsAt, 100);
  });
});
