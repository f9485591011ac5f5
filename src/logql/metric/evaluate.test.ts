import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import type {
  BinaryExpr,
  BinaryOp,
  Grouping,
  MetricExpr,
  VectorAggOp,
  VectorMatching,
} from '../ast.js';
import { LogqlEvalError } from '../errors.js';
import { instant, matrixOf, MIN, range, rangeQuery, rec, T0, vectorOf } from './testing.js';
import { evalVectorAgg } from './vector-agg.js';

const recs = [
  ...[1, 2, 3].map((i) => rec({ app: 'api', path: '/a', code: '200' }, T0 - i)),
  rec({ app: 'api', path: '/a', code: '500' }, T0 - 4),
  ...[1, 2].map((i) => rec({ app: 'api', path: '/b', code: '200' }, T0 - 10 - i)),
];
const cot = range('count_over_time', MIN);
const A200 = '{app="api", code="200", path="/a"}';
const A500 = '{app="api", code="500", path="/a"}';
const B200 = '{app="api", code="200", path="/b"}';

const by = (...labels: string[]): Grouping => ({ without: false, labels });
const agg = (
  op: VectorAggOp,
  expr: MetricExpr,
  grouping?: Grouping,
  param?: number,
): MetricExpr => ({
  kind: 'vector_agg',
  op,
  expr,
  grouping,
  param,
});
const bin = (
  op: BinaryOp,
  left: MetricExpr,
  right: MetricExpr,
  extra: { bool?: boolean; matching?: VectorMatching } = {},
): BinaryExpr => ({
  kind: 'binary',
  op,
  left,
  right,
  bool: extra.bool ?? false,
  matching: extra.matching,
});
const num = (value: number): MetricExpr => ({ kind: 'number', value });
const on = (
  labels: string[],
  card: VectorMatching['card'] = 'one-to-one',
  include: string[] = [],
): VectorMatching => ({
  on: true,
  labels,
  card,
  include,
});

async function vec(e: MetricExpr): Promise<Record<string, number>> {
  return vectorOf(await instant(e, recs, T0)).values;
}

describe('vector aggregations', () => {
  it('sum / avg / min / max / count / stddev / stdvar by and without', async () => {
    assert.deepEqual(await vec(agg('sum', cot, by('path'))), {
      '{path="/a"}': 4,
      '{path="/b"}': 2,
    });
    assert.deepEqual(await vec(agg('sum', cot, { without: true, labels: ['code'] })), {
      '{app="api", path="/a"}': 4,
      '{app="api", path="/b"}': 2,
    });
    assert.deepEqual(await vec(agg('sum', cot)), { '{}': 6 });
    assert.deepEqual(await vec(agg('avg', cot, by('path'))), {
      '{path="/a"}': 2,
      '{path="/b"}': 2,
    });
    assert.deepEqual(await vec(agg('min', cot, by('path'))), {
      '{path="/a"}': 1,
      '{path="/b"}': 2,
    });
    assert.deepEqual(await vec(agg('max', cot, by('path'))), {
      '{path="/a"}': 3,
      '{path="/b"}': 2,
    });
    assert.deepEqual(await vec(agg('count', cot, by('path'))), {
      '{path="/a"}': 2,
      '{path="/b"}': 1,
    });
    assert.deepEqual(await vec(agg('stdvar', cot, by('path'))), {
      '{path="/a"}': 1,
      '{path="/b"}': 0,
    });
    assert.deepEqual(await vec(agg('stddev', cot, by('path'))), {
      '{path="/a"}': 1,
      '{path="/b"}': 0,
    });
  });

  it('topk / bottomk keep the chosen series per group', async () => {
    assert.deepEqual(await vec(agg('topk', cot, by('path'), 1)), { [A200]: 3, [B200]: 2 });
    assert.deepEqual(await vec(agg('bottomk', cot, by('path'), 1)), { [A500]: 1, [B200]: 2 });
    assert.deepEqual(await vec(agg('topk', cot, undefined, 2)), { [A200]: 3, [B200]: 2 });
    assert.deepEqual(await vec(agg('topk', cot, undefined, 0)), {});
    await assert.rejects(instant(agg('topk', cot), recs, T0), LogqlEvalError);
  });

  it('topk ranks NaN last, bottomk too', () => {
    const s = (v: number, name: string) => ({
      labels: Labels.fromObject({ name }),
      values: Float64Array.of(v),
      present: Uint8Array.of(1),
    });
    const input = [s(NaN, 'nan'), s(1, 'one'), s(2, 'two')];
    const names = (op: 'topk' | 'bottomk', k: number) =>
      evalVectorAgg({ kind: 'vector_agg', op, param: k, expr: cot }, input, 1)
        .series.map((x) => x.labels.get('name'))
        .sort();
    assert.deepEqual(names('topk', 2), ['one', 'two']);
    assert.deepEqual(names('bottomk', 2), ['one', 'two']);
    assert.deepEqual(names('topk', 3), ['nan', 'one', 'two']);
  });

  it('sort / sort_desc order an instant vector by value', async () => {
    assert.deepEqual(vectorOf(await instant(agg('sort', cot), recs, T0)).order, [A500, B200, A200]);
    assert.deepEqual(vectorOf(await instant(agg('sort_desc', cot), recs, T0)).order, [
      A200,
      B200,
      A500,
    ]);
  });

  it('aggregates every step of a range query', async () => {
    const later = [...recs, rec({ app: 'api', path: '/a', code: '404' }, T0 + 30_000)];
    const r = await rangeQuery(agg('sum', cot, by('path')), later, T0 - MIN, T0 + MIN, MIN);
    assert.deepEqual(matrixOf(r), {
      '{path="/a"}': [
        [0, 4],
        [60_000, 1],
      ],
      '{path="/b"}': [[0, 2]],
    });
  });

  it('a scalar argument is an error', async () => {
    await assert.rejects(instant(agg('sum', num(1)), recs, T0), /must be a vector/);
  });
});

describe('binary operators with scalars', () => {
  it('arithmetic keeps the labels, either side', async () => {
    assert.deepEqual(await vec(bin('*', cot, num(2))), { [A200]: 6, [A500]: 2, [B200]: 4 });
    assert.deepEqual(await vec(bin('-', num(10), cot)), { [A200]: 7, [A500]: 9, [B200]: 8 });
  });

  it('division and modulo by zero are NaN (Loki), power follows Go', async () => {
    const d = await vec(bin('/', cot, num(0)));
    assert.ok(Object.values(d).every(Number.isNaN));
    const m = await vec(bin('%', cot, num(0)));
    assert.ok(Object.values(m).every(Number.isNaN));
    assert.deepEqual(await instant(bin('^', num(2), num(3)), [], T0), {
      type: 'scalar',
      t: T0,
      v: 8,
    });
    assert.deepEqual(await instant(bin('^', num(1), num(NaN)), [], T0), {
      type: 'scalar',
      t: T0,
      v: 1,
    });
    assert.deepEqual(await instant(bin('%', num(-7), num(3)), [], T0), {
      type: 'scalar',
      t: T0,
      v: -1,
    });
  });

  it('comparisons filter and keep the vector value on either side; bool gives 0/1', async () => {
    assert.deepEqual(await vec(bin('>', cot, num(1))), { [A200]: 3, [B200]: 2 });
    assert.deepEqual(await vec(bin('<', num(1), cot)), { [A200]: 3, [B200]: 2 });
    assert.deepEqual(await vec(bin('>', cot, num(1), { bool: true })), {
      [A200]: 1,
      [A500]: 0,
      [B200]: 1,
    });
    assert.deepEqual(await vec(bin('==', cot, num(2))), { [B200]: 2 });
    assert.deepEqual(await vec(bin('!=', cot, num(2))), { [A200]: 3, [A500]: 1 });
    assert.deepEqual(await vec(bin('>=', cot, num(2))), { [A200]: 3, [B200]: 2 });
    assert.deepEqual(await vec(bin('<=', cot, num(2))), { [A500]: 1, [B200]: 2 });
  });

  it('scalar with scalar', async () => {
    assert.deepEqual(await instant(bin('+', num(1), num(2)), [], T0), {
      type: 'scalar',
      t: T0,
      v: 3,
    });
    assert.deepEqual(await instant(bin('>', num(1), num(2), { bool: true }), [], T0), {
      type: 'scalar',
      t: T0,
      v: 0,
    });
    const r = await rangeQuery(bin('+', num(1), num(2)), [], T0, T0 + MIN, MIN);
    assert.deepEqual(r, {
      type: 'matrix',
      series: [
        {
          labels: Labels.EMPTY,
          points: [
            [T0, 3],
            [T0 + MIN, 3],
          ],
        },
      ],
    });
  });

  it('set operators need vectors', async () => {
    await assert.rejects(instant(bin('and', cot, num(1)), recs, T0), /needs vectors/);
  });
});

describe('binary operators between vectors', () => {
  const byPath = agg('sum', cot, by('path'));
  const byAppPath = agg('sum', cot, by('app', 'path'));

  it('one-to-one on identical label sets', async () => {
    assert.deepEqual(await vec(bin('+', byPath, byPath)), { '{path="/a"}': 8, '{path="/b"}': 4 });
    assert.deepEqual(await vec(bin('==', byPath, byPath)), { '{path="/a"}': 4, '{path="/b"}': 2 });
    assert.deepEqual(await vec(bin('!=', byPath, byPath, { bool: true })), {
      '{path="/a"}': 0,
      '{path="/b"}': 0,
    });
  });

  it('on() reduces the result to the matching labels; ignoring() drops them', async () => {
    assert.deepEqual(await vec(bin('-', byAppPath, byPath, { matching: on(['path']) })), {
      '{path="/a"}': 0,
      '{path="/b"}': 0,
    });
    const ign: VectorMatching = { on: false, labels: ['app'], card: 'one-to-one', include: [] };
    assert.deepEqual(await vec(bin('/', byAppPath, byPath, { matching: ign })), {
      '{path="/a"}': 1,
      '{path="/b"}': 1,
    });
  });

  it('group_left: many-to-one keeps the many side labels and copies included ones', async () => {
    const ign: VectorMatching = { on: false, labels: ['code'], card: 'many-to-one', include: [] };
    assert.deepEqual(await vec(bin('/', cot, byAppPath, { matching: ign })), {
      [A200]: 0.75,
      [A500]: 0.25,
      [B200]: 1,
    });
    const tagged = agg('sum', cot, by('path', 'app'));
    const inc = await vec(
      bin(
        '*',
        cot,
        {
          kind: 'label_replace',
          expr: tagged,
          dst: 'team',
          replacement: 't$1',
          src: 'path',
          regex: '/(.*)',
        },
        {
          matching: on(['path'], 'many-to-one', ['team']),
        },
      ),
    );
    assert.deepEqual(inc, {
      '{app="api", code="200", path="/a", team="ta"}': 12,
      '{app="api", code="500", path="/a", team="ta"}': 4,
      '{app="api", code="200", path="/b", team="tb"}': 4,
    });
  });

  it('group_right: the right side is the many side; values keep operand order', async () => {
    const r = await vec(bin('-', byAppPath, cot, { matching: on(['path'], 'one-to-many', []) }));
    assert.deepEqual(r, { [A200]: 1, [A500]: 3, [B200]: 0 });
  });

  it('duplicates on the one side and implicit many-to-one are errors', async () => {
    await assert.rejects(
      instant(bin('+', byPath, cot, { matching: on(['path']) }), recs, T0),
      /duplicate series/,
    );
    await assert.rejects(
      instant(bin('+', cot, byPath, { matching: on(['path']) }), recs, T0),
      /must be explicit/,
    );
  });

  it('and / or / unless', async () => {
    const big = bin('>', byPath, num(3));
    assert.deepEqual(await vec(bin('and', cot, big, { matching: on(['path']) })), {
      [A200]: 3,
      [A500]: 1,
    });
    assert.deepEqual(await vec(bin('unless', cot, big, { matching: on(['path']) })), { [B200]: 2 });
    assert.deepEqual(await vec(bin('or', big, byPath)), { '{path="/a"}': 4, '{path="/b"}': 2 });
  });
});

describe('vector(), literals, label_replace, limits', () => {
  it('vector(n) is one unlabelled series at every step', async () => {
    const r = await rangeQuery({ kind: 'vector', value: 3 }, [], T0, T0 + MIN, MIN);
    assert.deepEqual(matrixOf(r), {
      '{}': [
        [0, 3],
        [60_000, 3],
      ],
    });
    assert.deepEqual(await vec(bin('+', { kind: 'vector', value: 1 }, agg('sum', cot))), {
      '{}': 7,
    });
  });

  it('a number is a scalar for an instant query', async () => {
    assert.deepEqual(await instant(num(2.5), [], T0), { type: 'scalar', t: T0, v: 2.5 });
  });

  it('label_replace sets, keeps or removes the destination label', async () => {
    const lr = (replacement: string, regex: string, dst = 'p'): MetricExpr => ({
      kind: 'label_replace',
      expr: agg('sum', cot, by('path')),
      dst,
      replacement,
      src: 'path',
      regex,
    });
    assert.deepEqual(await vec(lr('x-$1', '/(a)')), {
      '{p="x-a", path="/a"}': 4,
      '{path="/b"}': 2,
    });
    assert.deepEqual(await vec(lr('${1}$$', '/(.*)')), {
      '{p="a$", path="/a"}': 4,
      '{p="b$", path="/b"}': 2,
    });
    assert.deepEqual(await vec(lr('', '/b', 'path')), { '{path="/a"}': 4, '{}': 2 });
  });

  it('label_replace errors: bad regex, bad name, colliding series', async () => {
    const base = { kind: 'label_replace' as const, expr: cot, replacement: '', src: 'path' };
    await assert.rejects(
      instant({ ...base, dst: 'x', regex: '(' }, recs, T0),
      /invalid regular expression/,
    );
    await assert.rejects(
      instant({ ...base, dst: '1x', regex: '.*' }, recs, T0),
      /invalid destination/,
    );
    await assert.rejects(instant({ ...base, dst: 'code', regex: '.*' }, recs, T0), /same labelset/);
  });

  it('maxSeries limits the result', async () => {
    await assert.rejects(
      instant(cot, recs, T0, { maxSeries: 2 }),
      /maximum number of series \(2\)/,
    );
    assert.equal(vectorOf(await instant(cot, recs, T0, { maxSeries: 3 })).order.length, 3);
  });

  it('rejects a bad step or an end before the start', async () => {
    await assert.rejects(rangeQuery(cot, [], T0, T0 + MIN, 0), /step must be positive/);
    await assert.rejects(rangeQuery(cot, [], T0, T0 - 1, MIN), /before start/);
  });
});
