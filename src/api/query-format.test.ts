import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  QueryCanceledError,
  QueryExecutionError,
  QueryTimeoutError,
  TooManySamplesError,
} from '../promql/index.js';
import { toApiError } from './errors.js';
import { formatSampleValue } from './query-format.js';

describe('formatSampleValue (Go strconv as Prometheus uses it)', () => {
  it('matches Prometheus for specials, plain decimals and exponents', () => {
    const cases: [number, string][] = [
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
      [0, '0'],
      [-0, '-0'],
      [1, '1'],
      [-2.5, '-2.5'],
      [0.1, '0.1'],
      [1 / 3, '0.3333333333333333'],
      [0.000001, '0.000001'],
      [1e-7, '1e-07'],
      [-1.5e-10, '-1.5e-10'],
      [1e20, '100000000000000000000'],
      [1e21, '1e+21'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [5e-324, '5e-324'],
    ];
    for (const [v, want] of cases) assert.equal(formatSampleValue(v), want, String(v));
  });
});

describe('PromQL errors in the API envelope', () => {
  it("keep their Prometheus errorType with Prometheus's HTTP status", () => {
    const cases: [Error, string, number][] = [
      [new QueryExecutionError('x'), 'execution', 422],
      [new TooManySamplesError(5), 'execution', 422],
      [new QueryTimeoutError(1000), 'timeout', 503],
      [new QueryCanceledError('client gone'), 'canceled', 499],
    ];
    for (const [err, type, status] of cases) {
      const e = toApiError(err);
      assert.equal(e.errorType, type, err.message);
      assert.equal(e.status, status, err.message);
      assert.equal(e.message, err.message);
    }
  });
});
