import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { histogramRows } from '../../web/src/lib/logs-histogram.js';

describe('logs-histogram', () => {
  it('merges level spellings, orders levels, fills gaps with 0', () => {
    const rows = histogramRows(
      [
        { metric: {}, values: [[120, '3']] },
        {
          metric: { level: 'INFO' },
          values: [
            [60, '1'],
            [120, '2'],
          ],
        },
        { metric: { level: 'err' }, values: [[60, '4']] },
        { metric: { level: 'error' }, values: [[60, '1']] },
      ],
      60,
    );
    assert.deepEqual(rows.x, [0, 60]);
    assert.deepEqual(rows.levels, [
      { level: 'error', counts: [5, 0] },
      { level: 'info', counts: [1, 2] },
      { level: 'unknown', counts: [0, 3] },
    ]);
  });
});
