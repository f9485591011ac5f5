import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutboundGuard } from '../../net/index.js';
import { DEFAULT_TENANT } from '../../model/index.js';
import { parseCheckDefinition } from '../definition.js';
import type { ProbeContext, QuerySample } from '../types.js';
import { promqlKind, type PromqlSpec } from './index.js';

const kinds = new Map([[promqlKind.name, promqlKind]]);

function ctx(query: ProbeContext['query']): ProbeContext {
  return {
    tenant: DEFAULT_TENANT,
    guard: new OutboundGuard(),
    signal: new AbortController().signal,
    timeoutMs: 1000,
    maxBodyBytes: 1024,
    secret: () => Promise.reject(new Error('no secrets')),
    now: () => 1234,
    query,
    heartbeat: { since: 0 },
  };
}

const spec = (expr: string) =>
  parseCheckDefinition({ name: 'q', kind: 'promql', expr }, kinds).spec as PromqlSpec;

describe('promql kind', () => {
  it('is healthy while the expression returns nothing', async () => {
    const asked: [string, number][] = [];
    const r = await promqlKind.probe(
      spec(' up == 0 '),
      ctx((e, at) => {
        asked.push([e, at]);
        return Promise.resolve([]);
      }),
    );
    assert.equal(r.success, true);
    assert.deepEqual(asked, [['up == 0', 1234]]);
    assert.deepEqual(
      r.metrics.map((m) => [m.name, m.value]),
      [['argus_check_promql_series', 0]],
    );
  });

  it('fails naming up to 3 result series', async () => {
    const res: QuerySample[] = [1, 2, 3, 4, 5].map((i) => ({
      labels: { job: 'api', instance: `h${i}` },
      value: 0,
    }));
    const r = await promqlKind.probe(
      spec('up == 0'),
      ctx(() => Promise.resolve(res)),
    );
    assert.equal(r.success, false);
    assert.equal(
      r.error,
      'expression returned 5 series, want none: {job="api", instance="h1"} 0; {job="api", instance="h2"} 0; {job="api", instance="h3"} 0 and 2 more',
    );
    assert.equal(r.metrics[0].value, 5);
  });

  it('fails when the query cannot be evaluated', async () => {
    const r = await promqlKind.probe(
      spec('rate(x[5m]'),
      ctx(() => Promise.reject(new Error('parse error: unclosed'))),
    );
    assert.equal(r.success, false);
    assert.equal(r.error, 'cannot evaluate "rate(x[5m]": parse error: unclosed');
  });

  it('validates its fields and shows the expression as target', () => {
    assert.throws(() => spec(''), /expr/);
    assert.throws(
      () => parseCheckDefinition({ name: 'q', kind: 'promql', expr: 'up', for: '5m' }, kinds),
      /for: unknown field/,
    );
    assert.equal(promqlKind.target({ expr: 'up == 0' }), 'up == 0');
    assert.equal(promqlKind.target({ expr: 'x'.repeat(300) }).length, 200);
  });
});
