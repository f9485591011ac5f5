import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DashboardValidationError } from './errors.js';
import { formatPath, LIMITS, parseDashboard } from './schema.js';

const base = {
  schemaVersion: 1,
  uid: 'd1',
  title: 'T',
  panels: [{ id: 1, type: 'stat', title: 'p', gridPos: { x: 0, y: 0, w: 6, h: 4 } }],
};
const panel = (over: object) => ({ ...base, panels: [{ ...base.panels[0], ...over }] });

function problems(v: unknown): string[] {
  try {
    parseDashboard(v);
  } catch (err) {
    assert.ok(err instanceof DashboardValidationError);
    return err.problems;
  }
  assert.fail('expected a validation error');
}

describe('dashboard schema', () => {
  it('fills defaults', () => {
    const d = parseDashboard(base);
    assert.deepEqual(d.time, { from: 'now-1h', to: 'now' });
    assert.equal(d.refresh, 'off');
    assert.deepEqual(d.tags, []);
    assert.deepEqual(d.variables, []);
    assert.deepEqual(d.panels[0].targets, []);
  });

  it('formats paths like panels[2].gridPos.w', () => {
    assert.equal(formatPath(['panels', 2, 'gridPos', 'w']), 'panels[2].gridPos.w');
    assert.equal(formatPath([]), '(dashboard)');
  });

  // One bad input per line, with the exact first problem.
  const cases: [string, unknown, string][] = [
    [
      'version',
      { ...base, schemaVersion: 2 },
      'schemaVersion: expected 1 (the only format version)',
    ],
    ['uid', { ...base, uid: 'a b' }, 'uid: expected 1-40 letters, digits, _ or -'],
    ['empty title', { ...base, title: '' }, 'title: expected a title'],
    [
      'long title',
      { ...base, title: 'x'.repeat(LIMITS.title + 1) },
      'title: expected at most 256 characters',
    ],
    ['unknown field', { ...base, colour: 1 }, '(dashboard): unknown field "colour"'],
    [
      'grid w',
      panel({ gridPos: { x: 0, y: 0, w: 25, h: 4 } }),
      'panels[0].gridPos.w: expected at most 24',
    ],
    [
      'grid overflow',
      panel({ gridPos: { x: 20, y: 0, w: 6, h: 4 } }),
      'panels[0].gridPos.w: x + w must be at most 24 (the grid has 24 columns)',
    ],
    [
      'grid int',
      panel({ gridPos: { x: 0.5, y: 0, w: 6, h: 4 } }),
      'panels[0].gridPos.x: expected an integer',
    ],
    [
      'panel type',
      panel({ type: 'piechart' }),
      'panels[0].type: expected one of timeseries, stat, gauge, bargauge, table, text',
    ],
    [
      'refId dup',
      panel({
        targets: [
          { expr: 'up', refId: 'A' },
          { expr: 'up', refId: 'A' },
        ],
      }),
      'panels[0].targets[1].refId: duplicate refId "A"',
    ],
    [
      'panel id dup',
      { ...base, panels: [base.panels[0], base.panels[0]] },
      'panels[1].id: duplicate panel id 1',
    ],
    [
      'color',
      panel({ thresholds: [{ value: 1, color: 'url(javascript:x)' }] }),
      'panels[0].thresholds[0].color: expected a colour name (green, yellow, orange, red, blue, purple, grey) or #rrggbb',
    ],
    ['unit', panel({ unit: '<b>' }), 'panels[0].unit: expected a unit id like bytes, percent or s'],
    [
      'option',
      panel({ options: { stacked: true, wobble: 1 } }),
      'panels[0].options: unknown field "wobble"',
    ],
    [
      'time',
      { ...base, time: { from: 'yesterday', to: 'now' } },
      'time.from: expected now, now-6h, now-1d/d or an RFC 3339 time',
    ],
    [
      'refresh',
      { ...base, refresh: 'often' },
      'refresh: expected off or a duration like 15s or 1m',
    ],
    [
      'variable query',
      { ...base, variables: [{ name: 'x', query: 'up' }] },
      'variables[0].query: expected label_values(label) or label_values(selector, label)',
    ],
    [
      'variable dup',
      {
        ...base,
        variables: [
          { name: 'x', query: 'label_values(job)' },
          { name: 'x', query: 'label_values(job)' },
        ],
      },
      'variables[1].name: duplicate variable "x"',
    ],
    [
      'too many panels',
      {
        ...base,
        panels: Array.from({ length: 201 }, (_, i) => ({ ...base.panels[0], id: i + 1 })),
      },
      'panels: expected at most 200 panels',
    ],
    ['not an object', 'nope', '(dashboard): Invalid input: expected object, received string'],
  ];
  for (const [name, input, want] of cases)
    it(`refuses: ${name}`, () => assert.equal(problems(input)[0], want));

  it('the error message lists the first problems with paths', () => {
    assert.throws(() => parseDashboard({ ...base, uid: '', title: '' }), {
      message:
        'invalid dashboard: uid: expected 1-40 letters, digits, _ or -; title: expected a title',
    });
  });

  it('accepts every panel type, variables, thresholds and absolute times', () => {
    const d = parseDashboard({
      ...base,
      time: { from: '2026-01-01T00:00:00Z', to: 'now-1d/d' },
      refresh: '15s',
      variables: [
        { name: 'job', query: 'label_values(up, job)', includeAll: true, current: ['$__all'] },
        {
          name: 'instance',
          label: 'Instance',
          query: 'label_values(up{job="$job"}, instance)',
          multi: true,
        },
      ],
      panels: ['timeseries', 'stat', 'gauge', 'bargauge', 'table', 'text'].map((type, i) => ({
        id: i + 1,
        type,
        title: type,
        gridPos: { x: 0, y: i * 8, w: 24, h: 8 },
        thresholds: [
          { value: null, color: 'green' },
          { value: 80, color: '#ff0000' },
        ],
        ...(type === 'text' ? { text: '# hi' } : { targets: [{ expr: 'up', refId: 'A' }] }),
      })),
    });
    assert.equal(d.panels.length, 6);
    assert.equal(d.variables[1].multi, true);
  });

  it('keeps XSS-ish strings verbatim (rendering safety is the UI job)', () => {
    const evil = '<img src=x onerror=alert(1)>{{constructor.constructor("alert(1)")()}}';
    const d = parseDashboard({
      ...base,
      title: evil,
      panels: [
        {
          ...panel({}).panels[0],
          type: 'text',
          text: '[x](javascript:alert(1))<svg onload=alert(1)>',
        },
      ],
    });
    assert.equal(d.title, evil);
    assert.equal(d.panels[0].text, '[x](javascript:alert(1))<svg onload=alert(1)>');
  });
});
