import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryExecutionError } from '../errors.js';
import type { StepValue } from '../steps.js';
import { formatGoFloatF, formatGoFloatG } from './format.js';
import { aggregate, quantile } from './index.js';
import { aggNode, dump, recordingContext, ser, vals } from './test-helpers.js';

const sc = (...vs: number[]): StepValue => ({ kind: 'scalar', vs: Float64Array.from(vs) });

// aggregators.test's http_requests at 50m (value = 100 × series number).
function httpRequests() {
  const rows: [string, string, string, number][] = [
    ['api-server', '0', 'production', 100],
    ['api-server', '1', 'production', 200],
    ['api-server', '0', 'canary', 300],
    ['api-server', '1', 'canary', 400],
    ['app-server', '0', 'production', 500],
    ['app-server', '1', 'production', 600],
    ['app-server', '0', 'canary', 700],
    ['app-server', '1', 'canary', 800],
  ];
  return rows.map(([job, instance, group, v]) =>
    ser({ __name__: 'http_requests', job, instance, group }, [v]),
  );
}

describe('aggregate: grouped reductions', () => {
  const ctx1 = recordingContext([0]);
  const api = httpRequests().slice(0, 4);

  it('sum/avg/count by (group) (corpus values)', () => {
    assert.deepEqual(dump(aggregate(aggNode('sum', ['group']), api, null, ctx1)), [
      '{group="canary"} 700',
      '{group="production"} 300',
    ]);
    assert.deepEqual(dump(aggregate(aggNode('avg', ['group']), api, null, ctx1)), [
      '{group="canary"} 350',
      '{group="production"} 150',
    ]);
    assert.deepEqual(dump(aggregate(aggNode('count', ['group']), api, null, ctx1)), [
      '{group="canary"} 2',
      '{group="production"} 2',
    ]);
  });

  it('without drops the listed labels and __name__; no clause sums everything', () => {
    assert.deepEqual(dump(aggregate(aggNode('sum', ['instance'], true), api, null, ctx1)), [
      '{group="canary", job="api-server"} 700',
      '{group="production", job="api-server"} 300',
    ]);
    assert.deepEqual(dump(aggregate(aggNode('sum'), api, null, ctx1)), ['{} 1000']);
    const prod = api.slice(0, 2);
    assert.deepEqual(dump(aggregate(aggNode('sum', [], true), prod, null, ctx1)), [
      '{group="production", instance="0", job="api-server"} 100',
      '{group="production", instance="1", job="api-server"} 200',
    ]);
  });

  it('by (__name__) keeps the name; a group drops it (delayed) when any member does', () => {
    const input = [
      ser({ __name__: 'a', x: '1' }, [1]),
      ser({ __name__: 'a', x: '2' }, [2], { dropName: true }),
    ];
    const out = aggregate(aggNode('sum', ['__name__']), input, null, ctx1);
    assert.deepEqual(dump(out), ['{__name__="a"} 3']);
    assert.equal(out[0].dropName, true);
  });

  it('works per step: ABSENT steps are skipped, a group with no value is ABSENT', () => {
    const ctx = recordingContext([0, 1, 2]);
    const input = [
      ser({ g: 'a' }, [1, null, 3]),
      ser({ g: 'a' }, [2, null, null]),
      ser({ g: 'b' }, [null, 5, null]),
    ];
    const out = aggregate(aggNode('sum', ['g']), input, null, ctx);
    assert.deepEqual(dump(out), ['{g="a"} 3 _ 3', '{g="b"} _ 5 _']);
    const cnt = aggregate(aggNode('count', ['g']), input, null, ctx);
    assert.deepEqual(dump(cnt), ['{g="a"} 2 _ 1', '{g="b"} _ 1 _']);
    const grp = aggregate(aggNode('group', ['g']), input, null, ctx);
    assert.deepEqual(dump(grp), ['{g="a"} 1 _ 1', '{g="b"} _ 1 _']);
    // The input arrays are untouched.
    assert.deepEqual(vals(input[0].vs), [1, null, 3]);
  });

  it('sum uses Kahan-Neumaier compensation', () => {
    const input = [
      ser({ a: '1' }, [1]),
      ser({ a: '2' }, [1e100]),
      ser({ a: '3' }, [1]),
      ser({ a: '4' }, [-1e100]),
    ];
    assert.deepEqual(dump(aggregate(aggNode('sum'), input, null, ctx1)), ['{} 2']);
    assert.deepEqual(dump(aggregate(aggNode('avg'), input, null, ctx1)), ['{} 0.5']);
  });

  it('avg switches to an incremental mean instead of overflowing', () => {
    const input = [
      ser({ a: '1' }, [1.7e308]),
      ser({ a: '2' }, [1.7e308]),
      ser({ a: '3' }, [1.7e308]),
    ];
    const [out] = aggregate(aggNode('avg'), input, null, ctx1);
    assert.ok(Math.abs(out.vs[0] - 1.7e308) / 1.7e308 < 1e-15, String(out.vs[0]));
    const inf = [ser({ a: '1' }, [Infinity]), ser({ a: '2' }, [1])];
    assert.deepEqual(dump(aggregate(aggNode('avg'), inf, null, ctx1)), ['{} Infinity']);
    const mixed = [ser({ a: '1' }, [Infinity]), ser({ a: '2' }, [-Infinity])];
    assert.deepEqual(dump(aggregate(aggNode('avg'), mixed, null, ctx1)), ['{} NaN']);
  });

  it('min/max return NaN only when every value is NaN', () => {
    const input = [
      ser({ a: '1' }, [NaN, NaN]),
      ser({ a: '2' }, [3, NaN]),
      ser({ a: '3' }, [1, NaN]),
    ];
    const ctx = recordingContext([0, 1]);
    assert.deepEqual(dump(aggregate(aggNode('max'), input, null, ctx)), ['{} 3 NaN']);
    assert.deepEqual(dump(aggregate(aggNode('min'), input, null, ctx)), ['{} 1 NaN']);
  });

  it('stddev/stdvar (Welford); a leading NaN or Inf makes them NaN', () => {
    const input = [
      ser({ a: '1' }, [2, Infinity]),
      ser({ a: '2' }, [4, 1]),
      ser({ a: '3' }, [4, 1]),
      ser({ a: '4' }, [4, 1]),
      ser({ a: '5' }, [5, 1]),
      ser({ a: '6' }, [5, 1]),
      ser({ a: '7' }, [7, 1]),
      ser({ a: '8' }, [9, 1]),
    ];
    const ctx = recordingContext([0, 1]);
    assert.deepEqual(dump(aggregate(aggNode('stddev'), input, null, ctx)), ['{} 2 NaN']);
    assert.deepEqual(dump(aggregate(aggNode('stdvar'), input, null, ctx)), ['{} 4 NaN']);
    assert.deepEqual(dump(aggregate(aggNode('stdvar'), [input[1]], null, ctx)), ['{} 0 0']);
  });

  it('quantile interpolates, sorts NaN first, and warns about φ out of range (corpus)', () => {
    const data = [
      ser({ test: 'two', point: 'a' }, [0]),
      ser({ test: 'two', point: 'b' }, [1]),
      ser({ test: 'three', point: 'a' }, [0]),
      ser({ test: 'three', point: 'b' }, [1]),
      ser({ test: 'three', point: 'c' }, [2]),
      ser({ test: 'uneven', point: 'a' }, [0]),
      ser({ test: 'uneven', point: 'b' }, [1]),
      ser({ test: 'uneven', point: 'c' }, [4]),
      ser({ test: 'nan', point: 'a' }, [0]),
      ser({ test: 'nan', point: 'b' }, [1]),
      ser({ test: 'nan', point: 'c' }, [NaN]),
    ];
    const node = aggNode('quantile', ['point'], true, true);
    const ctx = recordingContext([0]);
    const p80 = aggregate(node, data, sc(0.8), ctx);
    assert.deepEqual(dump(p80), [
      '{test="nan"} 0.6000000000000001',
      '{test="three"} 1.6',
      '{test="two"} 0.8',
      '{test="uneven"} 2.8000000000000003',
    ]);
    const p20 = aggregate(node, data, sc(0.2), ctx);
    assert.deepEqual(dump(p20), [
      '{test="nan"} NaN',
      '{test="three"} 0.4',
      '{test="two"} 0.2',
      '{test="uneven"} 0.4',
    ]);
    assert.deepEqual(ctx.warnings, []);
    const over = aggregate(node, data.slice(0, 2), sc(1.5), ctx);
    assert.deepEqual(dump(over), ['{test="two"} Infinity']);
    const nan = aggregate(node, data.slice(0, 2), sc(NaN), ctx);
    assert.deepEqual(dump(nan), ['{test="two"} NaN']);
    assert.deepEqual(ctx.warnings, [
      'quantile value should be between 0 and 1, got 1.5',
      'quantile value should be between 0 and 1, got NaN',
    ]);
    assert.ok(Number.isNaN(quantile(0.5, new Float64Array(0))));
    assert.equal(quantile(-1, Float64Array.of(1)), -Infinity);
  });
});

describe('aggregate: topk, bottomk, limitk, limit_ratio', () => {
  const ctx1 = recordingContext([0]);

  it('topk/bottomk in Prometheus instant order (corpus)', () => {
    const out = aggregate(aggNode('topk', [], false, true), httpRequests(), sc(3), ctx1);
    assert.deepEqual(dump(out, false), [
      '{__name__="http_requests", group="canary", instance="1", job="app-server"} 800',
      '{__name__="http_requests", group="canary", instance="0", job="app-server"} 700',
      '{__name__="http_requests", group="production", instance="1", job="app-server"} 600',
    ]);
    const bottom = aggregate(aggNode('bottomk', [], false, true), httpRequests(), sc(3), ctx1);
    assert.deepEqual(dump(bottom, false), [
      '{__name__="http_requests", group="production", instance="0", job="api-server"} 100',
      '{__name__="http_requests", group="production", instance="1", job="api-server"} 200',
      '{__name__="http_requests", group="canary", instance="0", job="api-server"} 300',
    ]);
    const byGroup = aggregate(aggNode('topk', ['group'], false, true), httpRequests(), sc(1), ctx1);
    assert.deepEqual(dump(byGroup), [
      '{__name__="http_requests", group="canary", instance="1", job="app-server"} 800',
      '{__name__="http_requests", group="production", instance="1", job="app-server"} 600',
    ]);
  });

  it('ranks NaN last for both and caps k at the input size', () => {
    const input = [ser({ i: '0' }, [100]), ser({ i: '1' }, [200]), ser({ i: '2' }, [NaN])];
    const top = aggregate(aggNode('topk', [], false, true), input, sc(9999999999), ctx1);
    assert.deepEqual(dump(top, false), ['{i="1"} 200', '{i="0"} 100', '{i="2"} NaN']);
    const bottom = aggregate(aggNode('bottomk', [], false, true), input, sc(3), ctx1);
    assert.deepEqual(dump(bottom, false), ['{i="0"} 100', '{i="1"} 200', '{i="2"} NaN']);
    const top1 = aggregate(aggNode('topk', [], false, true), [input[2], input[0]], sc(1), ctx1);
    assert.deepEqual(dump(top1), ['{i="0"} 100']);
  });

  it('k per step, truncated; k < 1 selects nothing; selected series are ABSENT elsewhere', () => {
    const ctx = recordingContext([0, 1, 2, 3]);
    const input = [
      ser({ i: 'a' }, [1, 1, 1, 5]),
      ser({ i: 'b' }, [2, 2, 2, null]),
      ser({ i: 'c' }, [3, 3, 0, 0]),
    ];
    const out = aggregate(aggNode('topk', [], false, true), input, sc(1.9, 2, 0.5, 1), ctx);
    assert.deepEqual(dump(out), ['{i="a"} _ _ _ 5', '{i="b"} _ 2 _ _', '{i="c"} 3 3 _ _']);
    const bottom = aggregate(aggNode('bottomk', [], false, true), input, sc(2, 1, 3, -1), ctx);
    assert.deepEqual(dump(bottom), ['{i="a"} 1 1 1 _', '{i="b"} 2 _ 2 _', '{i="c"} _ _ 0 _']);
  });

  it('k NaN or beyond int64 is an error', () => {
    const node = aggNode('topk', [], false, true);
    assert.throws(() => aggregate(node, [], sc(NaN), ctx1), {
      name: 'QueryExecutionError',
      message: 'Parameter value is NaN',
    });
    assert.throws(
      () => aggregate(aggNode('limitk', [], false, true), [], sc(NaN), ctx1),
      QueryExecutionError,
    );
    assert.throws(() => aggregate(node, [], sc(1e20), ctx1), {
      message: 'Scalar value 1e+20 overflows int64',
    });
  });

  it('limitk takes the first k series per group and step', () => {
    const ctx = recordingContext([0, 1]);
    const input = [
      ser({ g: 'x', i: '1' }, [1, null]),
      ser({ g: 'x', i: '2' }, [2, 2]),
      ser({ g: 'x', i: '3' }, [3, 3]),
      ser({ g: 'y', i: '4' }, [4, 4]),
    ];
    const out = aggregate(aggNode('limitk', ['g'], false, true), input, sc(1, 1), ctx);
    assert.deepEqual(dump(out), ['{g="x", i="1"} 1 _', '{g="x", i="2"} _ 2', '{g="y", i="4"} 4 4']);
    assert.deepEqual(aggregate(aggNode('limitk', [], false, true), input, sc(0, 0), ctx), []);
  });

  it('limit_ratio samples deterministically; r and -(1-r) are complements; capped with a warning', () => {
    const ctx = recordingContext([0]);
    const input = Array.from({ length: 200 }, (_, i) => ser({ i: String(i) }, [i]));
    const node = aggNode('limit_ratio', [], false, true);
    const a = aggregate(node, input, sc(0.3), ctx);
    const b = aggregate(node, input, sc(-0.7), ctx);
    assert.equal(a.length + b.length, 200);
    const names = new Set(a.map((s) => s.labels.get('i')));
    for (const s of b) assert.ok(!names.has(s.labels.get('i')));
    assert.ok(a.length > 30 && a.length < 90, String(a.length));
    assert.deepEqual(dump(aggregate(node, input, sc(0.3), ctx)), dump(a));
    assert.equal(aggregate(node, input, sc(1.5), ctx).length, 200);
    assert.equal(aggregate(node, input, sc(-1.5), ctx).length, 200);
    assert.equal(aggregate(node, input, sc(0), ctx).length, 0);
    assert.deepEqual(ctx.warnings, [
      'ratio value should be between -1 and 1, got 1.5, capping to 1',
      'ratio value should be between -1 and 1, got -1.5, capping to -1',
    ]);
    assert.throws(() => aggregate(node, input, sc(NaN), ctx), { message: 'Ratio value is NaN' });
  });
});

describe('aggregate: count_values', () => {
  const str = (value: string): StepValue => ({ kind: 'string', value });
  const version = [
    ser({ __name__: 'version', job: 'api-server', instance: '0', group: 'production' }, [6]),
    ser({ __name__: 'version', job: 'api-server', instance: '1', group: 'production' }, [6]),
    ser({ __name__: 'version', job: 'api-server', instance: '2', group: 'production' }, [6]),
    ser({ __name__: 'version', job: 'api-server', instance: '0', group: 'canary' }, [8]),
    ser({ __name__: 'version', job: 'api-server', instance: '1', group: 'canary' }, [8]),
    ser({ __name__: 'version', job: 'app-server', instance: '0', group: 'production' }, [6]),
    ser({ __name__: 'version', job: 'app-server', instance: '1', group: 'production' }, [6]),
    ser({ __name__: 'version', job: 'app-server', instance: '0', group: 'canary' }, [7]),
    ser({ __name__: 'version', job: 'app-server', instance: '1', group: 'canary' }, [7]),
  ];
  const ctx1 = recordingContext([0]);

  it('counts per value (corpus)', () => {
    const out = aggregate(aggNode('count_values', [], false, true), version, str('version'), ctx1);
    assert.deepEqual(dump(out), ['{version="6"} 5', '{version="7"} 2', '{version="8"} 2']);
    const without = aggregate(
      aggNode('count_values', ['instance'], true, true),
      version,
      str('job'),
      ctx1,
    );
    assert.deepEqual(dump(without), [
      '{group="canary", job="7"} 2',
      '{group="canary", job="8"} 2',
      '{group="production", job="6"} 5',
    ]);
    const by = aggregate(
      aggNode('count_values', ['job', 'group'], false, true),
      version,
      str('job'),
      ctx1,
    );
    assert.deepEqual(dump(by), [
      '{group="canary", job="7"} 2',
      '{group="canary", job="8"} 2',
      '{group="production", job="6"} 5',
    ]);
  });

  it('formats values as Go strconv f -1 and counts per step', () => {
    const ctx = recordingContext([0, 1]);
    const input = [
      ser({ a: '1' }, [1e21, 0.5]),
      ser({ a: '2' }, [1e21, NaN]),
      ser({ a: '3' }, [null, -Infinity]),
      ser({ a: '4' }, [0, -0]),
    ];
    const out = aggregate(aggNode('count_values', [], false, true), input, str('v'), ctx);
    assert.deepEqual(dump(out), [
      '{v="-0"} _ 1',
      '{v="-Inf"} _ 1',
      '{v="0"} 1 _',
      '{v="0.5"} _ 1',
      '{v="1000000000000000000000"} 2 _',
      '{v="NaN"} _ 1',
    ]);
  });

  it('rejects an invalid label name', () => {
    assert.throws(
      () => aggregate(aggNode('count_values', [], false, true), version, str('a\ufffdz'), ctx1),
      {
        name: 'QueryExecutionError',
        message: 'invalid label name "a\ufffdz"',
      },
    );
    assert.throws(
      () => aggregate(aggNode('count_values', [], false, true), version, str(''), ctx1),
      QueryExecutionError,
    );
  });
});

describe('Go float formatting', () => {
  it('strconv f -1', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '-0'],
      [1.5, '1.5'],
      [1e-7, '0.0000001'],
      [-1.25e-7, '-0.000000125'],
      [123456789012, '123456789012'],
      [1e21, '1000000000000000000000'],
      [1.5e300, '15' + '0'.repeat(299)],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
    ];
    for (const [x, want] of cases) assert.equal(formatGoFloatF(x), want, String(x));
  });
  it('%g', () => {
    const cases: [number, string][] = [
      [1.5, '1.5'],
      [100000, '100000'],
      [1e6, '1e+06'],
      [1234567, '1.234567e+06'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [-2.5e-10, '-2.5e-10'],
      [1e100, '1e+100'],
      [NaN, 'NaN'],
      [-Infinity, '-Inf'],
    ];
    for (const [x, want] of cases) assert.equal(formatGoFloatG(x), want, String(x));
  });
});
