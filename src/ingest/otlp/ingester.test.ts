import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, tenantId } from '../../model/index.js';
import {
  LimitExceededError,
  StorageUnavailableError,
  type Appendable,
  type Appender,
  type MetadataStore,
} from '../../storage/index.js';
import { MemStore } from '../../storage/testing.js';
import { OtlpError } from './errors.js';
import { OtlpMetricsIngester } from './ingester.js';
import { dump, encodeWithProtobufjs, loadExportRequestType, request } from './testing.js';

const T0 = 1_700_000_000_000;
const ns = (ms: number) => `${ms}000000`;
const CFG = { max_decompressed_bytes: 1 << 20 };
const ExportRequest = loadExportRequestType();
const skipProto = ExportRequest ? false : 'conformance OTLP protos absent';

const deltaReq = (start: number, end: number, v: number, extra: unknown[] = []) =>
  request([
    {
      name: 'c',
      sum: {
        aggregationTemporality: 1,
        isMonotonic: true,
        dataPoints: [{ startTimeUnixNano: ns(start), timeUnixNano: ns(end), asDouble: v }],
      },
    },
    ...extra,
  ]);

async function rejects(
  p: Promise<unknown>,
  status: number,
  reason: string,
  msg: RegExp,
): Promise<OtlpError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof OtlpError, `want OtlpError, got ${String(err)}`);
    assert.equal(err.status, status, err.message);
    assert.equal(err.reason, reason, err.message);
    assert.match(err.message, msg);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('OtlpMetricsIngester', () => {
  const json = (ing: OtlpMetricsIngester, body: unknown, tenant = DEFAULT_TENANT) =>
    ing.write(tenant, Buffer.from(JSON.stringify(body)), { contentType: 'application/json' }, CFG);

  it(
    'stores protobuf bodies (protobufjs-encoded) like JSON ones',
    { skip: skipProto },
    async () => {
      const a = new MemStore();
      const b = new MemStore();
      const body = deltaReq(T0, T0 + 10, 2, [
        { name: 'g', unit: 's', gauge: { dataPoints: [{ timeUnixNano: ns(T0), asInt: '3' }] } },
      ]);
      const pb = encodeWithProtobufjs(ExportRequest!, body);
      const res = await new OtlpMetricsIngester(a, { now: () => T0 }).write(
        DEFAULT_TENANT,
        pb,
        { contentType: 'application/x-protobuf' },
        CFG,
      );
      await json(new OtlpMetricsIngester(b, { now: () => T0 }), body);
      assert.deepEqual(res, {
        dataPoints: 2,
        samples: 2,
        appended: 2,
        duplicates: 0,
        newSeries: 2,
        exemplarsIgnored: 0,
        rejectedDataPoints: 0,
        errorMessage: '',
      });
      assert.deepEqual(dump(a), dump(b));
      assert.deepEqual(Object.keys(dump(a)), [
        '{__name__="c_total", job="svc"}',
        '{__name__="g_seconds", job="svc"}',
      ]);
    },
  );

  it('a repeated request is accepted as duplicates', async () => {
    const ing = new OtlpMetricsIngester(new MemStore(), { now: () => T0 });
    const body = request([
      { name: 'g', gauge: { dataPoints: [{ timeUnixNano: ns(T0), asDouble: 1 }] } },
    ]);
    await json(ing, body);
    const res = await json(ing, body);
    assert.equal(res.duplicates, 1);
    assert.equal(res.appended, 0);
  });

  it('all-or-nothing: an invalid series stores nothing and undoes delta state', async () => {
    const store = new MemStore();
    const ing = new OtlpMetricsIngester(store, {
      now: () => T0,
      labelLimits: { maxLabelNameLength: 1024, maxLabelValueLength: 10, maxLabelsPerSeries: 64 },
    });
    await json(ing, deltaReq(T0, T0 + 10, 1));
    const bad = {
      name: 'g',
      gauge: {
        dataPoints: [
          {
            timeUnixNano: ns(T0),
            asDouble: 1,
            attributes: [{ key: 'long', value: { stringValue: 'x'.repeat(11) } }],
          },
        ],
      },
    };
    const err = await rejects(
      json(ing, deltaReq(T0 + 10, T0 + 20, 5, [bad])),
      400,
      'invalid_labels',
      /value of label "long" is 11 characters long/,
    );
    assert.equal(err.dataPoints, 2);
    // The failed request's delta (5) was not kept: the next one continues from 1.
    await json(ing, deltaReq(T0 + 10, T0 + 20, 2));
    assert.deepEqual(dump(store), {
      '{__name__="c_total", job="svc"}': [
        [T0 + 10, 1],
        [T0 + 20, 3],
      ],
    });
  });

  it('out-of-order samples within the store are a 400 and roll back', async () => {
    const store = new MemStore();
    const ing = new OtlpMetricsIngester(store, { now: () => T0 });
    const g = (t: number) => ({
      name: 'g',
      gauge: { dataPoints: [{ timeUnixNano: ns(t), asDouble: 1 }] },
    });
    await json(ing, request([g(T0 + 10)]));
    await rejects(
      json(
        ing,
        request([
          { name: 'other', gauge: { dataPoints: [{ timeUnixNano: ns(T0), asDouble: 1 }] } },
          g(T0),
        ]),
      ),
      400,
      'rejected',
      /cannot ingest series \{__name__="g", job="svc"\}/,
    );
    assert.deepEqual(Object.keys(dump(store)), ['{__name__="g", job="svc"}']);
  });

  it('delta state is per tenant and bounded', async () => {
    const store = new MemStore();
    const ing = new OtlpMetricsIngester(store, {
      now: () => T0,
      delta: { ttlMs: 60_000, maxSeries: 1 },
    });
    const other = tenantId('other');
    await json(ing, deltaReq(T0, T0 + 10, 1));
    await json(ing, deltaReq(T0, T0 + 10, 7), other);
    assert.equal(ing.deltaSeries(DEFAULT_TENANT), 1);
    assert.equal(ing.deltaSeries(other), 1);
    const res = await json(
      ing,
      request([
        {
          name: 'd2',
          sum: {
            aggregationTemporality: 1,
            dataPoints: [{ timeUnixNano: ns(T0 + 10), asDouble: 1 }],
          },
        },
      ]),
    );
    assert.equal(res.rejectedDataPoints, 1);
    assert.match(res.errorMessage, /too many delta series/);
  });

  it('storage errors map to retryable statuses', async () => {
    class Failing implements Appendable, MetadataStore {
      constructor(private readonly mode: 'appender' | 'append' | 'commit') {}
      appender(): Appender {
        if (this.mode === 'appender') throw new StorageUnavailableError('WAL replay in progress');
        return {
          append: () => {
            if (this.mode === 'append') throw new LimitExceededError('series limit of 1 reached');
            return 1;
          },
          commit: async () => {
            throw new StorageUnavailableError('disk full');
          },
          rollback: () => {},
        };
      }
      setMetadata(): void {}
      getMetadata() {
        return new Map();
      }
    }
    const body = request([
      { name: 'g', gauge: { dataPoints: [{ timeUnixNano: ns(T0), asDouble: 1 }] } },
    ]);
    const e1 = await rejects(
      json(new OtlpMetricsIngester(new Failing('appender')), body),
      503,
      'unavailable',
      /WAL replay/,
    );
    assert.equal(e1.dataPoints, 1);
    await rejects(
      json(new OtlpMetricsIngester(new Failing('append')), body),
      429,
      'limit_exceeded',
      /series limit/,
    );
    await rejects(
      json(new OtlpMetricsIngester(new Failing('commit')), body),
      503,
      'unavailable',
      /cannot commit OTLP metrics: disk full/,
    );
  });
});
