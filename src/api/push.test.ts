import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { encodeDelimited, loadMetricFamilyType, METRICS_PROTO } from '../exposition/testing.js';
import { PushRegistry } from '../ingest/push/index.js';
import { DEFAULT_TENANT, Labels, Matcher } from '../model/index.js';
import { MemStore, readSeries } from '../storage/testing.js';
import { nopLogger } from '../util/index.js';
import { groupingKey } from './push.js';
import { testApi, type TestApi } from './testing.js';

describe('groupingKey', () => {
  it('reads job and labels, with @base64 values', () => {
    assert.deepEqual(groupingKey('/metrics/job/backup/instance/db-1'), [
      ['job', 'backup'],
      ['instance', 'db-1'],
    ]);
    const b64 = Buffer.from('a/b').toString('base64url');
    assert.deepEqual(groupingKey(`/metrics/job@base64/${b64}/path@base64/=`), [
      ['job', 'a/b'],
      ['path', ''],
    ]);
  });
  it('takes url-safe or standard base64, padded or not', () => {
    for (const [seg, want] of [
      ['Pj4-', '>>>'],
      ['Pj4+', '>>>'],
      ['YQ==', 'a'],
      ['YQ', 'a'],
    ])
      assert.deepEqual(groupingKey(`/metrics/job/x/v@base64/${seg}`)[1], ['v', want], seg);
  });
  for (const [p, want] of [
    ['/metrics/job/x/foo@base64/!!!', /foo@base64: "!!!" is not base64/],
    ['/metrics/job/x/foo@base64/YQ=x', /foo@base64: "YQ=x" is not base64/],
    ['/metrics/job/x/foo@base64/Y', /foo@base64: "Y" is not base64/],
    ['/metrics/job/x/foo@base64/_w', /foo@base64: "_w" does not decode to UTF-8/],
    ['/metrics/job', /want \/metrics\/job/],
    ['/metrics/instance/x', /must start with a non-empty job/],
    ['/metrics/job/a/__x/y', /invalid grouping label name "__x"/],
    ['/metrics/job/a/job/b', /appears twice/],
  ] as const) {
    it(`refuses ${p}`, () => assert.throws(() => groupingKey(p), want));
  }
});

describe('Pushgateway API', () => {
  let t: TestApi;
  before(async () => {
    t = await testApi();
  });
  after(() => t.close());

  const push = (method: 'PUT' | 'POST' | 'DELETE', url: string, body = '') =>
    t.app.inject({ method, url, headers: { 'content-type': 'text/plain' }, payload: body });
  const read = (name: string) => readSeries(t.store, [new Matcher('=', '__name__', name)]);

  it('PUT stores a group with its grouping labels and push_time_seconds', async () => {
    const res = await push(
      'PUT',
      '/metrics/job/backup/instance/db-1',
      '# TYPE backup_bytes gauge\nbackup_bytes{kind="full"} 1024\nbackup_ok 1\n',
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(
      read('backup_bytes')[0].labels,
      '{__name__="backup_bytes", instance="db-1", job="backup", kind="full"}',
    );
    assert.equal(
      read('push_time_seconds')[0].labels,
      '{__name__="push_time_seconds", instance="db-1", job="backup"}',
    );
  });

  it('POST replaces only the pushed names; PUT the whole group (the rest goes stale)', async () => {
    assert.equal(
      (await push('POST', '/metrics/job/backup/instance/db-1', 'backup_ok 0\n')).statusCode,
      200,
    );
    assert.deepEqual(read('backup_bytes')[0].vs.at(-1), 1024, 'not pushed: kept');
    assert.equal(read('backup_ok')[0].vs.at(-1), 0);
    assert.equal(
      (await push('PUT', '/metrics/job/backup/instance/db-1', 'backup_ok 1\n')).statusCode,
      200,
    );
    assert.equal(read('backup_bytes')[0].vs.at(-1), 'stale', 'replaced group: gone');
  });

  it('DELETE removes the group with stale markers', async () => {
    const res = await push('DELETE', '/metrics/job/backup/instance/db-1');
    assert.equal(res.statusCode, 202);
    assert.equal(read('backup_ok')[0].vs.at(-1), 'stale');
    assert.equal(read('push_time_seconds')[0].vs.at(-1), 'stale');
  });

  it('refuses timestamps, clashing grouping labels and bad bodies with 400', async () => {
    const ts = await push('PUT', '/metrics/job/j', 'm 1 1700000000000\n');
    assert.equal(ts.statusCode, 400);
    assert.match(ts.body, /must not/);
    const clash = await push('PUT', '/metrics/job/j', 'm{job="other"} 1\n');
    assert.equal(clash.statusCode, 400);
    assert.match(clash.body, /differs from the grouping key/);
    const bad = await push('PUT', '/metrics/job/j', 'not { valid\n');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /line 1/);
  });

  it('refuses an invalid @base64 value with 400 instead of dropping the label', async () => {
    const res = await push('PUT', '/metrics/job/b64/foo@base64/!!!', 'b64_metric 1\n');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /grouping label foo@base64: "!!!" is not base64/);
    assert.deepEqual(read('b64_metric'), [], 'nothing stored under {job="b64"}');
  });

  it('refuses duplicate series; ignores pushed push_time_seconds (the gateway sets it)', async () => {
    const dup = await push('PUT', '/metrics/job/dup', 'd{a="1"} 1\nd{a="1"} 2\n');
    assert.equal(dup.statusCode, 400);
    assert.equal(
      dup.body,
      'duplicate series {__name__="d", a="1", job="dup"} in the pushed body\n',
    );
    assert.deepEqual(read('d'), []);
    for (const name of ['push_time_seconds', 'push_failure_time_seconds']) {
      const before = Date.now() / 1000;
      const res = await push('PUT', `/metrics/job/own_${name}`, `x 1\n${name} 5\n`);
      assert.equal(res.statusCode, 200, res.body);
      const own = read(name).find((s) => s.labels.includes(`own_${name}`));
      const v = own?.vs.at(-1);
      if (name === 'push_time_seconds') assert.ok(typeof v === 'number' && v >= before - 1);
      else assert.equal(v, 0);
    }
  });

  it('refuses a metric pushed with another type than in an existing group', async () => {
    const a = await push(
      'PUT',
      '/metrics/job/typed/instance/a',
      '# TYPE jobs_done counter\njobs_done 1\n',
    );
    assert.equal(a.statusCode, 200, a.body);
    const b = await push(
      'PUT',
      '/metrics/job/typed/instance/b',
      '# TYPE jobs_done gauge\njobs_done 2\n',
    );
    assert.equal(b.statusCode, 400);
    assert.equal(
      b.body,
      'pushed metrics are inconsistent with existing metrics: jobs_done is pushed as a gauge but is a counter in group {job="typed", instance="a"}\n',
    );
    // The same type, or no TYPE line, is fine; so is changing the type of the same group.
    const c = await push(
      'PUT',
      '/metrics/job/typed/instance/c',
      '# TYPE jobs_done counter\njobs_done 3\n',
    );
    assert.equal(c.statusCode, 200, c.body);
    const d = await push('PUT', '/metrics/job/typed/instance/d', 'jobs_done 4\n');
    assert.equal(d.statusCode, 200, d.body);
  });

  it('truncates huge label values echoed in errors', async () => {
    const big = 'v'.repeat(70_000);
    const res = await push('PUT', '/metrics/job/big', `m{a="${big}"} 1 5\n`);
    assert.equal(res.statusCode, 400);
    assert.ok(res.body.length < 400, `${res.body.length} bytes`);
    assert.match(res.body, new RegExp(`a="${'v'.repeat(100)}…\\(70000 bytes\\)"`));
  });

  it('a refused push keeps the group and sets push_failure_time_seconds', async () => {
    assert.equal((await push('PUT', '/metrics/job/nightly', 'done 1\n')).statusCode, 200);
    const failure = () => read('push_failure_time_seconds').find((s) => /nightly/.test(s.labels));
    assert.equal(failure()?.vs.at(-1), 0, 'never failed');
    const before = Date.now() / 1000;
    assert.equal((await push('PUT', '/metrics/job/nightly', 'done{ 1\n')).statusCode, 400);
    const at = failure()?.vs.at(-1);
    assert.ok(typeof at === 'number' && at >= before - 1, `failure time ${String(at)}`);
    assert.equal(read('done')[0].vs.at(-1), 1, 'the group keeps its metrics');
  });
});

describe('Pushgateway API, Content-Encoding', () => {
  let t: TestApi;
  before(async () => {
    t = await testApi({ remoteWrite: { max_body_bytes: 4096 } });
  });
  after(() => t.close());

  const put = (url: string, body: Buffer, encoding: string) =>
    t.app.inject({
      method: 'PUT',
      url,
      headers: { 'content-type': 'text/plain', 'content-encoding': encoding },
      payload: body,
    });
  const read = (name: string) => readSeries(t.store, [new Matcher('=', '__name__', name)]);

  it('decompresses a gzip body', async () => {
    const res = await put('/metrics/job/gz', gzipSync('gz_pushed 3\n'), 'gzip');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(read('gz_pushed')[0].vs.at(-1), 3);
  });

  it('refuses a gzip bomb with 413 naming the limit, other encodings with 415', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 8 * 4096, 0x20));
    assert.ok(bomb.length < 4096);
    const big = await put('/metrics/job/gz', bomb, 'gzip');
    assert.equal(big.statusCode, 413);
    assert.equal(
      big.body,
      'cannot read push request: gzip body decompresses to more than 32768 bytes\n',
    );
    const br = await put('/metrics/job/gz', Buffer.from('x 1\n'), 'br');
    assert.equal(br.statusCode, 415);
    assert.match(br.body, /Content-Encoding "br" is not supported, want gzip or identity/);
    const bad = await put('/metrics/job/gz', Buffer.from('not gzip'), 'gzip');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /cannot read push request: bad gzip body/);
    assert.equal(read('gz_pushed')[0].vs.at(-1), 3, 'the group keeps its metrics');
  });
});

const PB = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily';
const MF = loadMetricFamilyType();

/** A hand-built delimited body: gauge family `pb_gauge` with one metric {kind="x"} = 5. */
function handBuiltGauge(timestampMs?: number): Buffer {
  const f64 = Buffer.alloc(8);
  f64.writeDoubleLE(5);
  const label = [0x0a, 0, 0x0a, 0x04, ...Buffer.from('kind'), 0x12, 0x01, 0x78]; // length set below
  label[1] = label.length - 2;
  const ts = timestampMs === undefined ? [] : [0x30, ...varint(timestampMs)];
  const metric = [...label, 0x12, 0x09, 0x09, ...f64, ...ts];
  const fam = [0x0a, 0x08, ...Buffer.from('pb_gauge'), 0x18, 0x01, 0x22, metric.length, ...metric];
  return Buffer.from([fam.length, ...fam]);
}

function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  out.push(n);
  return out;
}

describe('Pushgateway API, protobuf bodies', () => {
  let t: TestApi;
  before(async () => {
    t = await testApi();
  });
  after(() => t.close());

  const put = (url: string, body: Buffer, ct = `${PB}; encoding=delimited`) =>
    t.app.inject({ method: 'PUT', url, headers: { 'content-type': ct }, payload: body });
  const read = (name: string) => readSeries(t.store, [new Matcher('=', '__name__', name)]);

  it(
    'PUT stores what client_golang pushes (protobufjs-encoded), under the grouping key',
    { skip: MF === undefined ? `conformance schema absent (${METRICS_PROTO})` : false },
    async () => {
      const body = encodeDelimited(MF!, [
        { name: 'pb_rows_total', type: 0, metric: [{ counter: { value: 42 } }] },
        {
          name: 'pb_seconds',
          type: 4,
          metric: [
            {
              label: [{ name: 'step', value: 'load' }],
              histogram: {
                sample_count: 3,
                sample_sum: 1.5,
                bucket: [{ upper_bound: 0.5, cumulative_count: 2 }],
              },
            },
          ],
        },
      ]);
      const res = await put('/metrics/job/etl/instance/n1', body);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(
        read('pb_rows_total')[0].labels,
        '{__name__="pb_rows_total", instance="n1", job="etl"}',
      );
      assert.equal(read('pb_rows_total')[0].vs.at(-1), 42);
      assert.deepEqual(
        read('pb_seconds_bucket').map((s) => [s.labels, s.vs.at(-1)]),
        [
          ['{__name__="pb_seconds_bucket", instance="n1", job="etl", le="+Inf", step="load"}', 3],
          ['{__name__="pb_seconds_bucket", instance="n1", job="etl", le="0.5", step="load"}', 2],
        ],
      );
      assert.equal(read('pb_seconds_count')[0].vs.at(-1), 3);
      assert.equal(read('pb_seconds_sum')[0].vs.at(-1), 1.5);
    },
  );

  it('reads a body without encoding=delimited as delimited (as the Pushgateway does)', async () => {
    const res = await put('/metrics/job/hand', handBuiltGauge(), PB);
    assert.equal(res.statusCode, 200, res.body);
    const s = read('pb_gauge').find((x) => /job="hand"/.test(x.labels));
    assert.equal(s?.labels, '{__name__="pb_gauge", job="hand", kind="x"}');
    assert.equal(s?.vs.at(-1), 5);
  });

  it('refuses timestamps, other encodings and messages, and broken bodies with 400', async () => {
    const ts = await put('/metrics/job/hand2', handBuiltGauge(1_700_000_000_000));
    assert.equal(ts.statusCode, 400);
    assert.match(ts.body, /pb_gauge.*carries a timestamp; pushed metrics must not/);
    const text = await put('/metrics/job/hand2', handBuiltGauge(), `${PB}; encoding=text`);
    assert.equal(text.statusCode, 400);
    assert.match(text.body, /protobuf encoding "text" is not supported, want encoding=delimited/);
    const other = await put(
      '/metrics/job/hand2',
      handBuiltGauge(),
      'application/vnd.google.protobuf; proto=prometheus.WriteRequest; encoding=delimited',
    );
    assert.equal(other.statusCode, 400);
    assert.match(other.body, /protobuf message "prometheus.WriteRequest" is not supported/);
    const cut = await put('/metrics/job/hand2', handBuiltGauge().subarray(0, 10));
    assert.equal(cut.statusCode, 400);
    assert.match(
      cut.body,
      /cannot decode protobuf exposition: byte \d+: length \d+ at byte 0 runs past the end/,
    );
    assert.equal(read('pb_gauge').filter((x) => /hand2/.test(x.labels)).length, 0);
  });
});

describe('PushRegistry', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-push-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('re-writes groups every tick and keeps them across a restart', async () => {
    const store = new MemStore();
    const file = path.join(dir, 'push.json');
    let now = 1_700_000_000_000;
    const r1 = new PushRegistry({ appendable: store, logger: nopLogger, file, now: () => now });
    await r1.push(
      DEFAULT_TENANT,
      [['job', 'nightly']],
      [{ labels: Labels.fromObject({ __name__: 'rows' }), value: 5 }],
      new Map(),
      'group',
    );
    now += 15_000;
    await r1.tick();
    await r1.flush();
    const r2 = new PushRegistry({ appendable: store, logger: nopLogger, file, now: () => now });
    await r2.load();
    now += 15_000;
    await r2.tick();
    const rows = readSeries(store, [new Matcher('=', '__name__', 'rows')]);
    assert.deepEqual(rows[0].ts, [1_700_000_000_000, 1_700_000_015_000, 1_700_000_030_000]);
    assert.deepEqual(rows[0].vs, [5, 5, 5]);
    assert.deepEqual(
      r2.list('default').map((g) => g.key),
      [[['job', 'nightly']]],
    );
  });
});
