import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyMove,
  nextPosition,
  readingOrder,
  settle,
} from '../../web/src/lib/dashboard/layout.js';
import { labelsKey, mergeSeries } from '../../web/src/lib/dashboard/merge.js';
import {
  escapeRegex,
  formatLegend,
  interpolate,
  parseLabelValues,
  seriesName,
} from '../../web/src/lib/dashboard/template.js';

const B = { stepSec: 15, rangeSec: 3600 };

describe('dashboard variables', () => {
  it('replaces $x, ${x} and [[x]]; multi values become an escaped regex alternation', () => {
    const vars = {
      job: { values: ['node'], regex: false },
      instance: { values: ['a.b:9100', 'c:9100'], regex: true },
    };
    assert.equal(
      interpolate('up{job="$job", instance=~"${instance}"} or up{job="[[job]]"}', vars, B),
      'up{job="node", instance=~"(a\\\\.b:9100|c:9100)"} or up{job="node"}',
    );
    // One value of a multi variable: no parentheses; unknown names stay visible.
    assert.equal(
      interpolate('x{i=~"$instance"} $nope', { instance: { values: ['a'], regex: true } }, B),
      'x{i=~"a"} $nope',
    );
    assert.equal(interpolate('rate(x[$__rate_interval]) $__range', {}, B), 'rate(x[60s]) 3600s');
    assert.equal(
      interpolate('rate(x[$__interval])', {}, { stepSec: 120, rangeSec: 1 }),
      'rate(x[120s])',
    );
    assert.equal(escapeRegex('a+b(c)'), 'a\\\\+b\\\\(c\\\\)');
  });

  it('formats legends and series names', () => {
    const l = { __name__: 'up', job: 'node', instance: 'a' };
    assert.equal(formatLegend('{{instance}} / {{ job }} {{missing}}', l), 'a / node ');
    assert.equal(formatLegend(undefined, l), 'up{instance="a", job="node"}');
    assert.equal(seriesName({}), '{}');
    assert.equal(seriesName({ a: '"x"' }), '{a="\\"x\\""}');
  });

  it('parses label_values queries', () => {
    assert.deepEqual(parseLabelValues('label_values(job)'), { label: 'job' });
    assert.deepEqual(parseLabelValues('label_values(up{job="x"}, instance)'), {
      selector: 'up{job="x"}',
      label: 'instance',
    });
    assert.equal(parseLabelValues('query_result(up)'), undefined);
  });
});

describe('dashboard layout', () => {
  it('moves and resizes within the 24-column grid', () => {
    const p = { x: 0, y: 0, w: 12, h: 8 };
    assert.deepEqual(applyMove(p, 'left'), p);
    assert.deepEqual(applyMove(p, 'right'), { ...p, x: 1 });
    assert.deepEqual(applyMove({ ...p, x: 12 }, 'right'), { ...p, x: 12 });
    assert.deepEqual(applyMove({ ...p, x: 12 }, 'wider'), { ...p, x: 12 });
    assert.deepEqual(applyMove(p, 'narrower'), { ...p, w: 11 });
    assert.deepEqual(applyMove({ ...p, w: 2 }, 'narrower'), { ...p, w: 2 });
    assert.deepEqual(applyMove(p, 'down'), { ...p, y: 1 });
    assert.deepEqual(applyMove(p, 'taller'), { ...p, h: 9 });
  });

  it('places new panels beside a lone half-width panel, else below', () => {
    assert.deepEqual(nextPosition([]), { x: 0, y: 0, w: 12, h: 8 });
    assert.deepEqual(nextPosition([{ x: 0, y: 0, w: 12, h: 8 }]), { x: 12, y: 0, w: 12, h: 8 });
    assert.deepEqual(
      nextPosition([
        { x: 0, y: 0, w: 12, h: 8 },
        { x: 12, y: 0, w: 12, h: 8 },
      ]),
      { x: 0, y: 8, w: 12, h: 8 },
    );
    const order = readingOrder([
      { id: 1, gridPos: { x: 12, y: 0, w: 12, h: 8 } },
      { id: 2, gridPos: { x: 0, y: 8, w: 24, h: 8 } },
      { id: 3, gridPos: { x: 0, y: 0, w: 12, h: 8 } },
    ]);
    assert.deepEqual(
      order.map((p) => p.id),
      [3, 1, 2],
    );
  });
});

describe('settling after a move', () => {
  it('pushes what the moved panel now covers down, cascading, and leaves the rest', () => {
    const panels = [
      { id: 1, gridPos: { x: 0, y: 0, w: 13, h: 8 } }, // grew into panel 2
      { id: 2, gridPos: { x: 12, y: 0, w: 12, h: 8 } },
      { id: 3, gridPos: { x: 12, y: 8, w: 12, h: 4 } }, // under 2: pushed on
      { id: 4, gridPos: { x: 0, y: 8, w: 6, h: 4 } }, // not in the way
    ];
    const out = settle(panels, 1);
    assert.deepEqual(
      out.map((p) => [p.id, p.gridPos.y]),
      [
        [1, 0],
        [2, 8],
        [3, 16],
        [4, 8],
      ],
    );
    assert.equal(panels[1].gridPos.y, 0, 'input untouched');
    // No two panels overlap afterwards.
    for (const a of out)
      for (const b of out) {
        if (a === b) continue;
        const g = a.gridPos;
        const h = b.gridPos;
        assert.ok(!(g.x < h.x + h.w && h.x < g.x + g.w && g.y < h.y + h.h && h.y < g.y + g.h));
      }
  });
});

describe('incremental range extension', () => {
  it('replaces the fresh span, drops what left the window, adds and removes series', () => {
    const k = (l: Record<string, string>) => ({ key: labelsKey(l), labels: l });
    const held = [
      {
        ...k({ a: '1' }),
        points: [
          [0, 1],
          [15, 2],
          [30, 3],
          [45, 4],
        ] as [number, number][],
      },
      { ...k({ a: '2' }), points: [[0, 9]] as [number, number][] },
    ];
    const fresh = [
      {
        ...k({ a: '1' }),
        points: [
          [30, 33],
          [45, 44],
          [60, 55],
        ] as [number, number][],
      },
      { ...k({ a: '3' }), points: [[60, 7]] as [number, number][] },
    ];
    const out = mergeSeries(held, fresh, 30, 15);
    assert.deepEqual(
      out.map((s) => [s.labels, s.points]),
      [
        [
          { a: '1' },
          [
            [15, 2],
            [30, 33],
            [45, 44],
            [60, 55],
          ],
        ],
        [{ a: '3' }, [[60, 7]]],
      ],
    );
    assert.equal(held[0].points.length, 4, 'inputs untouched');
    assert.notEqual(labelsKey({ a: 'b', c: '' }), labelsKey({ a: 'bc' }));
  });
});
