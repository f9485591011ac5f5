import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT } from '../../model/index.js';
import type { MemStore } from '../../storage/testing.js';
import { QueryExecutionError } from '../errors.js';
import { parseExpr } from '../parser/index.js';
import { PromQLEngine } from './engine.js';
import { engine, show, storeOf } from './testing.js';

const T = DEFAULT_TENANT;

async function at0(st: MemStore, q: string): Promise<string[]> {
  return show((await engine.instant(st, T, q, 0)).value);
}

async function fails(st: MemStore, q: string, msg: RegExp): Promise<void> {
  await assert.rejects(engine.instant(st, T, q, 0), (e: unknown) => {
    assert.ok(e instanceof QueryExecutionError, String(e));
    assert.match(e.message, msg);
    return true;
  });
}

describe('binary operators', () => {
  it('computes scalar/scalar, with Go float semantics', async () => {
    const st = await storeOf({});
    assert.deepEqual(await at0(st, '7 % -4'), ['scalar 3']);
    assert.deepEqual(await at0(st, '-7 % 4'), ['scalar -3']);
    assert.deepEqual(await at0(st, '2 ^ 10'), ['scalar 1024']);
    assert.deepEqual(await at0(st, '1 ^ NaN'), ['scalar 1']);
    assert.deepEqual(await at0(st, '(-1) ^ Inf'), ['scalar 1']);
    assert.deepEqual(await at0(st, '-1 ^ 2'), ['scalar -1']);
    assert.deepEqual(await at0(st, '1 atan2 1'), [`scalar ${Math.PI / 4}`]);
    assert.deepEqual(await at0(st, '1 / 0'), ['scalar Infinity']);
    assert.deepEqual(await at0(st, '2 > bool 1'), ['scalar 1']);
    assert.deepEqual(await at0(st, '2 <= bool 1'), ['scalar 0']);
    assert.deepEqual(await at0(st, '-(3)'), ['scalar -3']);
  });

  it('applies vector/scalar in both orders, filtering comparisons by the vector value', async () => {
    const st = await storeOf({ 'x{a="1"}': [[0, 1]], 'x{a="2"}': [[0, 5]] });
    assert.deepEqual(await at0(st, 'x * 2'), ['{a="1"} 2', '{a="2"} 10']);
    assert.deepEqual(await at0(st, '10 - x'), ['{a="1"} 9', '{a="2"} 5']);
    assert.deepEqual(await at0(st, 'x > 2'), ['{__name__="x", a="2"} 5']);
    assert.deepEqual(await at0(st, '2 < x'), ['{__name__="x", a="2"} 5']);
    assert.deepEqual(await at0(st, '2 >= bool x'), ['{a="1"} 1', '{a="2"} 0']);
    assert.deepEqual(await at0(st, 'x == 7'), []);
    assert.deepEqual(await at0(st, '+x != 1'), ['{__name__="x", a="2"} 5']);
  });

  it('matches one-to-one on all labels but the name, or on/ignoring', async () => {
    const st = await storeOf({
      'a{i="1", j="x"}': [[0, 10]],
      'a{i="2", j="x"}': [[0, 20]],
      'b{i="1", j="y"}': [[0, 2]],
      'b{i="2", j="y"}': [[0, 4]],
      'c{i="1", j="x"}': [[0, 3]],
    });
    assert.deepEqual(await at0(st, 'a / c'), ['{i="1", j="x"} 3.3333333333333335']);
    assert.deepEqual(await at0(st, 'a / b'), []);
    assert.deepEqual(await at0(st, 'a / on(i) b'), ['{i="1"} 5', '{i="2"} 5']);
    assert.deepEqual(await at0(st, 'a - ignoring(j) b'), ['{i="1"} 8', '{i="2"} 16']);
    assert.deepEqual(await at0(st, 'a > ignoring(j) b'), [
      '{__name__="a", i="1"} 10',
      '{__name__="a", i="2"} 20',
    ]);
    assert.deepEqual(await at0(st, 'b < bool on(i) a'), ['{i="1"} 1', '{i="2"} 1']);
    assert.deepEqual(await at0(st, 'a atan2 on(i) b'), [
      `{i="1"} ${Math.atan2(10, 2)}`,
      `{i="2"} ${Math.atan2(20, 4)}`,
    ]);
  });

  it('matches many-to-one and one-to-many with included labels', async () => {
    const st = await storeOf({
      'req{job="a", path="/x"}': [[0, 6]],
      'req{job="a", path="/y"}': [[0, 9]],
      'req{job="b", path="/x"}': [[0, 4]],
      'total{job="a", owner="ann"}': [[0, 3]],
      'total{job="b", owner="bob", path="/p"}': [[0, 2]],
    });
    assert.deepEqual(await at0(st, 'req / on(job) group_left(owner) total'), [
      '{job="a", owner="ann", path="/x"} 2',
      '{job="a", owner="ann", path="/y"} 3',
      '{job="b", owner="bob", path="/x"} 2',
    ]);
    assert.deepEqual(await at0(st, 'total * on(job) group_right req'), [
      '{job="a", path="/x"} 18',
      '{job="a", path="/y"} 27',
      '{job="b", path="/x"} 8',
    ]);
    // An include label missing on the "one" side is removed from the result.
    assert.deepEqual(await at0(st, 'req{job="b"} * on(job) group_left(path) total'), [
      '{job="b", path="/p"} 8',
    ]);
    assert.deepEqual(await at0(st, 'req{job="a"} > on(job) group_left total'), [
      '{__name__="req", job="a", path="/x"} 6',
      '{__name__="req", job="a", path="/y"} 9',
    ]);
    // Comparisons keep the left value, also under group_right.
    assert.deepEqual(await at0(st, 'total < on(job) group_right req'), [
      '{__name__="req", job="a", path="/x"} 3',
      '{__name__="req", job="a", path="/y"} 3',
      '{__name__="req", job="b", path="/x"} 2',
    ]);
  });

  it('raises Prometheus matching errors', async () => {
    const st = await storeOf({
      'dup{l="alpha"}': [[0, 1]],
      'dup{l="beta"}': [[0, 2]],
      s: [[0, 3]],
      'req{job="a", path="/x"}': [[0, 6]],
      'req{job="a", path="/y"}': [[0, 9]],
      'total{job="a"}': [[0, 3]],
    });
    await fails(
      st,
      's > on() dup',
      /^found duplicate series for the match group \{\} on the right hand-side of the operation: \[\{__name__="dup", l="alpha"\}, \{__name__="dup", l="beta"\}\];many-to-many matching not allowed: matching labels must be unique on one side$/,
    );
    await fails(st, 'dup * on() group_right s', /on the left hand-side/);
    await fails(st, 'req + on(job) total', /many-to-one matching must be explicit/);
    // Both req{job="a"} series lose `path` (absent on the one side): the same result labels.
    await fails(
      st,
      'req * on(job) group_left(path) total',
      /^multiple matches for labels: grouping labels must ensure unique matches$/,
    );
  });

  it('keeps duplicates on the one side when they never share a step', async () => {
    const st = await storeOf({
      'dup{l="alpha"}': [[0, 1]],
      'dup{l="beta"}': [[600, 2]],
      s: [
        [0, 10],
        [600, 20],
      ],
    });
    const r = await engine.range(st, T, 's - on() dup', 0, 600 * 1000, 600 * 1000);
    assert.deepEqual(show(r.value), ['{} 0@9 600@18']);
  });

  it('ignores one-side duplicates at steps where the other side is empty', async () => {
    // dup has two series at 600 s, where s has no sample (s went stale at 300 s).
    const st = await storeOf({
      'dup{l="alpha"}': [
        [0, 1],
        [600, 1],
      ],
      'dup{l="beta"}': [[600, 2]],
      s: [
        [0, 10],
        [300, 'stale'],
      ],
    });
    const r = await engine.range(st, T, 's - on() dup', 0, 600 * 1000, 600 * 1000);
    assert.deepEqual(show(r.value), ['{} 0@9']);
    assert.deepEqual(show((await engine.instant(st, T, 's - on() dup', 600_000)).value), []);
    // Any many-side sample at that step, even one matching nothing, makes it an error.
    const st2 = await storeOf({
      'd{l="x", m="1"}': [[0, 1]],
      'd{l="x", m="2"}': [[0, 2]],
      'other{l="y"}': [[0, 3]],
    });
    await fails(st2, 'other - on(l) d', /^found duplicate series for the match group \{l="x"\}/);
  });

  it('checks one-to-one uniqueness before the comparison filter (3.x)', async () => {
    const st = await storeOf({
      'a{le="1"}': [[0, 1]],
      'a{le="2"}': [[0, 2]],
      b: [[0, 2]],
    });
    // Prometheus 2.42 kept the one equal sample; 3.x fails even when the filter keeps one.
    await fails(st, 'a == ignoring(le) b', /many-to-one matching must be explicit/);
    await fails(st, 'a > ignoring(le) b', /many-to-one matching must be explicit/);
  });

  it('gives timestamp() the evaluation time for operator results', async () => {
    const st = await storeOf({ x: [[5, 3]] });
    const t = 10_000;
    const show1 = async (q: string) => show((await engine.instant(st, T, q, t)).value);
    assert.deepEqual(await show1('timestamp(x)'), ['{} 5']);
    assert.deepEqual(await show1('timestamp(x > 1)'), ['{} 10']);
    assert.deepEqual(await show1('timestamp(1 < x)'), ['{} 10']);
    // With the built-in functions: label functions and sort give the evaluation time too.
    const full = new PromQLEngine({ parse: parseExpr });
    const showF = async (q: string) => show((await full.instant(st, T, q, t)).value);
    assert.deepEqual(await showF('timestamp(((x)))'), ['{} 5']);
    assert.deepEqual(await showF('timestamp(label_replace(x, "a", "b", "", ""))'), ['{a="b"} 10']);
    assert.deepEqual(await showF('timestamp(label_replace(x, "a", "b", "c", "d"))'), ['{} 10']);
    assert.deepEqual(await showF('timestamp(label_join(x, "a", "-", "__name__"))'), ['{a="x"} 10']);
    assert.deepEqual(await showF('timestamp(sort(x))'), ['{} 10']);
  });

  it('applies set operators per step', async () => {
    const st = await storeOf({
      'x{a="1"}': [[0, 1]],
      'x{a="2"}': [[0, 2]],
      'y{a="2"}': [[0, 20]],
      'y{a="3"}': [[0, 30]],
      'z{a="1", b="q"}': [[0, 100]],
    });
    assert.deepEqual(await at0(st, 'x and y'), ['{__name__="x", a="2"} 2']);
    assert.deepEqual(await at0(st, 'x unless y'), ['{__name__="x", a="1"} 1']);
    assert.deepEqual(await at0(st, 'x or y'), [
      '{__name__="x", a="1"} 1',
      '{__name__="x", a="2"} 2',
      '{__name__="y", a="3"} 30',
    ]);
    assert.deepEqual(await at0(st, 'x and on(a) z'), ['{__name__="x", a="1"} 1']);
    assert.deepEqual(await at0(st, 'z unless ignoring(b) x'), []);
    assert.deepEqual(await at0(st, '(x * 2) or y'), [
      '{__name__="y", a="3"} 30',
      '{a="1"} 2',
      '{a="2"} 4',
    ]);
    const r = await engine.range(st, T, 'x or (y{a="2"} * 0)', 0, 600_000, 300_000);
    assert.deepEqual(show(r.value), ['{__name__="x", a="1"} 0@1', '{__name__="x", a="2"} 0@2']);
  });

  it('fills a missing side with fill / fill_left / fill_right (experimental)', async () => {
    const st = await storeOf({
      'l{k="a"}': [[0, 1]],
      'l{k="b"}': [[0, 2]],
      'r{k="a"}': [[0, 10]],
      'r{k="c"}': [[0, 30]],
      'meta{i="x"}': [[0, 5]],
      'meta{i="z"}': [[0, 7]],
      'cpu{i="x", c="0"}': [[0, 1]],
      'cpu{i="y", c="0"}': [[0, 1]],
    });
    const e = new PromQLEngine({ parse: (t) => parseExpr(t, { experimental: true }) });
    const q = async (text: string) => show((await e.instant(st, T, text, 0)).value);
    assert.deepEqual(await q('l + fill(100) r'), ['{k="a"} 11', '{k="b"} 102', '{k="c"} 130']);
    assert.deepEqual(await q('l - fill_left(0) r'), ['{k="a"} -9', '{k="c"} -30']);
    assert.deepEqual(await q('l - fill_right(0) r'), ['{k="a"} -9', '{k="b"} 2']);
    assert.deepEqual(await q('l > fill(1) r'), ['{__name__="l", k="b"} 2']);
    assert.deepEqual(await q('l < bool fill(1) r'), ['{k="a"} 1', '{k="b"} 0', '{k="c"} 1']);
    // group_right: fill_left stands in for the many side, fill_right for the one side.
    assert.deepEqual(await q('meta * on(i) group_right fill(2) cpu'), [
      '{c="0", i="x"} 5',
      '{c="0", i="y"} 2',
      '{i="z"} 14',
    ]);
  });
});
