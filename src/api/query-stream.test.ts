import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../model/index.js';
import type { QueryValue } from '../promql/index.js';
import { queryResponseChunks, type QueryEnvelopeExtras } from './query-stream.js';

const L = (o: Record<string, string>) => Labels.fromObject(o);
const none: QueryEnvelopeExtras = { warnings: [], infos: [] };

function render(
  v: QueryValue,
  limit = 0,
  extras: QueryEnvelopeExtras = none,
): { text: string; chunks: number } {
  const parts = [...queryResponseChunks(v, limit, extras)];
  return { text: parts.join(''), chunks: parts.length };
}

describe('queryResponseChunks (the success envelope, streamed)', () => {
  it('writes scalars and strings as Prometheus does', () => {
    assert.equal(
      render({ resultType: 'scalar', t: 1_700_000_000_123, v: 1e-7 }).text,
      '{"status":"success","data":{"resultType":"scalar","result":[1700000000.123,"1e-07"]}}',
    );
    assert.equal(
      render({ resultType: 'string', t: 5000, v: 'a "quoted"\nline' }).text,
      '{"status":"success","data":{"resultType":"string","result":[5,"a \\"quoted\\"\\nline"]}}',
    );
  });

  it('writes vectors and matrices with escaped labels and special values', () => {
    const v = render({
      resultType: 'vector',
      series: [
        { labels: L({ __name__: 'up', job: 'a"b\\c</script>' }), t: 1500, v: NaN },
        { labels: L({ x: '\u2028é\u0001' }), t: 2000, v: -Infinity },
      ],
    });
    assert.deepEqual(JSON.parse(v.text), {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { __name__: 'up', job: 'a"b\\c</script>' }, value: [1.5, 'NaN'] },
          { metric: { x: '\u2028é\u0001' }, value: [2, '-Inf'] },
        ],
      },
    });
    const m = render({
      resultType: 'matrix',
      series: [
        {
          labels: L({ a: '1' }),
          ts: Float64Array.of(1000, 61_000),
          vs: Float64Array.of(0.1, -0),
        },
        { labels: Labels.EMPTY, ts: new Float64Array(0), vs: new Float64Array(0) },
      ],
    });
    assert.equal(
      m.text,
      '{"status":"success","data":{"resultType":"matrix","result":[' +
        '{"metric":{"a":"1"},"values":[[1,"0.1"],[61,"-0"]]},{"metric":{},"values":[]}]}}',
    );
  });

  it('keeps the first `limit` series and adds stats, warnings and infos after data', () => {
    const series = [1, 2, 3].map((i) => ({ labels: L({ i: String(i) }), t: 0, v: i }));
    const out = JSON.parse(
      render({ resultType: 'vector', series }, 2, {
        warnings: ['w1'],
        infos: ['i1'],
        stats: { samples: { totalQueryableSamples: 3 } },
      }).text,
    ) as Record<string, unknown>;
    assert.deepEqual(out, {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { i: '1' }, value: [0, '1'] },
          { metric: { i: '2' }, value: [0, '2'] },
        ],
        stats: { samples: { totalQueryableSamples: 3 } },
      },
      warnings: ['w1'],
      infos: ['i1'],
    });
  });

  it('streams a large matrix in chunks of about 64 KiB that join into valid JSON', () => {
    const n = 2000;
    const ts = Float64Array.from({ length: 60 }, (_, i) => 1_700_000_000_000 + i * 15_000);
    const series = Array.from({ length: n }, (_, i) => ({
      labels: L({ __name__: 'm', instance: `host-${i}:9100` }),
      ts,
      vs: Float64Array.from(ts, (_, k) => i * k + 0.5),
    }));
    const { text, chunks } = render({ resultType: 'matrix', series });
    assert.ok(chunks > 10, `${chunks} chunks for ${text.length} characters`);
    const parsed = JSON.parse(text) as {
      data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
    };
    assert.equal(parsed.data.result.length, n);
    assert.deepEqual(parsed.data.result[7].values[3], [1_700_000_045, '21.5']);
    for (const part of queryResponseChunks({ resultType: 'matrix', series }, 0, none))
      assert.ok(part.length < 64 * 1024 + 8 * 1024, `chunk of ${part.length}`);
  });
});
