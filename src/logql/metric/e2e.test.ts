import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Labels } from '../../model/index.js';
import { MemLogStore } from '../../storage/index.js';
import { selectProcessed } from '../engine-select.js';
import { LogqlEvalError } from '../errors.js';
import { parseLogql } from '../parse.js';
import type { LogqlResult } from '../types.js';
import { evaluateMetric } from './evaluate.js';
import { matrixOf, ns, T0, vectorOf } from './testing.js';

/** Parser → real pipeline over MemLogStore → metric evaluation, a few rows end to end. */

const lines: [number, string][] = [
  [-50_000, '{"status":"200","path":"/a","took":"250ms","msg":"GET /a"}'],
  [-40_000, '{"status":"500","path":"/a","took":"1.5s","msg":"GET /a"}'],
  [-30_000, '{"status":"200","path":"/b","took":"100ms","msg":"POST /b"}'],
  [-20_000, '{"status":"200","path":"/a","took":"oops","msg":"GET /a"}'],
  [-10_000, '{"status":"404","path":"/b","took":"50ms","msg":"GET /b"}'],
  [30_000, '{"status":"200","path":"/a","took":"2s","msg":"GET /a"}'],
];

async function store(): Promise<MemLogStore> {
  const s = new MemLogStore();
  const app = s.logAppender(DEFAULT_TENANT);
  app.append(
    Labels.fromObject({ app: 'api' }),
    lines.map(([ms, line]) => ({ ts: ns(T0 + ms), line })),
  );
  await app.commit();
  return s;
}

async function run(query: string, instant: boolean): Promise<LogqlResult> {
  const expr = parseLogql(query);
  assert.notEqual(expr.kind, 'log');
  if (expr.kind === 'log') throw new Error('unreachable');
  const s = await store();
  return evaluateMetric(expr, {
    select: selectProcessed(s.logQuerier(DEFAULT_TENANT)),
    startMs: instant ? T0 : T0 - 60_000,
    endMs: instant ? T0 : T0 + 60_000,
    stepMs: 60_000,
    instant,
  });
}

describe('metric queries end to end (parseLogql + pipeline + evaluator)', () => {
  it('sum by (status) (count_over_time(… | json [1m]))', async () => {
    const r = await run('sum by (status) (count_over_time({app="api"} | json [1m]))', true);
    assert.deepEqual(vectorOf(r).values, {
      '{status="200"}': 3,
      '{status="404"}': 1,
      '{status="500"}': 1,
    });
  });

  it('quantile_over_time of a duration, dropping the value that does not convert', async () => {
    const r = await run(
      'quantile_over_time(0.5, {app="api"} | json | unwrap duration(took) | __error__="" [1m]) by (path)',
      true,
    );
    assert.deepEqual(vectorOf(r).values, {
      '{path="/a"}': 0.875,
      '{path="/b"}': 0.05 * 0.5 + 0.1 * 0.5,
    });
  });

  it('an unconvertible value without a post filter is a pipeline error', async () => {
    await assert.rejects(
      run('sum_over_time({app="api"} | json | unwrap duration(took) [1m])', true),
      (e: unknown) => e instanceof LogqlEvalError && /SampleExtractionErr/.test(e.message),
    );
  });

  it('ratio of two rates over a range query', async () => {
    const r = await run('sum(rate({app="api"} |= "GET" [1m])) / sum(rate({app="api"}[1m]))', false);
    assert.deepEqual(matrixOf(r), {
      '{}': [
        [0, 4 / 5],
        [60_000, 1],
      ],
    });
  });

  it('topk over a grouped count, and label_replace on top', async () => {
    const r = await run(
      'label_replace(topk(1, sum by (path) (count_over_time({app="api"} | json [1m]))), "p", "$1", "path", "/(.*)")',
      true,
    );
    assert.deepEqual(vectorOf(r).values, { '{p="a", path="/a"}': 3 });
  });
});
