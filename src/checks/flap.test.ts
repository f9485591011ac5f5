import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyProbe, type FlapState } from './flap.js';
import type { CheckState } from './status.js';

/** Runs a probe sequence (`s` success, `f` failure) and returns the state after each. */
function states(from: CheckState, seq: string, failureThreshold: number, successThreshold: number) {
  let s: FlapState = { state: from, failures: 0, successes: 0 };
  const out: string[] = [];
  for (const c of seq) {
    s = applyProbe(s, c === 's', { failureThreshold, successThreshold });
    out.push(s.state === 'unknown' ? '?' : s.state[0]); // ? / u / d
  }
  return out.join('');
}

describe('applyProbe (flap protection)', () => {
  const cases: [CheckState, string, number, number, string][] = [
    // from, probes, failure_threshold, success_threshold, state after each probe (?=unknown)
    ['unknown', 'fff', 3, 1, '??d'],
    ['unknown', 's', 3, 1, 'u'],
    ['unknown', 'ss', 1, 2, '?u'],
    ['unknown', 'sfs', 1, 2, '?dd'],
    ['unknown', 'f', 1, 2, 'd'],
    ['up', 'fsffs', 2, 1, 'uuudu'],
    ['up', 'ff', 2, 1, 'ud'],
    ['down', 'sfss', 2, 2, 'dddu'],
    ['down', 'sss', 2, 3, 'ddu'],
  ];
  for (const [from, seq, ft, st, want] of cases) {
    it(`${from} + ${seq} (failure ${ft}, success ${st}) → ${want}`, () => {
      assert.equal(states(from, seq, ft, st), want);
    });
  }

  it('tells unknown from up and counts consecutive probes', () => {
    let s: FlapState = { state: 'unknown', failures: 0, successes: 0 };
    const t = { failureThreshold: 2, successThreshold: 2 };
    s = applyProbe(s, true, t);
    assert.deepEqual(s, { state: 'unknown', failures: 0, successes: 1 });
    s = applyProbe(s, true, t);
    assert.deepEqual(s, { state: 'up', failures: 0, successes: 2 });
    s = applyProbe(s, false, t);
    assert.deepEqual(s, { state: 'up', failures: 1, successes: 0 });
    s = applyProbe(s, false, t);
    assert.deepEqual(s, { state: 'down', failures: 2, successes: 0 });
  });
});
