import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callNode, dump, recordingContext, ser, vals } from '../../aggregate/test-helpers.js';
import { QueryExecutionError } from '../../errors.js';
import type { StepSeries, StepValue } from '../../steps.js';
import { INSTANT_FUNCTIONS } from './index.js';

const vec = (...series: StepSeries[]): StepValue => ({ kind: 'vector', series });
const sc = (...vs: number[]): StepValue => ({ kind: 'scalar', vs: Float64Array.from(vs) });
const str = (value: string): StepValue => ({ kind: 'string', value });

function call(name: string, args: StepValue[], times = [0]) {
  const fn = INSTANT_FUNCTIONS.get(name);
  assert.ok(fn, `no function ${name}`);
  const ctx = recordingContext(times);
  const value = fn(args, ctx, callNode(name, args.length));
  return { value, ctx };
}

function series(name: string, args: StepValue[], times = [0]): StepSeries[] {
  const { value } = call(name, args, times);
  assert.equal(value.kind, 'vector');
  return value.kind === 'vector' ? value.series : [];
}

function one(name: string, x: number, ...extra: StepValue[]): number {
  const out = series(name, [vec(ser({ __name__: 'm' }, [x])), ...extra]);
  assert.equal(out.length, 1);
  assert.equal(out[0].dropName, true, `${name} drops the name`);
  return out[0].vs[0];
}

describe('instant functions: math and trig', () => {
  it('simple functions map each value and drop the name', () => {
    assert.equal(one('abs', -2.5), 2.5);
    assert.equal(one('ceil', 1.2), 2);
    assert.equal(one('floor', -1.2), -2);
    assert.equal(one('exp', 0), 1);
    assert.equal(one('ln', Math.E), 1);
    assert.equal(one('log2', 8), 3);
    assert.equal(one('log10', 1000), 3);
    assert.equal(one('sqrt', 9), 3);
    assert.equal(one('sgn', -3), -1);
    assert.equal(one('sgn', 4), 1);
    assert.ok(Object.is(one('sgn', -0), -0));
    assert.ok(Number.isNaN(one('sgn', NaN)));
    assert.ok(Number.isNaN(one('ln', -1)));
  });

  it('round: half up, to_nearest per step', () => {
    assert.equal(one('round', 2.5), 3);
    assert.equal(one('round', -2.5), -2);
    assert.equal(one('round', 1.2345, sc(0.01)), 1.23);
    assert.equal(one('round', 117, sc(10)), 120);
    const out = series('round', [vec(ser({}, [1.26, 1.26])), sc(0.1, 1)], [0, 1]);
    assert.deepEqual(vals(out[0].vs), [1.3, 1]);
  });

  it('min_of/max_of over scalars (functions.test values)', () => {
    const steps = (v: StepValue) => (v.kind === 'scalar' ? Array.from(v.vs) : null);
    const times = [0, 1, 2];
    assert.deepEqual(steps(call('min_of', [sc(3, -2, NaN), sc(5, -5, 3)], times).value), [
      3,
      -5,
      NaN,
    ]);
    assert.deepEqual(steps(call('max_of', [sc(3, -2, 3), sc(5, -5, NaN)], times).value), [
      5,
      -2,
      NaN,
    ]);
  });

  it('clamp, clamp_min, clamp_max; clamp with max < min yields nothing', () => {
    assert.equal(one('clamp', 5, sc(0), sc(3)), 3);
    assert.equal(one('clamp', -5, sc(0), sc(3)), 0);
    assert.deepEqual(series('clamp', [vec(ser({}, [1])), sc(5), sc(3)]), []);
    assert.equal(one('clamp_min', -5, sc(0)), 0);
    assert.equal(one('clamp_max', 5, sc(2)), 2);
    const out = series('clamp', [vec(ser({}, [1, 1, null])), sc(5, 0, 0), sc(3, 3, 3)], [0, 1, 2]);
    assert.deepEqual(vals(out[0].vs), [null, 1, null]);
  });

  it('trig functions and conversions (trig_functions.test values)', () => {
    assert.equal(one('sin', Math.PI / 2), 1);
    assert.equal(one('cos', 0), 1);
    assert.equal(one('tan', 0), 0);
    assert.equal(one('asin', 1), Math.PI / 2);
    assert.equal(one('acos', 1), 0);
    assert.equal(one('atan', 1), Math.PI / 4);
    assert.equal(one('sinh', 0), 0);
    assert.equal(one('cosh', 0), 1);
    assert.equal(one('tanh', 0), 0);
    assert.equal(one('asinh', 0), 0);
    assert.equal(one('acosh', 1), 0);
    assert.equal(one('atanh', 0), 0);
    assert.equal(one('deg', Math.PI), 180);
    assert.equal(one('rad', 180), Math.PI);
    const { value } = call('pi', [], [0, 1]);
    assert.deepEqual(value, { kind: 'scalar', vs: Float64Array.of(Math.PI, Math.PI) });
  });

  it('keeps ABSENT steps and never mutates the input', () => {
    const input = ser({ __name__: 'm' }, [-1, null, 2]);
    const out = series('abs', [vec(input)], [0, 1, 2]);
    assert.deepEqual(vals(out[0].vs), [1, null, 2]);
    assert.deepEqual(vals(input.vs), [-1, null, 2]);
    assert.deepEqual(series('abs', [vec(ser({}, [null]))]), []);
  });
});

describe('instant functions: time', () => {
  it('time, vector, scalar', () => {
    assert.deepEqual(call('time', [], [1000, 61_000]).value, {
      kind: 'scalar',
      vs: Float64Array.of(1, 61),
    });
    assert.deepEqual(dump(series('vector', [sc(1, 2)], [0, 1])), ['{} 1 2']);
    const { value } = call(
      'scalar',
      [vec(ser({ a: '1' }, [1, 1, null]), ser({ a: '2' }, [null, 2, null]))],
      [0, 1, 2],
    );
    assert.equal(value.kind, 'scalar');
    if (value.kind === 'scalar') assert.deepEqual(Array.from(value.vs), [1, NaN, NaN]);
  });

  it('timestamp: the sample time of a selector, else the evaluation time', () => {
    const picked = ser({ __name__: 'm' }, [5, 6], { ts: [10_000, 15_500] });
    const computed = ser({ x: '1' }, [5, null]);
    const out = series('timestamp', [vec(picked, computed)], [20_000, 30_000]);
    assert.deepEqual(dump(out), ['{__name__="m"} 10 15.5', '{x="1"} 20 _']);
    assert.ok(out.every((s) => s.dropName));
  });

  it('calendar functions (functions.test values) and the evaluation-time default', () => {
    const t = 1136239445; // 2006-01-02T22:04:05Z, a Monday
    assert.equal(one('day_of_month', t), 2);
    assert.equal(one('day_of_week', t), 1);
    assert.equal(one('day_of_year', t), 2);
    assert.equal(one('days_in_month', t), 31);
    assert.equal(one('hour', t), 22);
    assert.equal(one('minute', t), 4);
    assert.equal(one('month', t), 1);
    assert.equal(one('year', t), 2006);
    assert.equal(one('days_in_month', 1204243200), 29); // 2008-02-29 (leap year)
    assert.equal(one('day_of_year', 1230681600), 366); // 2008-12-31
    assert.equal(one('hour', 1136239445.9), 22);
    assert.ok(Number.isNaN(one('year', NaN)));
    const out = series('day_of_week', [], [0, 86_400_000]);
    assert.deepEqual(dump(out), ['{} 4 5']); // 1970-01-01 was a Thursday
  });
});

describe('instant functions: sort', () => {
  const input = [
    ser({ i: 'a' }, [3]),
    ser({ i: 'b' }, [NaN]),
    ser({ i: 'c' }, [1]),
    ser({ i: 'd' }, [null]),
    ser({ i: 'e' }, [2]),
  ];
  const order = (out: StepSeries[]) => out.map((s) => s.labels.get('i')).join('');

  it('sort/sort_desc order by value with NaN last', () => {
    assert.equal(order(series('sort', [vec(...input)])), 'ceabd');
    assert.equal(order(series('sort_desc', [vec(...input)])), 'aecbd');
  });

  it('sort_by_label(_desc) in natural order, ties by the whole label set (functions.test order)', () => {
    const rows = [
      ser({ group: 'production', instance: '0', job: 'api-server' }, [100]),
      ser({ group: 'production', instance: '1', job: 'api-server' }, [200]),
      ser({ group: 'canary', instance: '0', job: 'api-server' }, [300]),
      ser({ group: 'canary', instance: '10', job: 'api-server' }, [400]),
      ser({ group: 'canary', instance: '2', job: 'app-server' }, [400]),
    ];
    const pick = (out: StepSeries[]) =>
      out.map((s) => `${s.labels.get('group')}/${s.labels.get('instance')}`);
    assert.deepEqual(pick(series('sort_by_label', [vec(...rows), str('instance')])), [
      'canary/0',
      'production/0',
      'production/1',
      'canary/2',
      'canary/10',
    ]);
    assert.deepEqual(
      pick(series('sort_by_label_desc', [vec(...rows), str('instance'), str('group')])),
      ['canary/10', 'canary/2', 'production/1', 'production/0', 'canary/0'],
    );
  });
});

describe('instant functions: label_replace, label_join', () => {
  const tm = [
    ser({ __name__: 'testmetric', src: 'source-value-10', dst: 'original-destination-value' }, [0]),
    ser({ __name__: 'testmetric', src: 'source-value-20', dst: 'original-destination-value' }, [1]),
  ];
  const lr = (...a: string[]) => series('label_replace', [vec(...tm), ...a.map(str)]);

  it('full-string match and expansion (functions.test cases)', () => {
    assert.deepEqual(dump(lr('dst', 'destination-value-$1', 'src', 'source-value-(.*)')), [
      '{__name__="testmetric", dst="destination-value-10", src="source-value-10"} 0',
      '{__name__="testmetric", dst="destination-value-20", src="source-value-20"} 1',
    ]);
    assert.deepEqual(dump(lr('dst', 'destination-value-$1', 'src', 'value-(.*)')), dump(tm));
    assert.deepEqual(dump(lr('dst', '$1-value-$2', 'src', '(.*)-value-(.*)')), [
      '{__name__="testmetric", dst="source-value-10", src="source-value-10"} 0',
      '{__name__="testmetric", dst="source-value-20", src="source-value-20"} 1',
    ]);
    assert.deepEqual(dump(lr('dst', 'value-$1', 'nonexistent-src', '(.*)')), [
      '{__name__="testmetric", dst="value-", src="source-value-10"} 0',
      '{__name__="testmetric", dst="value-", src="source-value-20"} 1',
    ]);
    assert.deepEqual(dump(lr('dst', '', 'dst', '.*')), [
      '{__name__="testmetric", src="source-value-10"} 0',
      '{__name__="testmetric", src="source-value-20"} 1',
    ]);
    assert.deepEqual(dump(lr('dst', '${name}x$$y$', 'src', 'source-value-(?P<name>.*)')), [
      '{__name__="testmetric", dst="10x$y$", src="source-value-10"} 0',
      '{__name__="testmetric", dst="20x$y$", src="source-value-20"} 1',
    ]);
  });

  it('errors: invalid regex, invalid destination, duplicate output label sets', () => {
    assert.throws(() => lr('dst', 'value-$1', 'src', '(.*'), {
      name: 'QueryExecutionError',
      message: 'invalid regular expression in label_replace(): (.*',
    });
    assert.throws(() => lr('\ufffd', '', 'src', '(.*)'), QueryExecutionError);
    assert.throws(() => lr('src', '', '', ''), {
      message: 'vector cannot contain metrics with the same labelset',
    });
  });

  it('merges series that collide without overlapping steps', () => {
    const a = ser({ idx: '0' }, [1, null]);
    const b = ser({ idx: '1' }, [null, 2]);
    const out = series(
      'label_replace',
      [vec(a, b), str('idx'), str('replaced'), str('idx'), str('.*')],
      [0, 1],
    );
    assert.deepEqual(dump(out), ['{idx="replaced"} 1 2']);
  });

  it('keeps dropName unless __name__ is the destination', () => {
    const r = ser({ __name__: 'metric_total', env: '1' }, [0.2], { dropName: true });
    const kept = series('label_replace', [
      vec(r),
      str('my_name'),
      str('rate_$1'),
      str('__name__'),
      str('(.+)'),
    ]);
    assert.deepEqual(dump(kept), [
      '{__name__="metric_total", env="1", my_name="rate_metric_total"} 0.2',
    ]);
    assert.equal(kept[0].dropName, true);
    const named = series('label_replace', [
      vec(r),
      str('__name__'),
      str('rate_$1'),
      str('__name__'),
      str('(.+)'),
    ]);
    assert.deepEqual(dump(named), ['{__name__="rate_metric_total", env="1"} 0.2']);
    assert.equal(named[0].dropName, false);
    const joined = series('label_join', [
      vec(r),
      str('__name__'),
      str('_'),
      str('__name__'),
      str('env'),
    ]);
    assert.deepEqual(dump(joined), ['{__name__="metric_total_1", env="1"} 0.2']);
    assert.equal(joined[0].dropName, false);
  });

  it('label_join joins source values in order; missing sources are empty (functions.test)', () => {
    const m = ser({ __name__: 'testmetric', src: 'a', src1: 'b', src2: 'c', dst: 'original' }, [0]);
    const lj = (...a: string[]) => dump(series('label_join', [vec(m), ...a.map(str)]));
    assert.deepEqual(lj('dst', '-', 'src', 'src1', 'src2'), [
      '{__name__="testmetric", dst="a-b-c", src="a", src1="b", src2="c"} 0',
    ]);
    assert.deepEqual(lj('dst', '-', 'src', 'src3', 'src1'), [
      '{__name__="testmetric", dst="a--b", src="a", src1="b", src2="c"} 0',
    ]);
    assert.deepEqual(lj('dst', ', '), ['{__name__="testmetric", src="a", src1="b", src2="c"} 0']);
    assert.throws(() => lj('dst', '-', '\ufffd'), QueryExecutionError);
    assert.throws(
      () =>
        series('label_join', [
          vec(ser({ this: 'a' }, [1]), ser({ this: 'b' }, [2])),
          str('this'),
          str(''),
          str('other'),
        ]),
      { message: 'vector cannot contain metrics with the same labelset' },
    );
  });
});

describe('instant functions: histograms (classic buckets)', () => {
  // histograms.test's testhistogram3_bucket and testhistogram_bucket at 50m.
  const b = (le: string, start: string, v: number) => ser({ __name__: 'h_bucket', le, start }, [v]);
  const h3 = [
    b('0', 'positive', 0),
    b('0.1', 'positive', 50),
    b('.2', 'positive', 70),
    b('1e0', 'positive', 110),
    b('+Inf', 'positive', 110),
    b('-.25', 'negative', 0),
    b('-.2', 'negative', 10),
    b('-0.1', 'negative', 20),
    b('0.3', 'negative', 20),
    b('+Inf', 'negative', 20),
  ];
  const h1 = [
    b('0.1', 'positive', 50),
    b('.2', 'positive', 70),
    b('1e0', 'positive', 110),
    b('+Inf', 'positive', 120),
    b('-.2', 'negative', 10),
    b('-0.1', 'negative', 20),
    b('0.3', 'negative', 20),
    b('+Inf', 'negative', 30),
  ];
  const hq = (q: number, input: StepSeries[]) => call('histogram_quantile', [sc(q), vec(...input)]);
  const near = (out: StepSeries[], want: Record<string, number>) => {
    assert.equal(out.length, Object.keys(want).length);
    for (const s of out) {
      const w = want[s.labels.get('start')];
      assert.ok(
        Math.abs(s.vs[0] - w) <= 1e-12 * Math.max(1, Math.abs(w)) || Object.is(s.vs[0], w),
        `${s.labels.toString()} ${s.vs[0]} want ${w}`,
      );
      assert.equal(s.labels.has('le'), false);
      assert.equal(s.dropName, true);
    }
  };
  const vecOf = (v: StepValue) => (v.kind === 'vector' ? v.series : []);

  it('interpolates within buckets (corpus values)', () => {
    near(vecOf(hq(0, h3).value), { positive: 0, negative: -0.25 });
    near(vecOf(hq(0.25, h3).value), { positive: 0.055, negative: -0.225 });
    near(vecOf(hq(0.5, h3).value), { positive: 0.125, negative: -0.2 });
    near(vecOf(hq(0.75, h3).value), { positive: 0.45, negative: -0.15 });
    near(vecOf(hq(1, h3).value), { positive: 1, negative: -0.1 });
    near(vecOf(hq(0.2, h1).value), { positive: 0.048, negative: -0.2 });
    near(vecOf(hq(0.5, h1).value), { positive: 0.15, negative: -0.15 });
    near(vecOf(hq(0.8, h1).value), { positive: 0.72, negative: 0.3 });
    assert.deepEqual(hq(0.5, h1).ctx.warnings, []);
  });

  it('φ out of range gives ±Inf/NaN with a warning', () => {
    const lo = hq(-0.1, h1);
    near(vecOf(lo.value), { positive: -Infinity, negative: -Infinity });
    assert.deepEqual(lo.ctx.warnings, ['quantile value should be between 0 and 1, got -0.1']);
    near(vecOf(hq(1.01, h1).value), { positive: Infinity, negative: Infinity });
    const nan = hq(NaN, []);
    assert.deepEqual(vecOf(nan.value), []);
    assert.deepEqual(nan.ctx.warnings, ['quantile value should be between 0 and 1, got NaN']);
  });

  it('forces monotonicity with an info annotation (corpus nonmonotonic_bucket)', () => {
    const nm = [
      ['0.1', 20],
      ['1', 10],
      ['10', 50],
      ['100', 40],
      ['1000', 90],
      ['+Inf', 80],
    ].map(([le, v]) => ser({ __name__: 'nonmonotonic_bucket', le: String(le) }, [Number(v)]));
    const r = hq(0.5, nm);
    assert.deepEqual(dump(vecOf(r.value)), ['{__name__="nonmonotonic_bucket"} 8.5']);
    assert.equal(vecOf(hq(0.01, nm).value)[0].vs[0], 0.0045);
    assert.ok(Math.abs(vecOf(hq(0.99, nm).value)[0].vs[0] - 979.75) < 1e-9);
    assert.deepEqual(r.ctx.infos, [
      'input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "nonmonotonic_bucket"',
    ]);
  });

  it('missing +Inf bucket, no observations, a single bucket → NaN; bad le → warning', () => {
    const noInf = [ser({ le: '1' }, [1]), ser({ le: '2' }, [2])];
    assert.ok(Number.isNaN(vecOf(hq(0.5, noInf).value)[0].vs[0]));
    const empty = [ser({ le: '1' }, [0]), ser({ le: '+Inf' }, [0])];
    assert.ok(Number.isNaN(vecOf(hq(0.5, empty).value)[0].vs[0]));
    assert.ok(Number.isNaN(vecOf(hq(0.5, [ser({ le: '+Inf' }, [3])]).value)[0].vs[0]));
    const bad = hq(0.5, [
      ser({ __name__: 'x_bucket', le: 'garbage' }, [1]),
      ser({ __name__: 'x_bucket' }, [1]),
    ]);
    assert.deepEqual(vecOf(bad.value), []);
    assert.deepEqual(bad.ctx.warnings, [
      'bucket label "le" is missing or has a malformed value of "garbage" for metric name "x_bucket"',
      'bucket label "le" is missing or has a malformed value of "" for metric name "x_bucket"',
    ]);
  });

  it('groups per step: a bucket group is computed only from buckets present at the step', () => {
    const input = [
      ser({ le: '1' }, [1, null]),
      ser({ le: '2' }, [2, 4]),
      ser({ le: '+Inf' }, [2, 4]),
    ];
    const out = call('histogram_quantile', [sc(0.5, 0.5), vec(...input)], [0, 1]).value;
    assert.deepEqual(dump(vecOf(out)), ['{} 1 1']);
  });

  it('histogram_quantiles labels each φ; a clashing label is an error', () => {
    const { value } = call('histogram_quantiles', [vec(...h3), str('q'), sc(0), sc(0.25)]);
    assert.deepEqual(
      vecOf(value).map((s) => `${s.labels.get('q')}/${s.labels.get('start')}`),
      ['0.0/positive', '0.0/negative', '0.25/positive', '0.25/negative'],
    );
    assert.throws(
      () => call('histogram_quantiles', [vec(...h3), str('start'), sc(0), sc(0.25)]),
      QueryExecutionError,
    );
  });

  it('histogram_fraction over classic buckets (corpus values)', () => {
    const h2 = [
      ['0', 0],
      ['2', 10],
      ['4', 20],
      ['6', 30],
      ['+Inf', 30],
    ].map(([le, v]) => ser({ le: String(le) }, [Number(v)]));
    const hf = (lo: number, hi: number, input: StepSeries[]) =>
      vecOf(call('histogram_fraction', [sc(lo), sc(hi), vec(...input)]).value);
    assert.equal(hf(0, 4, h2)[0].vs[0], 0.6666666666666666);
    assert.equal(hf(0, 6, h2)[0].vs[0], 1);
    assert.equal(hf(0, 3.5, h2)[0].vs[0], 0.5833333333333334);
    assert.equal(hf(4, 0, h2)[0].vs[0], 0);
    assert.equal(hf(-Infinity, Infinity, h2)[0].vs[0], 1);
    near(hf(0, 0.2, h3), { positive: 0.6363636363636364, negative: 0 });
  });

  it('native-only functions return nothing for float series', () => {
    for (const n of [
      'histogram_avg',
      'histogram_count',
      'histogram_sum',
      'histogram_stddev',
      'histogram_stdvar',
    ]) {
      assert.deepEqual(call(n, [vec(...h1)]).value, { kind: 'vector', series: [] });
    }
  });
});
