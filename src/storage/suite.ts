import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_TENANT,
  Labels,
  Matcher,
  staleNaN,
  tenantId,
  isStaleNaN,
  type TenantId,
} from '../model/index.js';
import type { Appendable } from './appender.js';
import {
  AppendError,
  DuplicateSampleError,
  FutureSampleError,
  InvalidSeriesError,
  InvalidTimestampError,
  OutOfOrderSampleError,
  UnknownSeriesRefError,
} from './errors.js';
import type { MetadataStore } from './metadata.js';
import { type Queryable, readSamples, type Series } from './querier.js';

type Store = Appendable & Queryable & Partial<MetadataStore>;

/** What the shared suite needs from an implementation. */
export interface StorageUnderTest {
  store: Store;
  /** Closes and reopens the store on the same durable state; omit when not durable. */
  reopen?: () => Promise<Store>;
  close(): Promise<void>;
}

const T0 = Date.now() - 3_600_000; // within any head window, in the past
const ALL = Number.MAX_SAFE_INTEGER;

function ls(obj: Record<string, string>): Labels {
  return Labels.fromObject(obj);
}

/** Every series matching `matchers` as {labels, ts, vs}, stale markers as 'stale' (for asserts). */
export function readSeries(
  store: Queryable,
  matchers: Matcher[],
  tenant: TenantId = DEFAULT_TENANT,
  mint = 0,
  maxt = ALL,
): { labels: string; ts: number[]; vs: (number | string)[] }[] {
  const q = store.querier(tenant, mint, maxt);
  try {
    return q.select(matchers).map((s: Series) => {
      const ts: number[] = [];
      const vs: (number | string)[] = [];
      const it = s.iterator();
      while (it.next()) {
        ts.push(it.t);
        // Stale markers are kept as a tag: a number[] would canonicalise the NaN's bits.
        vs.push(isStaleNaN(it.v) ? 'stale' : it.v);
      }
      return { labels: s.labels.toString(), ts, vs };
    });
  } finally {
    q.close();
  }
}

const nameIs = (n: string) => new Matcher('=', '__name__', n);

/**
 * The storage conformance suite: every Appendable+Queryable implementation runs it (MemStore,
 * the TSDB). `open` MUST return a fresh, empty store with the default limits and a
 * `max_future` of 10 minutes.
 */
export function runStorageSuite(name: string, open: () => Promise<StorageUnderTest>): void {
  describe(`storage suite: ${name}`, () => {
    async function withStore(fn: (s: StorageUnderTest) => Promise<void>): Promise<void> {
      const s = await open();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    }

    it('commits samples and reads them back sorted by labels, samples in time order', () =>
      withStore(async ({ store }) => {
        const app = store.appender(DEFAULT_TENANT);
        app.append(0, ls({ __name__: 'm', job: 'b' }), T0, 1);
        app.append(0, ls({ __name__: 'm', job: 'a' }), T0, 2);
        app.append(0, ls({ __name__: 'm', job: 'a' }), T0 + 1000, 3);
        const res = await app.commit();
        assert.equal(res.appended, 3);
        assert.equal(res.newSeries, 2);
        assert.deepEqual(readSeries(store, [nameIs('m')]), [
          { labels: '{__name__="m", job="a"}', ts: [T0, T0 + 1000], vs: [2, 3] },
          { labels: '{__name__="m", job="b"}', ts: [T0], vs: [1] },
        ]);
      }));

    it('shows nothing before commit and nothing after rollback', () =>
      withStore(async ({ store }) => {
        const app = store.appender(DEFAULT_TENANT);
        app.append(0, ls({ __name__: 'r' }), T0, 1);
        assert.deepEqual(readSeries(store, [nameIs('r')]), []);
        app.rollback();
        assert.deepEqual(readSeries(store, [nameIs('r')]), []);
        const app2 = store.appender(DEFAULT_TENANT);
        app2.append(0, ls({ __name__: 'r' }), T0, 5);
        await app2.commit();
        assert.deepEqual(readSeries(store, [nameIs('r')]), [
          { labels: '{__name__="r"}', ts: [T0], vs: [5] },
        ]);
      }));

    it('rejects out-of-order samples and keeps earlier data intact', () =>
      withStore(async ({ store }) => {
        const a = store.appender(DEFAULT_TENANT);
        a.append(0, ls({ __name__: 'o' }), T0 + 2000, 1);
        await a.commit();
        const b = store.appender(DEFAULT_TENANT);
        assert.throws(
          () => b.append(0, ls({ __name__: 'o' }), T0 + 1000, 2),
          OutOfOrderSampleError,
        );
        b.rollback();
        const c = store.appender(DEFAULT_TENANT);
        c.append(0, ls({ __name__: 'o' }), T0 + 3000, 3);
        assert.throws(() => c.append(0, ls({ __name__: 'o' }), T0 + 3000, 4), AppendError);
        c.rollback();
        assert.deepEqual(readSeries(store, [nameIs('o')]), [
          { labels: '{__name__="o"}', ts: [T0 + 2000], vs: [1] },
        ]);
      }));

    it('accepts exact duplicates as no-ops and rejects a different value at the same timestamp', () =>
      withStore(async ({ store }) => {
        const a = store.appender(DEFAULT_TENANT);
        a.append(0, ls({ __name__: 'd' }), T0, 1.5);
        a.append(0, ls({ __name__: 'd' }), T0 + 1000, staleNaN);
        await a.commit();
        const b = store.appender(DEFAULT_TENANT);
        b.append(0, ls({ __name__: 'd' }), T0, 1.5);
        b.append(0, ls({ __name__: 'd' }), T0 + 1000, staleNaN);
        b.append(0, ls({ __name__: 'd' }), T0 + 2000, 7);
        const res = await b.commit();
        assert.equal(res.duplicates, 2);
        assert.equal(res.appended, 1);
        const c = store.appender(DEFAULT_TENANT);
        assert.throws(() => c.append(0, ls({ __name__: 'd' }), T0 + 2000, 8), DuplicateSampleError);
        c.rollback();
        const got = readSeries(store, [nameIs('d')]);
        assert.deepEqual(got[0].ts, [T0, T0 + 1000, T0 + 2000]);
        assert.deepEqual(got[0].vs, [1.5, 'stale', 7]);
      }));

    it('is all-or-nothing: a batch with one bad sample applies nothing', () =>
      withStore(async ({ store }) => {
        const a = store.appender(DEFAULT_TENANT);
        a.append(0, ls({ __name__: 'x', i: '1' }), T0 + 5000, 1);
        await a.commit();
        const b = store.appender(DEFAULT_TENANT);
        b.append(0, ls({ __name__: 'x', i: '2' }), T0, 1);
        b.append(0, ls({ __name__: 'x', i: '3' }), T0, 1);
        assert.throws(
          () => b.append(0, ls({ __name__: 'x', i: '1' }), T0, 9),
          OutOfOrderSampleError,
        );
        b.rollback();
        assert.deepEqual(
          readSeries(store, [nameIs('x')]).map((s) => s.labels),
          ['{__name__="x", i="1"}'],
        );
      }));

    it('a refused sample can be skipped and the rest of the batch committed', () =>
      withStore(async ({ store }) => {
        const a = store.appender(DEFAULT_TENANT);
        a.append(0, ls({ __name__: 'k', i: '1' }), T0 + 5000, 1);
        await a.commit();
        const b = store.appender(DEFAULT_TENANT);
        b.append(0, ls({ __name__: 'k', i: '2' }), T0 + 6000, 2);
        assert.throws(
          () => b.append(0, ls({ __name__: 'k', i: '1' }), T0, 9),
          OutOfOrderSampleError,
        );
        assert.throws(() => b.append(0, ls({ __name__: 'k', i: '3' }), -1, 9), AppendError);
        b.append(0, ls({ __name__: 'k', i: '1' }), T0 + 6000, 3);
        const res = await b.commit();
        assert.equal(res.appended, 2);
        assert.deepEqual(readSeries(store, [nameIs('k')]), [
          { labels: '{__name__="k", i="1"}', ts: [T0 + 5000, T0 + 6000], vs: [1, 3] },
          { labels: '{__name__="k", i="2"}', ts: [T0 + 6000], vs: [2] },
        ]);
      }));

    it('detects conflicts between concurrent batches at commit', () =>
      withStore(async ({ store }) => {
        const a = store.appender(DEFAULT_TENANT);
        const b = store.appender(DEFAULT_TENANT);
        a.append(0, ls({ __name__: 'c' }), T0, 1);
        b.append(0, ls({ __name__: 'c2' }), T0, 1);
        b.append(0, ls({ __name__: 'c' }), T0, 2);
        await a.commit();
        await assert.rejects(b.commit(), DuplicateSampleError);
        assert.deepEqual(readSeries(store, [new Matcher('=~', '__name__', 'c.*')]), [
          { labels: '{__name__="c"}', ts: [T0], vs: [1] },
        ]);
      }));

    it('selects with =, !=, =~, !~ (anchored) and treats a missing label as empty', () =>
      withStore(async ({ store }) => {
        const a = store.appender(DEFAULT_TENANT);
        const series: Record<string, string>[] = [
          { __name__: 'up', job: 'api', env: 'prod' },
          { __name__: 'up', job: 'api2', env: 'dev' },
          { __name__: 'up', job: 'db' },
          { __name__: 'other', job: 'api' },
        ];
        for (const s of series) a.append(0, ls(s), T0, 1);
        await a.commit();
        const names = (ms: Matcher[]) => readSeries(store, ms).map((s) => s.labels);
        assert.deepEqual(names([nameIs('up'), new Matcher('=', 'job', 'api')]), [
          '{__name__="up", env="prod", job="api"}',
        ]);
        assert.deepEqual(names([nameIs('up'), new Matcher('=~', 'job', 'api')]), [
          '{__name__="up", env="prod", job="api"}',
        ]);
        assert.deepEqual(names([nameIs('up'), new Matcher('=~', 'job', 'api.*')]).length, 2);
        assert.deepEqual(names([nameIs('up'), new Matcher('!=', 'job', 'api')]).length, 2);
        assert.deepEqual(names([nameIs('up'), new Matcher('!~', 'job', 'api|db')]), [
          '{__name__="up", env="dev", job="api2"}',
        ]);
        assert.deepEqual(names([nameIs('up'), new Matcher('=', 'env', '')]), [
          '{__name__="up", job="db"}',
        ]);
        assert.deepEqual(names([nameIs('up'), new Matcher('!=', 'env', '')]).length, 2);
        assert.deepEqual(names([nameIs('up'), new Matcher('=~', 'env', 'prod|')]).length, 2);
        assert.deepEqual(
          names([new Matcher('=~', 'job', '.+'), new Matcher('!=', '__name__', 'up')]),
          ['{__name__="other", job="api"}'],
        );
        assert.deepEqual(names([nameIs('nope')]), []);
      }));

    it('lists label names and values, optionally filtered by matchers', () =>
      withStore(async ({ store }) => {
        const a = store.appender(DEFAULT_TENANT);
        a.append(0, ls({ __name__: 'a', x: '1' }), T0, 1);
        a.append(0, ls({ __name__: 'b', y: '2' }), T0, 1);
        a.append(0, ls({ __name__: 'b', y: '3' }), T0, 1);
        await a.commit();
        const q = store.querier(DEFAULT_TENANT, 0, ALL);
        try {
          assert.deepEqual(q.labelNames(), ['__name__', 'x', 'y']);
          assert.deepEqual(q.labelNames([nameIs('b')]), ['__name__', 'y']);
          assert.deepEqual(q.labelValues('__name__'), ['a', 'b']);
          assert.deepEqual(q.labelValues('y', [nameIs('b')]), ['2', '3']);
          assert.deepEqual(q.labelValues('y', [nameIs('a')]), []);
          assert.deepEqual(q.labelValues('nope'), []);
        } finally {
          q.close();
        }
      }));

    it('clips samples to the querier range and omits series without samples in it', () =>
      withStore(async ({ store }) => {
        const a = store.appender(DEFAULT_TENANT);
        for (let i = 0; i < 10; i++) a.append(0, ls({ __name__: 't', s: 'a' }), T0 + i * 1000, i);
        a.append(0, ls({ __name__: 't', s: 'b' }), T0, 100);
        await a.commit();
        const got = readSeries(store, [nameIs('t')], DEFAULT_TENANT, T0 + 2000, T0 + 4000);
        assert.deepEqual(got, [
          { labels: '{__name__="t", s="a"}', ts: [T0 + 2000, T0 + 3000, T0 + 4000], vs: [2, 3, 4] },
        ]);
      }));

    it('stores special float values bit-exactly', () =>
      withStore(async ({ store }) => {
        // A Float64Array, not a number[]: V8 canonicalises NaNs stored in double arrays.
        const vals = new Float64Array([
          NaN,
          Infinity,
          -Infinity,
          -0,
          0,
          0,
          Number.MAX_VALUE,
          Number.MIN_VALUE,
          -1e-300,
          42,
        ]);
        vals[5] = staleNaN;
        const a = store.appender(DEFAULT_TENANT);
        for (let i = 0; i < vals.length; i++)
          a.append(0, ls({ __name__: 'f' }), T0 + i * 15000, vals[i]);
        await a.commit();
        const q = store.querier(DEFAULT_TENANT, 0, ALL);
        const it = q.select([nameIs('f')])[0].iterator();
        const got = new Float64Array(vals.length);
        for (let i = 0; it.next(); i++) got[i] = it.v;
        q.close();
        const bits = (a: Float64Array) => Buffer.from(a.buffer).toString('hex');
        assert.equal(bits(got), bits(vals));
        assert.ok(isStaleNaN(got[5]));
      }));

    it('seeks forward, never backwards', () =>
      withStore(async ({ store }) => {
        const a = store.appender(DEFAULT_TENANT);
        for (let i = 0; i < 300; i++) a.append(0, ls({ __name__: 's' }), T0 + i * 10, i);
        await a.commit();
        const q = store.querier(DEFAULT_TENANT, 0, ALL);
        const it = q.select([nameIs('s')])[0].iterator();
        assert.ok(it.seek(T0 + 1005));
        assert.equal(it.t, T0 + 1010);
        assert.equal(it.v, 101);
        assert.ok(it.seek(T0)); // does not move backwards
        assert.equal(it.t, T0 + 1010);
        assert.ok(it.next());
        assert.equal(it.t, T0 + 1020);
        assert.ok(it.seek(T0 + 2990));
        assert.equal(it.v, 299);
        assert.equal(it.seek(T0 + 2991), false);
        q.close();
      }));

    it('bulk-reads (readSamples/readInto) the samples next() yields, across chunks and clipped', () =>
      withStore(async ({ store }) => {
        const a = store.appender(DEFAULT_TENANT);
        for (let i = 0; i < 400; i++) {
          a.append(0, ls({ __name__: 'bulk' }), T0 + i * 10, i === 250 ? staleNaN : i);
        }
        await a.commit();
        const bits = (x: Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
        // Reference: the same querier range read with next(), then clipped to maxt.
        const viaNext = (mint: number, maxt: number, upTo: number) => {
          const q = store.querier(DEFAULT_TENANT, mint, maxt);
          const it = q.select([nameIs('bulk')])[0].iterator();
          // Float64Arrays, not number[]s: V8 canonicalises NaNs stored in double arrays.
          const ts = new Float64Array(400);
          const vs = new Float64Array(400);
          let n = 0;
          while (it.next() && it.t <= upTo) {
            ts[n] = it.t;
            vs[n++] = it.v;
          }
          q.close();
          return { ts: ts.subarray(0, n), vs: vs.subarray(0, n) };
        };
        for (const [mint, maxt, upTo, cap] of [
          [0, ALL, ALL, 7],
          [T0 + 1005, T0 + 3500, T0 + 2999, 13],
          [T0 + 1005, ALL, ALL, 1000],
        ]) {
          const q = store.querier(DEFAULT_TENANT, mint, maxt);
          const it = q.select([nameIs('bulk')])[0].iterator();
          let ts = new Float64Array(cap);
          let vs = new Float64Array(cap);
          let n = 0;
          let fullReads = 0;
          for (;;) {
            n = readSamples(it, ts, vs, n, upTo);
            if (n < ts.length) break;
            fullReads++;
            // After a full read t/v are the last sample read, and the iterator goes on.
            assert.equal(it.t, ts[n - 1]);
            const t2 = new Float64Array(ts.length + cap);
            const v2 = new Float64Array(ts.length + cap);
            t2.set(ts);
            v2.set(vs);
            ts = t2;
            vs = v2;
          }
          q.close();
          const want = viaNext(mint, maxt, upTo);
          assert.ok(want.ts.length > 0);
          assert.equal(n, want.ts.length);
          assert.deepEqual(ts.subarray(0, n), want.ts);
          assert.ok(bits(vs.subarray(0, n)).equals(bits(want.vs)), 'values keep their bits');
          if (cap < 100) assert.ok(fullReads > 0);
        }
        // Starting after a seek, as PromQL does.
        const q = store.querier(DEFAULT_TENANT, 0, ALL);
        const it = q.select([nameIs('bulk')])[0].iterator();
        assert.ok(it.seek(T0 + 1995));
        const ts = new Float64Array(500);
        const vs = new Float64Array(500);
        const n = readSamples(it, ts, vs, 0, T0 + 2030);
        assert.deepEqual([...ts.subarray(0, n)], [T0 + 2010, T0 + 2020, T0 + 2030]);
        q.close();
      }));

    it('isolates tenants', () =>
      withStore(async ({ store }) => {
        const other = tenantId('other');
        const a = store.appender(DEFAULT_TENANT);
        a.append(0, ls({ __name__: 'iso' }), T0, 1);
        await a.commit();
        const b = store.appender(other);
        b.append(0, ls({ __name__: 'iso' }), T0, 2);
        await b.commit();
        assert.deepEqual(readSeries(store, [nameIs('iso')], other)[0].vs, [2]);
        assert.deepEqual(readSeries(store, [nameIs('iso')])[0].vs, [1]);
        assert.deepEqual(readSeries(store, [nameIs('iso')], tenantId('empty')), []);
      }));

    it('appends by ref without labels, and reports unknown refs', () =>
      withStore(async ({ store }) => {
        const a = store.appender(DEFAULT_TENANT);
        a.append(0, ls({ __name__: 'ref' }), T0, 1);
        await a.commit();
        const b = store.appender(DEFAULT_TENANT);
        const ref = b.append(0, ls({ __name__: 'ref' }), T0 + 1000, 2);
        await b.commit();
        assert.ok(ref > 0, 'existing series has a ref');
        const c = store.appender(DEFAULT_TENANT);
        assert.equal(c.append(ref, null, T0 + 2000, 3), ref);
        assert.throws(() => c.append(987654321, null, T0 + 2000, 3), UnknownSeriesRefError);
        await c.commit();
        assert.deepEqual(readSeries(store, [nameIs('ref')])[0].vs, [1, 2, 3]);
      }));

    it('rejects invalid series, timestamps and far-future samples', () =>
      withStore(async ({ store }) => {
        const a = store.appender(DEFAULT_TENANT);
        assert.throws(() => a.append(0, ls({ job: 'no-name' }), T0, 1), InvalidSeriesError);
        assert.throws(() => a.append(0, Labels.EMPTY, T0, 1), InvalidSeriesError);
        assert.throws(
          () => a.append(0, ls({ __name__: 'x', v: '\ud800' }), T0, 1),
          InvalidSeriesError,
        );
        assert.throws(
          () => a.append(0, ls({ __name__: 'x', v: 'a'.repeat(5000) }), T0, 1),
          InvalidSeriesError,
        );
        assert.throws(() => a.append(0, ls({ __name__: 'ts' }), NaN, 1), InvalidTimestampError);
        assert.throws(() => a.append(0, ls({ __name__: 'ts' }), -5, 1), InvalidTimestampError);
        assert.throws(() => a.append(0, ls({ __name__: 'ts' }), 1.5, 1), InvalidTimestampError);
        assert.throws(
          () => a.append(0, ls({ __name__: 'fut' }), Date.now() + 3_600_000, 1),
          FutureSampleError,
        );
        a.rollback();
      }));

    it('answers many series and samples like a model', () =>
      withStore(async ({ store }) => {
        let seed = 42;
        const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
        const model = new Map<string, { ts: number[]; vs: number[] }>();
        for (let step = 0; step < 5; step++) {
          const a = store.appender(DEFAULT_TENANT);
          for (let i = 0; i < 2000; i++) {
            const l = ls({ __name__: `m${i % 7}`, host: `h${i % 50}`, i: String(i) });
            const t = T0 + step * 15000 + (i % 13);
            const v = Math.round(rnd() * 1e6) / 100;
            a.append(0, l, t, v);
            const e = model.get(l.toString()) ?? { ts: [], vs: [] };
            e.ts.push(t);
            e.vs.push(v);
            model.set(l.toString(), e);
          }
          await a.commit();
        }
        const got = readSeries(store, [nameIs('m3'), new Matcher('=~', 'host', 'h1.*')]);
        const want = [...model.entries()]
          .filter(([k]) => k.includes('__name__="m3"') && /host="h1/.test(k))
          .map(([k, v]) => ({ labels: k, ...v }));
        assert.equal(got.length, want.length);
        assert.deepEqual(
          new Set(got.map((g) => JSON.stringify(g))),
          new Set(want.map((w) => JSON.stringify(w))),
        );
        const sorted = [...got.map((g) => g.labels)];
        assert.deepEqual(
          got.map((g) => g.labels),
          sorted,
        );
      }));

    it('keeps metadata per tenant when supported', () =>
      withStore(async ({ store }) => {
        if (!store.setMetadata || !store.getMetadata) return;
        store.setMetadata(DEFAULT_TENANT, 'http_requests_total', {
          type: 'counter',
          help: 'Requests.',
          unit: '',
        });
        assert.deepEqual(
          store.getMetadata(DEFAULT_TENANT, 'http_requests_total').get('http_requests_total'),
          {
            type: 'counter',
            help: 'Requests.',
            unit: '',
          },
        );
        assert.equal(store.getMetadata(tenantId('other')).size, 0);
      }));

    it('keeps committed data across a reopen when durable', async () => {
      const s = await open();
      if (!s.reopen) {
        await s.close();
        return;
      }
      try {
        const a = s.store.appender(DEFAULT_TENANT);
        for (let i = 0; i < 500; i++)
          a.append(0, ls({ __name__: 'dur', i: String(i % 5) }), T0 + i * 1000, i);
        await a.commit();
        const before = readSeries(s.store, [nameIs('dur')]);
        const store2 = await s.reopen();
        assert.deepEqual(readSeries(store2, [nameIs('dur')]), before);
        const b = store2.appender(DEFAULT_TENANT);
        assert.throws(
          () => b.append(0, ls({ __name__: 'dur', i: '0' }), T0, 99),
          OutOfOrderSampleError,
        );
        b.rollback();
      } finally {
        await s.close();
      }
    });
  });
}
