import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT } from '../../model/index.js';
import { parseExpr } from '../parser/index.js';
import { PromQLEngine } from './engine.js';
import { ramp, show, storeOf } from './testing.js';

const T = DEFAULT_TENANT;
const S = 1000;
const engine = new PromQLEngine({ parse: parseExpr });

describe('end to end with the built-in functions and aggregations', () => {
  it('sum by (job) (rate(x[5m]))', async () => {
    const st = await storeOf({
      'x{job="a", i="1"}': ramp(0, 10, 61), // 1/s
      'x{job="a", i="2"}': ramp(0, 20, 61), // 2/s
      'x{job="b", i="1"}': ramp(0, 5, 61), // 0.5/s
    });
    const r = await engine.range(st, T, 'sum by (job) (rate(x[5m]))', 300 * S, 600 * S, 300 * S);
    // Extrapolation leaves float noise: compare to 12 significant digits.
    const rounded = show(r.value).map((l) =>
      l.replace(/@([\d.]+)/g, (_, v: string) => `@${+(+v).toPrecision(12)}`),
    );
    assert.deepEqual(rounded, ['{job="a"} 300@3 600@3', '{job="b"} 300@0.5 600@0.5']);
  });

  it('a ratio of two aggregations and topk in rank order', async () => {
    const st = await storeOf({
      'avail{region="eu", h="1"}': [[0, 2]],
      'avail{region="eu", h="2"}': [[0, 4]],
      'total{region="eu", h="1"}': [[0, 8]],
      'total{region="eu", h="2"}': [[0, 8]],
    });
    const r = await engine.instant(st, T, 'avg by (region) (avail / total)', 0);
    assert.deepEqual(show(r.value), ['{region="eu"} 0.375']);
    const top = await engine.instant(st, T, 'topk(2, total + avail)', 0);
    assert.deepEqual(show(top.value), ['{h="2", region="eu"} 12', '{h="1", region="eu"} 10']);
    const bottom = await engine.instant(st, T, 'bottomk(2, avail)', 0);
    assert.deepEqual(show(bottom.value), [
      '{__name__="avail", h="1", region="eu"} 2',
      '{__name__="avail", h="2", region="eu"} 4',
    ]);
  });

  it('max_over_time of a subquery of a rate', async () => {
    const st = await storeOf({ 'x{job="a"}': ramp(0, 10, 91) });
    const r = await engine.instant(st, T, 'max_over_time(rate(x[1m])[5m:1m])', 900 * S);
    assert.deepEqual(show(r.value), ['{job="a"} 1']);
  });
});
