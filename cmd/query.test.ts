import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTimeFlag } from './query.js';

describe('argus query time flags', () => {
  const now = 1_700_000_000_000;
  const ok: [string, number][] = [
    ['now', 1_700_000_000],
    ['now-2m', 1_700_000_000 - 120],
    ['now+1h', 1_700_000_000 + 3600],
    ['now-1h30m', 1_700_000_000 - 5400],
    ['now-1d', 1_700_000_000 - 86_400],
    ['1700000000.5', 1_700_000_000.5],
    ['2023-11-14T22:13:20Z', 1_700_000_000],
    ['2023-11-14T23:13:20+01:00', 1_700_000_000],
  ];
  for (const [v, want] of ok)
    it(`reads ${v}`, () => assert.equal(parseTimeFlag('start', v, now), want));
  for (const v of ['now-', 'now-2x', 'now2m', 'yesterday', 'now - 2m'])
    it(`refuses ${JSON.stringify(v)}, naming the flag and the forms`, () =>
      assert.throws(
        () => parseTimeFlag('end', v, now),
        (e: Error) =>
          e.message ===
          `--end: want unix seconds, RFC3339, "now" or "now-<duration>" like now-2m, got ${JSON.stringify(v)}`,
      ));
});
