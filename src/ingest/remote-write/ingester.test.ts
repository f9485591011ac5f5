import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compressSync } from 'snappy';
import { DEFAULT_TENANT, Labels, Matcher, isStaleNaN, staleNaN } from '../../model/index.js';
import {
  LimitExceededError,
  StorageUnavailableError,
  UnknownSeriesRefError,
  type Appendable,
  type Appender,
  type MetadataStore,
} from '../../storage/index.js';
import { MemStore } from '../../storage/testing.js';
import { encodeWriteRequest, type EncodeSeries } from './encode.js';
import { RemoteWriteError } from './errors.js';
import { RemoteWriteIngester } from './ingester.js';
import { label, len, sample, tag, timeseries, varint } from './testing.js';

const T0 = 1_700_000_000_000;
const CFG = { max_decompressed_bytes: 1 << 20 };
const now = () => T0 + 3_600_000;

/** Stored data; stale markers read as 'stale' (a number[] would canonicalise their NaN bits). */
function dump(
  store: MemStore,
): { labels: Record<string, string>; t: number[]; v: (number | 'stale')[] }[] {
  const q = store.querier(DEFAULT_TENANT, 0, Number.MAX_SAFE_INTEGER);
  const out = q.select([new Matcher('=~', '__name__', '.+')]).map((s) => {
    const it = s.iterator();
    const t: number[] = [];
    const v: (number | 'stale')[] = [];
    while (it.next()) {
      t.push(it.t);
      v.push(isStaleNaN(it.v) ? 'stale' : it.v);
    }
    return { labels: s.labels.toObject(), t, v };
  });
  q.close();
  return out;
}

function setup(opts = {}) {
  const store = new MemStore();
  const ing = new RemoteWriteIngester(store, { now, ...opts });
  const write = (series: EncodeSeries[]) =>
    ing.write(DEFAULT_TENANT, compressSync(Buffer.from(encodeWriteRequest(series))), CFG);
  const writeRaw = (raw: Buffer) => ing.write(DEFAULT_TENANT, compressSync(raw), CFG);
  return { store, ing, write, writeRaw };
}

async function rejects(
  p: Promise<unknown>,
  status: number,
  reason: string,
  msg: RegExp,
): Promise<RemoteWriteError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof RemoteWriteError, `want RemoteWriteError, got ${String(err)}`);
    assert.equal(err.status, status, err.message);
    assert.equal(err.reason, reason, err.message);
    assert.match(err.message, msg);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('RemoteWriteIngester', () => {
  it('stores samples, special values and metadata from an encoded request', async () => {
    const { store, ing } = setup();
    const raw = encodeWriteRequest(
      [
        {
          labels: [
            ['__name__', 'up'],
            ['job', 'node'],
          ],
          samples: [
            { t: T0, v: 1 },
            { t: T0 + 15_000, v: NaN },
            { t: T0 + 30_000, v: staleNaN },
          ],
        },
        {
          labels: [
            ['job', 'node'],
            ['__name__', 'temp'],
            ['zone', 'ünï'],
          ],
          samples: [
            { t: T0, v: Infinity },
            { t: T0 + 1, v: -Infinity },
            { t: T0 + 2, v: -0.5 },
          ],
        },
      ],
      [{ metric: 'up', type: 'gauge', help: 'Is it up.', unit: '' }],
    );
    const res = await ing.write(DEFAULT_TENANT, compressSync(Buffer.from(raw)), CFG);
    assert.deepEqual(res, {
      series: 2,
      samples: 6,
      appended: 6,
      duplicates: 0,
      newSeries: 2,
      exemplarsIgnored: 0,
      metadata: 1,
    });
    const got = dump(store);
    assert.deepEqual(got[0].labels, { __name__: 'temp', job: 'node', zone: 'ünï' });
    assert.deepEqual(got[0].v, [Infinity, -Infinity, -0.5]);
    assert.deepEqual(got[1].t, [T0, T0 + 15_000, T0 + 30_000]);
    assert.deepEqual(got[1].v, [1, NaN, 'stale']);
    assert.deepEqual(store.getMetadata(DEFAULT_TENANT).get('up'), {
      type: 'gauge',
      help: 'Is it up.',
      unit: '',
    });
  });

  it('resolves known series by cached ref (labels not passed) and re-resolves forgotten refs', async () => {
    const mem = new MemStore();
    const calls = { withLabels: 0, byRef: 0, forget: false };
    const spy: Appendable & MetadataStore = {
      appender(t) {
        const a = mem.appender(t);
        return {
          append(ref, ls, ts, v) {
            if (ls === null) {
              calls.byRef++;
              if (calls.forget) throw new UnknownSeriesRefError(`unknown ref ${ref}`);
            } else calls.withLabels++;
            return a.append(ref, ls, ts, v);
          },
          commit: () => a.commit(),
          rollback: () => a.rollback(),
        };
      },
      setMetadata: (t, m, md) => mem.setMetadata(t, m, md),
      getMetadata: (t, m) => mem.getMetadata(t, m),
    };
    const ing = new RemoteWriteIngester(spy, { now });
    const send = (t: number) =>
      ing.write(
        DEFAULT_TENANT,
        compressSync(
          Buffer.from(
            encodeWriteRequest([{ labels: [['__name__', 'a']], samples: [{ t, v: t }] }]),
          ),
        ),
        CFG,
      );
    await send(T0); // new series: MemStore returns ref 0, so nothing is cached yet
    await send(T0 + 1); // now the store returns a real ref, which is cached
    const before = calls.withLabels;
    await send(T0 + 2);
    assert.equal(calls.withLabels, before, 'a cached series must go by ref');
    calls.forget = true;
    await send(T0 + 3);
    assert.equal(calls.withLabels, before + 1, 'an unknown ref is retried with labels');
    assert.deepEqual(dump(mem)[0].t, [T0, T0 + 1, T0 + 2, T0 + 3]);
  });

  it('treats label fields split by samples as one series', async () => {
    const { store, writeRaw } = setup();
    await writeRaw(
      Buffer.concat([
        timeseries(label('__name__', 'm'), sample(T0, 1), label('a', 'b'), sample(T0 + 1, 2)),
      ]),
    );
    await writeRaw(
      Buffer.concat([timeseries(label('__name__', 'm'), sample(T0 + 2, 3), label('a', 'b'))]),
    );
    assert.deepEqual(dump(store), [
      { labels: { __name__: 'm', a: 'b' }, t: [T0, T0 + 1, T0 + 2], v: [1, 2, 3] },
    ]);
  });

  it('skips unknown fields, counts exemplars, ignores series without samples and defaults omitted fields', async () => {
    const { store, writeRaw } = setup();
    const unknown = Buffer.concat([
      tag(9, 0),
      varint(5),
      tag(10, 1),
      Buffer.alloc(8),
      tag(11, 5),
      Buffer.alloc(4),
      len(12, 'x'),
    ]);
    const exemplar = len(3, Buffer.concat([label('trace_id', 'abc'), tag(2, 1), Buffer.alloc(8)]));
    const omitted = len(2, Buffer.concat([tag(2, 0), varint(T0)])); // value 0 omitted (proto3 default)
    const res = await writeRaw(
      Buffer.concat([
        unknown,
        timeseries(label('__name__', 'm'), omitted, exemplar, unknown),
        timeseries(label('__name__', 'empty')),
        len(2, 'reserved'),
      ]),
    );
    assert.equal(res.exemplarsIgnored, 1);
    assert.equal(res.samples, 1);
    assert.deepEqual(dump(store), [{ labels: { __name__: 'm' }, t: [T0], v: [0] }]);
  });

  it('accepts a retry of an already stored request as exact duplicates', async () => {
    const { write } = setup();
    const req = [{ labels: [['__name__', 'x']] as [string, string][], samples: [{ t: T0, v: 1 }] }];
    await write(req);
    const res = await write(req);
    assert.equal(res.duplicates, 1);
    assert.equal(res.appended, 0);
  });

  it('maps storage limits and unavailability at commit to 429 and 503, other errors pass through', async () => {
    const failing = (err: Error): Appendable & MetadataStore => {
      const mem = new MemStore();
      return {
        appender: (t): Appender => {
          const a = mem.appender(t);
          return {
            append: (...args) => a.append(...args),
            commit: () => Promise.reject(err),
            rollback: () => a.rollback(),
          };
        },
        setMetadata: () => {},
        getMetadata: () => new Map(),
      };
    };
    const body = compressSync(
      Buffer.from(
        encodeWriteRequest([{ labels: [['__name__', 'x']], samples: [{ t: T0, v: 1 }] }]),
      ),
    );
    const e429 = await rejects(
      new RemoteWriteIngester(failing(new LimitExceededError('series budget')), { now }).write(
        DEFAULT_TENANT,
        body,
        CFG,
      ),
      429,
      'limit_exceeded',
      /series budget/,
    );
    assert.equal(e429.samples, 1);
    await rejects(
      new RemoteWriteIngester(failing(new StorageUnavailableError('closing')), { now }).write(
        DEFAULT_TENANT,
        body,
        CFG,
      ),
      503,
      'unavailable',
      /closing/,
    );
    // A store still replaying its WAL refuses to open an appender at all: also a retryable 503.
    const replaying: Appendable & MetadataStore = {
      appender: () => {
        throw new StorageUnavailableError('cannot append: the store is not ready');
      },
      setMetadata: () => {},
      getMetadata: () => new Map(),
    };
    await rejects(
      new RemoteWriteIngester(replaying, { now }).write(DEFAULT_TENANT, body, CFG),
      503,
      'unavailable',
      /not ready/,
    );
    await assert.rejects(
      new RemoteWriteIngester(failing(new Error('disk on fire')), { now }).write(
        DEFAULT_TENANT,
        body,
        CFG,
      ),
      /disk on fire/,
    );
  });

  it('maps a series limit hit during append to 429', async () => {
    const store = new MemStore({ maxSeriesPerTenant: 1 });
    const ing = new RemoteWriteIngester(store, { now });
    const body = compressSync(
      Buffer.from(
        encodeWriteRequest([
          { labels: [['__name__', 'a']], samples: [{ t: T0, v: 1 }] },
          { labels: [['__name__', 'b']], samples: [{ t: T0, v: 1 }] },
        ]),
      ),
    );
    await rejects(
      ing.write(DEFAULT_TENANT, body, CFG),
      429,
      'limit_exceeded',
      /series \{__name__="b"\}.*limit of 1 series/,
    );
  });

  it('keeps tenants apart', async () => {
    const store = new MemStore();
    const ing = new RemoteWriteIngester(store, { now });
    const body = compressSync(
      Buffer.from(
        encodeWriteRequest([{ labels: [['__name__', 'a']], samples: [{ t: T0, v: 1 }] }]),
      ),
    );
    await ing.write('other' as typeof DEFAULT_TENANT, body, CFG);
    assert.deepEqual(dump(store), []);
  });
});

describe('RemoteWriteIngester rejects data that can never be accepted, all-or-nothing', () => {
  const good = timeseries(label('__name__', 'good'), sample(T0, 1));
  const cases: [string, Buffer, number, string, RegExp][] = [
    [
      'empty label name',
      timeseries(label('__name__', 'm'), label('', 'v'), sample(T0, 1)),
      400,
      'invalid_labels',
      /series #1 \{__name__="m", ="v"\}: empty label name/,
    ],
    [
      'empty name and value',
      timeseries(label('__name__', 'm'), label('', ''), sample(T0, 1)),
      400,
      'invalid_labels',
      /empty label name/,
    ],
    [
      'no metric name',
      timeseries(label('job', 'x'), sample(T0, 1)),
      400,
      'invalid_labels',
      /no metric name/,
    ],
    [
      'empty metric name',
      timeseries(label('__name__', ''), label('job', 'x'), sample(T0, 1)),
      400,
      'invalid_labels',
      /no metric name/,
    ],
    ['no labels', timeseries(sample(T0, 1)), 400, 'invalid_labels', /series has no labels/],
    [
      'duplicate label names',
      timeseries(label('__name__', 'm'), label('a', '1'), label('a', '2'), sample(T0, 1)),
      400,
      'invalid_labels',
      /duplicate label name "a"/,
    ],
    [
      'invalid UTF-8 value',
      timeseries(
        label('__name__', 'm'),
        label('a', Buffer.from([0x61, 0xff, 0xfe])),
        sample(T0, 1),
      ),
      400,
      'invalid_labels',
      /series #1 .*value of label "a" is not valid UTF-8/,
    ],
    [
      'invalid UTF-8 name',
      timeseries(label('__name__', 'm'), label(Buffer.from([0xc3, 0x28]), 'v'), sample(T0, 1)),
      400,
      'invalid_labels',
      /label name ".*" is not valid UTF-8/,
    ],
    [
      'gigantic label value',
      timeseries(label('__name__', 'm'), label('a', 'x'.repeat(100_000)), sample(T0, 1)),
      400,
      'invalid_labels',
      /100000 characters long, more than the limit of 4096/,
    ],
    [
      'negative timestamp',
      timeseries(label('__name__', 'm'), sample(-1, 1)),
      400,
      'invalid_timestamp',
      /series \{__name__="m"\}: invalid timestamp -1/,
    ],
    [
      'timestamp beyond 2^53',
      timeseries(label('__name__', 'm'), sample(2n ** 60n, 1)),
      400,
      'invalid_timestamp',
      /invalid timestamp/,
    ],
    [
      'future timestamp',
      timeseries(label('__name__', 'm'), sample(now() + 600_001, 1)),
      400,
      'too_far_in_future',
      /more than 600000 ms in the future/,
    ],
    [
      'out of order within the request',
      timeseries(label('__name__', 'm'), sample(T0 + 5, 1), sample(T0, 1)),
      400,
      'out_of_order',
      /series \{__name__="m"\}.*timestamp/,
    ],
    [
      'native histogram',
      timeseries(label('__name__', 'm'), len(4, Buffer.alloc(0))),
      400,
      'native_histograms',
      /native histograms are not supported yet/,
    ],
    [
      'truncated varint',
      Buffer.concat([tag(1, 2), Buffer.from([0x80])]),
      400,
      'malformed',
      /truncated varint/,
    ],
    [
      'length past end',
      Buffer.concat([tag(1, 2), varint(50), Buffer.alloc(3)]),
      400,
      'malformed',
      /runs past the end/,
    ],
    [
      'wrong wire type for timeseries',
      Buffer.concat([tag(1, 0), varint(1)]),
      400,
      'malformed',
      /WriteRequest.timeseries has wire type 0, want 2/,
    ],
    [
      'wrong wire type for sample value',
      timeseries(label('__name__', 'm'), len(2, Buffer.concat([tag(1, 0), varint(3)]))),
      400,
      'malformed',
      /Sample.value has wire type 0, want 1/,
    ],
    [
      'truncated sample value',
      timeseries(label('__name__', 'm'), len(2, Buffer.concat([tag(1, 1), Buffer.alloc(3)]))),
      400,
      'malformed',
      /truncated sample value/,
    ],
    [
      'wire type 3 (groups)',
      Buffer.concat([tag(7, 3)]),
      400,
      'malformed',
      /unsupported wire type 3/,
    ],
    [
      'wrong wire type in a label',
      timeseries(len(1, Buffer.concat([tag(1, 0), varint(1)])), sample(T0, 1)),
      400,
      'malformed',
      /Label.name has wire type 0/,
    ],
    [
      'invalid UTF-8 in metadata',
      len(3, Buffer.concat([tag(1, 0), varint(1), len(2, Buffer.from([0xff]))])),
      400,
      'malformed',
      /metadata #0: string field 2 is not valid UTF-8/,
    ],
  ];
  for (const [name, bad, status, reason, msg] of cases) {
    it(name, async () => {
      const { store, write, writeRaw } = setup();
      await write([{ labels: [['__name__', 'before']], samples: [{ t: T0, v: 7 }] }]);
      const err = await rejects(writeRaw(Buffer.concat([good, bad])), status, reason, msg);
      assert.ok(err.samples >= 1, 'rejected samples are counted');
      assert.deepEqual(
        dump(store),
        [{ labels: { __name__: 'before' }, t: [T0], v: [7] }],
        'earlier data intact, nothing of the request applied',
      );
    });
  }

  it('a different value at a stored timestamp', async () => {
    const { store, write } = setup();
    await write([{ labels: [['__name__', 'm']], samples: [{ t: T0, v: 1 }] }]);
    await rejects(
      write([{ labels: [['__name__', 'm']], samples: [{ t: T0, v: 2 }] }]),
      400,
      'duplicate_timestamp',
      /series \{__name__="m"\}.*different value/,
    );
    assert.deepEqual(dump(store)[0].v, [1]);
  });

  it('a sample older than the newest stored one, for a cached series', async () => {
    const { write } = setup();
    await write([
      {
        labels: [['__name__', 'm']],
        samples: [
          { t: T0, v: 1 },
          { t: T0 + 10, v: 1 },
        ],
      },
    ]);
    await write([{ labels: [['__name__', 'm']], samples: [{ t: T0 + 20, v: 1 }] }]);
    await rejects(
      write([{ labels: [['__name__', 'm']], samples: [{ t: T0 + 5, v: 1 }] }]),
      400,
      'out_of_order',
      /series \{__name__="m"\}/,
    );
  });

  it('bad snappy, empty body and a decompression bomb header', async () => {
    const { ing } = setup();
    await rejects(
      ing.write(DEFAULT_TENANT, Buffer.from('not snappy at all'), CFG),
      400,
      'malformed',
      /invalid snappy data/,
    );
    await rejects(ing.write(DEFAULT_TENANT, Buffer.alloc(0), CFG), 400, 'malformed', /empty body/);
    await rejects(
      ing.write(DEFAULT_TENANT, Buffer.from([0xff, 0xff, 0xff]), CFG),
      400,
      'malformed',
      /invalid snappy length header/,
    );
    // Header claims 4 GiB; refused from the header alone.
    const bomb = Buffer.concat([varint(2 ** 32), Buffer.alloc(16)]);
    await rejects(
      ing.write(DEFAULT_TENANT, bomb, CFG),
      413,
      'too_large',
      /decompressed size 4294967296 bytes exceeds max_decompressed_bytes 1048576/,
    );
  });

  it('legacy name validation and custom limits are honoured', async () => {
    const { writeRaw } = setup({
      nameValidation: 'legacy',
      labelLimits: { maxLabelNameLength: 10, maxLabelValueLength: 10, maxLabelsPerSeries: 2 },
    });
    await rejects(
      writeRaw(timeseries(label('__name__', 'a.b'), sample(T0, 1))),
      400,
      'invalid_labels',
      /invalid metric name "a.b"/,
    );
    await rejects(
      writeRaw(timeseries(label('__name__', 'a'), label('b', '1'), label('c', '2'), sample(T0, 1))),
      400,
      'invalid_labels',
      /3 labels, more than the limit of 2/,
    );
  });
});

describe('Labels from the slow path', () => {
  it('drops empty-valued labels like Prometheus', async () => {
    const { store, writeRaw } = setup();
    await writeRaw(timeseries(label('__name__', 'm'), label('a', ''), sample(T0, 1)));
    assert.ok(dump(store)[0].labels.a === undefined);
    assert.equal(Labels.fromObject(dump(store)[0].labels).size, 1);
  });
});
