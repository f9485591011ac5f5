import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matcher } from '../../model/index.js';
import { LogqlEvalError } from '../errors.js';
import type { ProcessedRecord } from '../types.js';
import { evaluateMetric } from './evaluate.js';
import {
  fakeSelect,
  instant,
  matrixOf,
  MIN,
  ns,
  range,
  rangeQuery,
  rec,
  T0,
  vectorOf,
} from './testing.js';

const A = { app: 'api', s: 'a' };
const B = { app: 'api', s: 'b' };
const SA = '{app="api", s="a"}';

describe('range aggregation windows', () => {
  it('is left-open and right-closed at ns precision', async () => {
    const recs = [
      rec(A, T0 - 5 * MIN), // on the left edge: out
      rec(A, T0 - 5 * MIN, 'x', 1), // 1 ns later: in
      rec(A, T0), // on the right edge: in
      rec(A, T0, 'x', 1), // 1 ns after: out
    ];
    const r = await instant(range('count_over_time', 5 * MIN), recs, T0);
    assert.deepEqual(vectorOf(r).values, { [SA]: 2 });
  });

  const recs = [
    rec(A, T0 - 90_000),
    rec(A, T0 - 30_000),
    rec(A, T0 + 30_000),
    rec(A, T0 + 60_000),
    rec(A, T0 + 150_000),
  ];

  it('range a multiple of the step (one segment per step)', async () => {
    const r = await rangeQuery(range('count_over_time', 2 * MIN), recs, T0, T0 + 3 * MIN, MIN);
    assert.deepEqual(matrixOf(r), {
      [SA]: [
        [0, 2],
        [60_000, 3],
        [120_000, 2],
        [180_000, 1],
      ],
    });
  });

  it('range not a multiple of the step (two segments per step)', async () => {
    const r = await rangeQuery(range('count_over_time', 90_000), recs, T0, T0 + 3 * MIN, MIN);
    assert.deepEqual(matrixOf(r), {
      [SA]: [
        [0, 1],
        [60_000, 2],
        [120_000, 1],
        [180_000, 1],
      ],
    });
  });

  it('step longer than the range skips the gaps', async () => {
    const gap = [
      rec(A, T0 - 30_000),
      rec(A, T0 + 30_000),
      rec(A, T0 + 90_000),
      rec(A, T0 + 240_000),
    ];
    const r = await rangeQuery(range('count_over_time', MIN), gap, T0, T0 + 4 * MIN, 2 * MIN);
    assert.deepEqual(matrixOf(r), {
      [SA]: [
        [0, 1],
        [120_000, 1],
        [240_000, 1],
      ],
    });
  });

  it('steps run from start while ≤ end, not aligned to the step', async () => {
    const r = await rangeQuery(
      range('count_over_time', MIN),
      [rec(A, T0 + 10)],
      T0 + 7,
      T0 + 130_000,
      MIN,
    );
    assert.deepEqual(matrixOf(r, T0), { [SA]: [[60_007, 1]] });
  });

  it('selects once, (first window start, last step], whatever the number of steps', async () => {
    const f = fakeSelect(recs);
    await evaluateMetric(range('count_over_time', 2 * MIN), {
      select: f.select,
      startMs: T0,
      endMs: T0 + 3 * MIN,
      stepMs: 1000,
      instant: false,
    });
    assert.deepEqual(f.calls, [{ start: ns(T0 - 2 * MIN) + 1n, end: ns(T0 + 3 * MIN) + 1n }]);
  });

  it('offset shifts the windows back, not the output times', async () => {
    const r = await instant(range('count_over_time', MIN, { offsetMs: MIN }), recs, T0 + MIN);
    // (T0 - 1m, T0]: T0-30s only.
    assert.deepEqual(vectorOf(r).values, { [SA]: 1 });
    const m = await rangeQuery(
      range('count_over_time', MIN, { offsetMs: MIN }),
      recs,
      T0 + MIN,
      T0 + 2 * MIN,
      MIN,
    );
    assert.deepEqual(matrixOf(m), {
      [SA]: [
        [60_000, 1],
        [120_000, 2],
      ],
    });
  });

  it('keeps series apart by their full labels, whatever the arrival order', async () => {
    const mixed = [
      rec(B, T0 - 1),
      rec(A, T0 - 2),
      rec(B, T0 - 3),
      rec(A, T0 - 70_000),
      rec(B, T0 - 4),
    ];
    const r = await rangeQuery(range('count_over_time', MIN), mixed, T0 - MIN, T0, MIN);
    assert.deepEqual(matrixOf(r), {
      [SA]: [
        [-60_000, 1],
        [0, 1],
      ],
      '{app="api", s="b"}': [[0, 3]],
    });
  });

  it('empty selection gives an empty matrix and an empty vector', async () => {
    assert.deepEqual(await rangeQuery(range('count_over_time', MIN), [], T0, T0 + MIN, MIN), {
      type: 'matrix',
      series: [],
    });
    assert.deepEqual(await instant(range('rate', MIN), [], T0), { type: 'vector', samples: [] });
  });
});

describe('range aggregations without unwrap', () => {
  const lines = [rec(A, T0 - 1000, 'héllo'), rec(A, T0 - 2000, 'abc')];

  it('rate is count over the range in seconds', async () => {
    const r = await instant(range('rate', MIN), lines, T0);
    assert.deepEqual(vectorOf(r).values, { [SA]: 2 / 60 });
  });

  it('bytes_over_time and bytes_rate count UTF-8 bytes', async () => {
    assert.deepEqual(vectorOf(await instant(range('bytes_over_time', MIN), lines, T0)).values, {
      [SA]: 9,
    });
    assert.deepEqual(vectorOf(await instant(range('bytes_rate', MIN), lines, T0)).values, {
      [SA]: 9 / 60,
    });
  });

  it('absent_over_time is 1 where no series has a record, labelled by the equality matchers', async () => {
    const log = {
      kind: 'log' as const,
      matchers: [
        new Matcher('=', 'app', 'api'),
        new Matcher('=~', 'env', 'p.*'),
        new Matcher('=', 'x', '1'),
        new Matcher('=', 'x', '2'),
      ],
      pipeline: [],
    };
    const r = await rangeQuery(
      range('absent_over_time', MIN, { log }),
      [rec(A, T0 + 30_000)],
      T0,
      T0 + 2 * MIN,
      MIN,
    );
    assert.deepEqual(matrixOf(r), {
      '{app="api"}': [
        [0, 1],
        [120_000, 1],
      ],
    });
  });

  it('a record with __error__ fails the query (Loki pipeline error)', async () => {
    const bad = [rec({ app: 'api', __error__: 'JSONParserErr' }, T0 - 1)];
    await assert.rejects(instant(range('count_over_time', MIN), bad, T0), (e: unknown) => {
      assert.ok(e instanceof LogqlEvalError);
      assert.match(e.message, /pipeline error: 'JSONParserErr'/);
      return true;
    });
  });

  it('grouping on a non-unwrapped aggregation groups the record labels', async () => {
    const recs = [rec(A, T0 - 1), rec(B, T0 - 2), rec({ app: 'web', s: 'a' }, T0 - 3)];
    const r = await instant(
      range('count_over_time', MIN, { grouping: { without: false, labels: ['app'] } }),
      recs,
      T0,
    );
    assert.deepEqual(vectorOf(r).values, { '{app="api"}': 2, '{app="web"}': 1 });
  });

  it('stops when the signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await assert.rejects(
      instant(range('count_over_time', MIN), [rec(A, T0)], T0, { signal: ac.signal }),
      /stop/,
    );
  });

  it('rejects a non-positive range', async () => {
    await assert.rejects(instant(range('count_over_time', 0), [], T0), LogqlEvalError);
  });
});

const U = (label: string, conv?: 'bytes' | 'duration' | 'duration_seconds', postFilters = []) => ({
  unwrap: { label, conv, postFilters },
});

describe('unwrapped range aggregations', () => {
  // Arrival order differs from time order on purpose.
  const vals = [
    rec({ app: 'api', path: '/a', latency: '4' }, T0 - 10_000),
    rec({ app: 'api', path: '/a', latency: '1' }, T0 - 50_000),
    rec({ app: 'api', path: '/a', latency: '2.5' }, T0 - 30_000),
  ];
  const PA = '{app="api", path="/a"}';
  const cases: [Parameters<typeof range>[0], number, number?][] = [
    ['sum_over_time', 7.5],
    ['avg_over_time', 2.5],
    ['min_over_time', 1],
    ['max_over_time', 4],
    ['first_over_time', 1],
    ['last_over_time', 4],
    ['stdvar_over_time', 1.5],
    ['stddev_over_time', Math.sqrt(1.5)],
    ['quantile_over_time', 2.5, 0.5],
    ['quantile_over_time', 3.7, 0.9],
    ['quantile_over_time', Infinity, 1.5],
    ['quantile_over_time', -Infinity, -1],
    ['rate', 7.5 / 60],
  ];
  for (const [op, want, param] of cases) {
    it(`${op}${param === undefined ? '' : `(${param})`} = ${want}, without the unwrapped label`, async () => {
      const r = await instant(range(op, MIN, { param, ...U('latency') }), vals, T0);
      const got = vectorOf(r).values[PA];
      assert.ok(Math.abs(got - want) < 1e-12 || got === want, `got ${got}, want ${want}`);
      assert.deepEqual(Object.keys(vectorOf(r).values), [PA]);
    });
  }

  it('rate_counter adds back counter resets and divides by the range', async () => {
    const c = [10, 20, 5, 15].map((v, i) =>
      rec({ app: 'api', n: String(v) }, T0 - 50_000 + i * 10_000),
    );
    const r = await instant(range('rate_counter', MIN, U('n')), c.reverse(), T0);
    assert.deepEqual(vectorOf(r).values, { '{app="api"}': (15 - 10 + 20) / 60 });
    const one = await instant(range('rate_counter', MIN, U('n')), [c[0]], T0);
    assert.deepEqual(vectorOf(one).values, { '{app="api"}': 0 });
  });

  it('bytes() and duration() convert humanized values', async () => {
    const b = [
      rec({ app: 'api', size: '5 MB' }, T0 - 1),
      rec({ app: 'api', size: '1.5KiB' }, T0 - 2),
    ];
    assert.deepEqual(
      vectorOf(await instant(range('sum_over_time', MIN, U('size', 'bytes')), b, T0)).values,
      {
        '{app="api"}': 5_001_536,
      },
    );
    const d = [
      rec({ app: 'api', took: '250ms' }, T0 - 1),
      rec({ app: 'api', took: '1m30s' }, T0 - 2),
    ];
    for (const conv of ['duration', 'duration_seconds'] as const) {
      assert.deepEqual(
        vectorOf(await instant(range('sum_over_time', MIN, U('took', conv)), d, T0)).values,
        {
          '{app="api"}': 90.25,
        },
      );
    }
  });

  it('NaN values: max is NaN only when every value is NaN', async () => {
    const n = [rec({ app: 'api', v: 'NaN' }, T0 - 2), rec({ app: 'api', v: '3' }, T0 - 1)];
    assert.deepEqual(vectorOf(await instant(range('max_over_time', MIN, U('v')), n, T0)).values, {
      '{app="api"}': 3,
    });
    const r = await instant(range('max_over_time', MIN, U('v')), [n[0]], T0);
    assert.ok(Number.isNaN(vectorOf(r).values['{app="api"}']));
  });

  it('by / without group the samples of several streams', async () => {
    const g = [
      rec({ app: 'api', path: '/a', pod: '1', v: '1' }, T0 - 1),
      rec({ app: 'api', path: '/a', pod: '2', v: '5' }, T0 - 2),
      rec({ app: 'api', path: '/b', pod: '1', v: '3' }, T0 - 3),
    ];
    const by = await instant(
      range('max_over_time', MIN, { ...U('v'), grouping: { without: false, labels: ['path'] } }),
      g,
      T0,
    );
    assert.deepEqual(vectorOf(by).values, { '{path="/a"}': 5, '{path="/b"}': 3 });
    const wo = await instant(
      range('sum_over_time', MIN, { ...U('v'), grouping: { without: true, labels: ['pod'] } }),
      g,
      T0,
    );
    assert.deepEqual(vectorOf(wo).values, {
      '{app="api", path="/a"}': 6,
      '{app="api", path="/b"}': 3,
    });
  });

  it('a value that does not convert fails the query unless a post filter drops it', async () => {
    const bad = [rec({ app: 'api', v: 'abc' }, T0 - 1), rec({ app: 'api', v: '2' }, T0 - 2)];
    await assert.rejects(
      instant(range('sum_over_time', MIN, U('v')), bad, T0),
      /pipeline error: 'SampleExtractionErr'/,
    );
    const filtered = range('sum_over_time', MIN, {
      unwrap: {
        label: 'v',
        postFilters: [{ kind: 'string', matcher: new Matcher('=', '__error__', '') }],
      },
    });
    assert.deepEqual(vectorOf(await instant(filtered, bad, T0)).values, { '{app="api"}': 2 });
  });

  it('post filters on other labels apply before the sample is taken', async () => {
    const recs = [
      rec({ app: 'api', v: '1', lvl: 'err' }, T0 - 1),
      rec({ app: 'api', v: '2', lvl: 'ok' }, T0 - 2),
    ];
    const e = range('sum_over_time', MIN, {
      unwrap: { label: 'v', postFilters: [{ kind: 'number', name: 'v', op: '>', value: 1 }] },
    });
    assert.deepEqual(vectorOf(await instant(e, recs, T0)).values, { '{app="api", lvl="ok"}': 2 });
  });

  it('a record without the unwrapped label gives no sample', async () => {
    const recs = [rec({ app: 'api' }, T0 - 1), rec({ app: 'api', v: '2' }, T0 - 2)];
    assert.deepEqual(
      vectorOf(await instant(range('count_over_time', MIN, U('v')), recs, T0)).values,
      {
        '{app="api"}': 1,
      },
    );
  });

  it('quantile_over_time needs its parameter', async () => {
    await assert.rejects(instant(range('quantile_over_time', MIN, U('v')), [], T0), LogqlEvalError);
  });
});

/** Brute force: every window from scratch, compared with the one-pass segments. */
describe('one pass equals per-step evaluation', () => {
  function naive(op: string, vals: number[], rangeSec: number, q: number): number | undefined {
    if (vals.length === 0) return undefined;
    const sum = vals.reduce((a, b) => a + b, 0);
    const mean = sum / vals.length;
    switch (op) {
      case 'count_over_time':
        return vals.length;
      case 'sum_over_time':
        return sum;
      case 'rate':
        return sum / rangeSec;
      case 'avg_over_time':
        return mean;
      case 'min_over_time':
        return Math.min(...vals);
      case 'max_over_time':
        return Math.max(...vals);
      case 'first_over_time':
        return vals[0];
      case 'last_over_time':
        return vals[vals.length - 1];
      case 'stdvar_over_time':
        return vals.reduce((a, v) => a + (v - mean) ** 2, 0) / vals.length;
      case 'quantile_over_time': {
        const s = [...vals].sort((a, b) => a - b);
        const rank = q * (s.length - 1);
        const lo = Math.floor(rank);
        const hi = Math.min(s.length - 1, lo + 1);
        return s[lo] * (1 - (rank - lo)) + s[hi] * (rank - lo);
      }
      default:
        throw new Error(op);
    }
  }

  // Deterministic pseudo-random records: two streams, ms and sub-ms offsets, some on step edges.
  let seed = 42;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const recs: ProcessedRecord[] = [];
  for (let i = 0; i < 400; i++) {
    const ms = T0 - 20 * MIN + Math.floor(rnd() * 60 * MIN);
    const onEdge = rnd() < 0.2;
    const at = onEdge ? ms - (ms % 15_000) : ms;
    recs.push(
      rec(
        { app: 'api', s: rnd() < 0.5 ? 'a' : 'b', v: String(Math.floor(rnd() * 100)) },
        at,
        'x',
        onEdge ? 0 : Math.floor(rnd() * 1e6),
      ),
    );
  }
  const ops = [
    'count_over_time',
    'sum_over_time',
    'rate',
    'avg_over_time',
    'min_over_time',
    'max_over_time',
    'first_over_time',
    'last_over_time',
    'stdvar_over_time',
    'quantile_over_time',
  ] as const;
  const shapes: [number, number, number][] = [
    // [step, range, offset] ms
    [15_000, 5 * MIN, 0],
    [15_000, 50_000, 0],
    [60_000, 45_000, 30_000],
    [7_000, 60_000, 1_500],
    [300_000, 60_000, 0],
    // Range ≫ query span: the boundary-search layout.
    [15_000, 120 * MIN, 0],
    [60_000, 180 * MIN + 7_000, 5_000],
  ];
  for (const [step, rangeMs, offsetMs] of shapes) {
    it(`step=${step} range=${rangeMs} offset=${offsetMs}`, async () => {
      const start = T0;
      const end = T0 + 30 * MIN;
      for (const op of ops) {
        const e = range(op, rangeMs, {
          offsetMs,
          param: 0.3,
          ...(op === 'count_over_time' ? {} : U('v')),
        });
        const got = matrixOf(await rangeQuery(e, recs, start, end, step));
        const want: Record<string, [number, number][]> = {};
        for (const s of ['a', 'b']) {
          const mine = recs
            .map((r, i) => ({ r, i }))
            .filter(({ r }) => r.labels.get('s') === s)
            .sort((x, y) => (x.r.ts < y.r.ts ? -1 : x.r.ts > y.r.ts ? 1 : x.i - y.i));
          for (let t = start; t <= end; t += step) {
            const eNs = ns(t - offsetMs);
            const sNs = ns(t - offsetMs - rangeMs);
            const inWin = mine.filter(({ r }) => r.ts > sNs && r.ts <= eNs);
            if (op === 'count_over_time') {
              // Not unwrapped: one series per full label set (v included).
              for (const { r } of inWin) {
                const k = r.labels.toString();
                const pts = (want[k] ??= []);
                const last = pts[pts.length - 1];
                if (last !== undefined && last[0] === t - T0) last[1]++;
                else pts.push([t - T0, 1]);
              }
              continue;
            }
            const v = naive(
              op,
              inWin.map(({ r }) => Number(r.labels.get('v'))),
              rangeMs / 1000,
              0.3,
            );
            if (v !== undefined) (want[`{app="api", s="${s}"}`] ??= []).push([t - T0, v]);
          }
        }
        assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), op);
        for (const k of Object.keys(want)) {
          assert.equal(got[k].length, want[k].length, `${op} ${k}`);
          for (let i = 0; i < want[k].length; i++) {
            assert.equal(got[k][i][0], want[k][i][0], `${op} ${k} t`);
            const [g, w] = [got[k][i][1], want[k][i][1]];
            assert.ok(
              Math.abs(g - w) <= 1e-9 * Math.max(1, Math.abs(w)),
              `${op} ${k} @${want[k][i][0]}: got ${g} want ${w}`,
            );
          }
        }
      }
    });
  }
});
