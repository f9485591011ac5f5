import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needsUpdate, readNflog, writeNflog, type NflogEntry } from './nflog.js';
import { tempState } from './testing-doubles.js';

const set = (...x: string[]) => new Set(x);
const H = 3_600_000;

describe('needsUpdate (Alertmanager DedupStage)', () => {
  const e: NflogEntry = { firing: set('a', 'b'), resolved: set(), notifiedAt: 0 };
  const d = {
    firing: set('a', 'b'),
    resolved: set(),
    sendResolved: true,
    repeatIntervalMs: H,
    now: 1000,
  };
  const cases: [
    string,
    NflogEntry | undefined,
    Partial<typeof d> & { acked?: Set<string> },
    boolean,
  ][] = [
    ['never notified, firing', undefined, {}, true],
    ['never notified, only resolved', undefined, { firing: set(), resolved: set('a') }, false],
    ['nothing changed', e, {}, false],
    ['a new firing alert', e, { firing: set('a', 'b', 'c') }, true],
    ['fewer firing alerts, none newly resolved', e, { firing: set('a') }, false],
    ['newly resolved with send_resolved', e, { firing: set('a'), resolved: set('b') }, true],
    [
      'newly resolved without send_resolved',
      e,
      { firing: set('a'), resolved: set('b'), sendResolved: false },
      false,
    ],
    [
      'all resolved after firing (whatever send_resolved)',
      e,
      { firing: set(), resolved: set('a', 'b'), sendResolved: false },
      true,
    ],
    [
      'all resolved, already told',
      { ...e, firing: set() },
      { firing: set(), resolved: set('a') },
      false,
    ],
    ['repeat interval passed', e, { now: H }, true],
    ['repeat interval passed, all acknowledged', e, { now: H, acked: set('a', 'b') }, false],
    ['repeat interval passed, one unacknowledged', e, { now: H, acked: set('a') }, true],
  ];
  for (const [name, entry, over, want] of cases)
    it(name, () => assert.equal(needsUpdate(entry, { ...d, ...over }), want));
});

describe('nflog table', () => {
  it('writes, overwrites and reads entries', async () => {
    const st = tempState();
    try {
      await st.store.sql.write((tx) =>
        writeNflog(tx, 't', 'g', 'r', { firing: set('b', 'a'), resolved: set(), notifiedAt: 5 }),
      );
      await st.store.sql.write((tx) =>
        writeNflog(tx, 't', 'g', 'r', { firing: set('a'), resolved: set('b'), notifiedAt: 9 }),
      );
      const got = await st.store.sql.read((r) => readNflog(r, 't', 'g', 'r'));
      assert.deepEqual(got, { firing: set('a'), resolved: set('b'), notifiedAt: 9 });
      assert.equal(await st.store.sql.read((r) => readNflog(r, 't', 'g', 'other')), undefined);
    } finally {
      await st.cleanup();
    }
  });
});
