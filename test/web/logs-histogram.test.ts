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
  it('takes the level from the text when no label names one, field before word', () => {
    const rows = histogramRows(
      [
        { metric: { argus_text_level: 'warning' }, values: [[60, '1']] },
        // level=info … ERROR: the field wins, as in the line list.
        {
          metric: { argus_text_level: 'info', argus_text_level_word: 'ERROR' },
          values: [[60, '2']],
        },
        // severity="high" names no level: the word decides.
        {
          metric: { argus_text_level: 'high', argus_text_level_word: 'ERROR' },
          values: [[60, '4']],
        },
        // A label beats the text.
        { metric: { level: 'debug', argus_text_level_word: 'ERROR' }, values: [[60, '8']] },
        { metric: { detected_level: 'bogus', severity: 'WARN' }, values: [[60, '16']] },
      ],
      60,
    );
    assert.deepEqual(rows.levels, [
      { level: 'error', counts: [4] },
      { level: 'warn', counts: [17] },
      { level: 'info', counts: [2] },
      { level: 'debug', counts: [8] },
    ]);
  });
});
