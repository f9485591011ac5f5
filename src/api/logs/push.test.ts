import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { compressSync } from 'snappy';
import { authConfigSchema } from '../../auth/index.js';
import type { LogqlQueryEngine } from '../../logql/index.js';
import type { Labels } from '../../model/index.js';
import { Matcher, type TenantId } from '../../model/index.js';
import {
  LimitExceededError,
  MemLogStore,
  type LogAppendable,
  type LogEntry,
} from '../../storage/index.js';
import { testApi, type TestApi } from '../testing.js';
import { DEFAULT_LOGS_API_OPTIONS, type LogsApiOptions, type LogsApiSource } from './source.js';

const CONF = path.join(process.cwd(), '../shared/conformance');
const LOKI_PROTO = path.join(CONF, 'proto/loki/push.proto');
const OTEL_DIR = path.join(CONF, 'proto/opentelemetry');
const OTLP_EXAMPLE = path.join(CONF, 'otlp/examples/logs.json');

/** Entries with ts below this are refused one by one by `TestStore` (too old). */
const TOO_OLD = 10n ** 16n;

/** MemLogStore, refusing entries older than TOO_OLD per entry, or every commit when `limited`. */
class TestStore extends MemLogStore {
  limited = false;
  override logAppender(tenant: TenantId) {
    const inner = super.logAppender(tenant);
    const rejected: { labels: Labels; ts: bigint; reason: string }[] = [];
    return {
      append: (labels: Labels, entries: readonly LogEntry[]) => {
        const keep = entries.filter((e) => {
          if (e.ts >= TOO_OLD) return true;
          rejected.push({
            labels,
            ts: e.ts,
            reason: `entry too far behind: ${e.ts} is older than ${TOO_OLD}`,
          });
          return false;
        });
        inner.append(labels, keep);
      },
      commit: async () => {
        if (this.limited) {
          inner.rollback();
          throw new LimitExceededError(
            'cannot ingest logs: tenant default over its ingestion rate of 1 MB/s',
          );
        }
        const res = await inner.commit();
        return { ...res, rejected };
      },
      rollback: () => inner.rollback(),
    };
  }
}

function source(
  store: LogAppendable & MemLogStore,
  opts: Partial<LogsApiOptions> = {},
): LogsApiSource {
  return {
    appendable: store,
    queryable: store,
    tailable: store,
    engine: {} as LogqlQueryEngine, // the push routes never query
    options: () => ({ ...DEFAULT_LOGS_API_OPTIONS, ...opts }),
  };
}

/** Every stream of a tenant with its entries, as text. */
async function dump(store: MemLogStore, tenant = 'default'): Promise<Record<string, LogEntry[]>> {
  const out: Record<string, LogEntry[]> = {};
  const q = store.logQuerier(tenant as TenantId);
  for await (const s of q.select({
    matchers: [new Matcher('!=', '__none__', 'x')],
    start: 0n,
    end: 1n << 62n,
  }))
    for await (const batch of s.entries()) (out[s.labels.toString()] ??= []).push(...batch);
  return out;
}

interface Harness {
  api: TestApi;
  store: TestStore;
  base: string;
  post(
    url: string,
    body: string | Buffer,
    headers?: Record<string, string>,
  ): Promise<{ status: number; text: string; headers: Headers; buf: Buffer }>;
}

async function harness(
  opts: Parameters<typeof testApi>[0] = {},
  logOpts: Partial<LogsApiOptions> = {},
): Promise<Harness> {
  const store = new TestStore();
  const api = await testApi({ ...opts, logs: source(store, logOpts) });
  const base = await api.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    api,
    store,
    base,
    async post(url, body, headers = {}) {
      const res = await fetch(base + url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          ...(opts.defaultAuth === false ? {} : { authorization: api.adminAuth }),
          ...headers,
        },
      });
      const buf = Buffer.from(await res.arrayBuffer());
      return { status: res.status, text: buf.toString('utf8'), headers: res.headers, buf };
    },
  };
}

const lokiBody = (values: unknown[], stream: Record<string, string> = { job: 'app' }) =>
  JSON.stringify({ streams: [{ stream, values }] });

describe('log push routes over HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await harness({}, { maxBodyBytes: 64 * 1024 });
  });
  after(() => h.api.close());

  it('documents the log push routes in the OpenAPI document', async () => {
    const res = await fetch(`${h.base}/api/argus/v1/openapi.json`, {
      headers: { authorization: h.api.adminAuth },
    });
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { 'x-argus-access': unknown }>>;
    };
    for (const [p, m] of [
      ['/loki/api/v1/push', 'post'],
      ['/v1/logs', 'post'],
      ['/insert/elasticsearch/{index}/_bulk', 'put'],
      ['/insert/elasticsearch/', 'get'],
      ['/insert/jsonline', 'post'],
    ])
      assert.deepEqual(
        doc.paths[p]?.[m]?.['x-argus-access'],
        { need: 'ingest', openable: 'ingest' },
        `${m} ${p}`,
      );
  });

  it('Loki JSON: 204 once stored, gzip allowed, counters by input and outcome', async () => {
    const r = await h.post(
      '/loki/api/v1/push',
      lokiBody([['1700000000000000001', 'hello', { trace_id: 'abc' }]]),
    );
    assert.equal(r.status, 204, r.text);
    const gz = await h.post(
      '/loki/api/v1/push',
      gzipSync(lokiBody([['1700000000000000002', 'zipped']])),
      { 'content-encoding': 'gzip' },
    );
    assert.equal(gz.status, 204, gz.text);
    assert.deepEqual((await dump(h.store))['{job="app"}'], [
      { ts: 1700000000000000001n, line: 'hello', fields: [['trace_id', 'abc']] },
      { ts: 1700000000000000002n, line: 'zipped' },
    ]);
    assert.equal(
      await h.api.counter('argus_log_ingest_requests_total', { input: 'loki', outcome: 'ok' }),
      2,
    );
    assert.equal(
      await h.api.counter('argus_log_ingest_entries_total', { input: 'loki', outcome: 'accepted' }),
      2,
    );
    assert.equal(
      await h.api.counter('argus_log_ingest_bytes_total', { input: 'loki', outcome: 'accepted' }),
      11,
    );
  });

  it(
    'Loki protobuf: snappy-compressed PushRequest encoded by protobufjs',
    { skip: !existsSync(LOKI_PROTO) && `no ${LOKI_PROTO}` },
    async () => {
      const root = await protobuf.load(LOKI_PROTO);
      const T = root.lookupType('logproto.PushRequest');
      const msg = T.fromObject({
        streams: [
          {
            labels: '{job="proto", env="dev"}',
            entries: [
              {
                timestamp: { seconds: 1700000000, nanos: 7 },
                line: 'from proto',
                structuredMetadata: [{ name: 'pod', value: 'p-1' }],
              },
            ],
          },
        ],
      });
      const r = await h.post(
        '/loki/api/v1/push',
        compressSync(Buffer.from(T.encode(msg).finish())),
        { 'content-type': 'application/x-protobuf' },
      );
      assert.equal(r.status, 204, r.text);
      assert.deepEqual((await dump(h.store))['{env="dev", job="proto"}'], [
        { ts: 1700000000000000007n, line: 'from proto', fields: [['pod', 'p-1']] },
      ]);
    },
  );

  it('Loki: 400 naming the entry, 415, 413, and store rejections 400 with the rest kept', async () => {
    const bad = await h.post(
      '/loki/api/v1/push',
      lokiBody([
        ['1', 'ok'],
        ['soon', 'x'],
      ]),
    );
    assert.equal(bad.status, 400);
    assert.match(
      bad.text,
      /^cannot read Loki push request: streams\[0\]\.values\[1\]: timestamp "soon" is not nanoseconds/,
    );
    const media = await h.post('/loki/api/v1/push', 'x', { 'content-type': 'text/csv' });
    assert.equal(media.status, 415);
    assert.match(media.text, /unsupported Content-Type "text\/csv"/);
    const big = await h.post(
      '/loki/api/v1/push',
      lokiBody([['1700000000000000000', 'x'.repeat(70 * 1024)]]),
    );
    assert.equal(big.status, 413);
    assert.match(big.text, /exceeds max_body_bytes 65536/);
    const bomb = await h.post(
      '/loki/api/v1/push',
      gzipSync(lokiBody([['1700000000000000000', 'y'.repeat(1 << 20)]])),
      { 'content-encoding': 'gzip' },
    );
    assert.equal(bomb.status, 413);
    assert.match(bomb.text, /decompresses to more than 65536 bytes/);
    const part = await h.post(
      '/loki/api/v1/push',
      lokiBody(
        [
          ['5', 'old'],
          ['1700000000000000100', 'kept'],
        ],
        { job: 'part' },
      ),
    );
    assert.equal(part.status, 400);
    assert.match(
      part.text,
      /entry with timestamp 5 of stream \{job="part"\} ignored, reason: entry too far behind.*total ignored: 1 out of 2/,
    );
    assert.deepEqual((await dump(h.store))['{job="part"}'], [
      { ts: 1700000000000000100n, line: 'kept' },
    ]);
    assert.equal(
      await h.api.counter('argus_log_ingest_entries_total', { input: 'loki', outcome: 'rejected' }),
      1,
    );
    assert.equal(
      await h.api.counter('argus_log_ingest_requests_total', {
        input: 'loki',
        outcome: 'too_large',
      }),
      2,
    );
  });

  it('Loki: a limit is 429 and nothing is stored', async () => {
    h.store.limited = true;
    try {
      const r = await h.post(
        '/loki/api/v1/push',
        lokiBody([['1700000000000000000', 'limited']], { job: 'limited' }),
      );
      assert.equal(r.status, 429);
      assert.match(r.text, /over its ingestion rate/);
    } finally {
      h.store.limited = false;
    }
    assert.equal((await dump(h.store))['{job="limited"}'], undefined);
    assert.equal(
      await h.api.counter('argus_log_ingest_requests_total', { input: 'loki', outcome: 'limited' }),
      1,
    );
  });

  it(
    'OTLP JSON: the conformance example, 200 {} and partial success for rejected records',
    { skip: !existsSync(OTLP_EXAMPLE) && `no ${OTLP_EXAMPLE}` },
    async () => {
      const r = await h.post('/v1/logs', readFileSync(OTLP_EXAMPLE));
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(JSON.parse(r.text), {});
      const got = (await dump(h.store))['{service_name="my.service"}'];
      assert.equal(got[0].line, 'Example log record');
      assert.ok(got[0].fields?.some(([k, v]) => k === 'level' && v === 'info'));
      const part = await h.post(
        '/v1/logs',
        JSON.stringify({
          resourceLogs: [
            {
              scopeLogs: [
                {
                  logRecords: [
                    { timeUnixNano: '3', body: { stringValue: 'old' } },
                    { timeUnixNano: '1700000000000000000', body: { stringValue: 'new' } },
                  ],
                },
              ],
            },
          ],
        }),
      );
      assert.equal(part.status, 200);
      const body = JSON.parse(part.text) as {
        partialSuccess: { rejectedLogRecords: string; errorMessage: string };
      };
      assert.equal(body.partialSuccess.rejectedLogRecords, '1');
      assert.match(body.partialSuccess.errorMessage, /entry too far behind/);
      const bad = await h.post('/v1/logs', '{"resourceLogs":7}');
      assert.equal(bad.status, 400);
      assert.deepEqual(JSON.parse(bad.text), {
        code: 3,
        message: 'cannot decode OTLP logs request: $.resourceLogs is not an array',
      });
      const media = await h.post('/v1/logs', 'x', { 'content-type': 'text/plain' });
      assert.equal(media.status, 415);
    },
  );

  it(
    'OTLP protobuf: an ExportLogsServiceRequest from the conformance protos, empty response',
    { skip: !existsSync(OTEL_DIR) && `no ${OTEL_DIR}` },
    async () => {
      const root = new protobuf.Root();
      root.resolvePath = (_o, t) => (t.startsWith('/') ? t : path.join(OTEL_DIR, t));
      root.loadSync('opentelemetry/proto/collector/logs/v1/logs_service.proto');
      const T = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
      const msg = T.fromObject({
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'pb' } }] },
            scopeLogs: [
              {
                logRecords: [
                  {
                    timeUnixNano: '1700000000000000009',
                    severityNumber: 17,
                    body: { stringValue: 'boom' },
                    spanId: Buffer.from('0102030405060708', 'hex'),
                  },
                ],
              },
            ],
          },
        ],
      });
      const r = await h.post('/v1/logs', gzipSync(Buffer.from(T.encode(msg).finish())), {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'gzip',
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('content-type'), 'application/x-protobuf');
      assert.equal(r.buf.length, 0);
      assert.deepEqual((await dump(h.store))['{service_name="pb"}'], [
        {
          ts: 1700000000000000009n,
          line: 'boom',
          fields: [
            ['span_id', '0102030405060708'],
            ['level', 'error'],
          ],
        },
      ]);
      const bad = await h.post('/v1/logs', Buffer.from([0x0a, 0x09]), {
        'content-type': 'application/x-protobuf',
      });
      assert.equal(bad.status, 400);
      assert.match(
        bad.buf.toString('latin1'),
        /cannot decode OTLP logs request: length 9 at byte \d+ runs past/,
      );
    },
  );

  it('Elasticsearch: the info probe and _bulk with per-item results', async () => {
    for (const url of ['/insert/elasticsearch/', '/insert/elasticsearch']) {
      const res = await fetch(h.base + url, { headers: { authorization: h.api.adminAuth } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-elastic-product'), 'Elasticsearch');
      const info = (await res.json()) as { version: { number: string } };
      assert.match(info.version.number, /^8\./);
    }
    const ndjson = [
      '{"index":{"_index":"logs","_id":"a"}}',
      '{"@timestamp":"2023-11-14T22:13:20.123Z","message":"GET /","host":{"name":"web-1"},"app":"shop","log":{"level":"WARNING"}}',
      '{"create":{}}',
      '{"@timestamp":1700000000,"message":"second","host":{"name":"web-1"},"app":"shop","status":200}',
      '{"delete":{"_id":"x"}}',
      '{"index":{}}',
      '{not json',
      '{"index":{}}',
      '{"@timestamp":"yesterday","message":"bad time"}',
      '{"index":{}}',
      '{"@timestamp":4,"message":"too old","app":"shop","host":{"name":"web-1"}}',
      '',
    ].join('\n');
    const r = await h.post('/insert/elasticsearch/_bulk?_stream_fields=host.name,app', ndjson, {
      'content-type': 'application/x-ndjson',
    });
    assert.equal(r.status, 200, r.text);
    const body = JSON.parse(r.text) as {
      errors: boolean;
      items: Record<
        string,
        { status: number; _id: string; error?: { type: string; reason: string } }
      >[];
    };
    assert.equal(body.errors, true);
    assert.deepEqual(
      body.items.map((i) => Object.keys(i)[0]),
      ['index', 'create', 'delete', 'index', 'index', 'index'],
    );
    assert.deepEqual(
      body.items.map((i) => Object.values(i)[0].status),
      [201, 201, 400, 400, 400, 400],
    );
    assert.equal(body.items[0].index._id, 'a');
    assert.match(body.items[3].index.error!.reason, /line 7: the document is not JSON/);
    assert.match(
      body.items[4].index.error!.reason,
      /cannot parse @timestamp "yesterday" of the document at line 9/,
    );
    assert.match(body.items[5].index.error!.reason, /entry too far behind/);
    assert.deepEqual((await dump(h.store))['{app="shop", host_name="web-1"}'], [
      { ts: 1700000000000000000n, line: 'second', fields: [['status', '200']] },
      {
        ts: 1700000000123000000n,
        line: 'GET /',
        fields: [
          ['log_level', 'WARNING'],
          ['level', 'warn'],
        ],
      },
    ]);
    const tooBig = await h.post('/insert/elasticsearch/logs/_bulk', 'x'.repeat(70 * 1024), {
      'content-type': 'application/x-ndjson',
    });
    assert.equal(tooBig.status, 413);
    assert.match(
      (JSON.parse(tooBig.text) as { error: { reason: string } }).error.reason,
      /exceeds max_body_bytes/,
    );
  });

  it('JSON lines: each line an entry; a bad line is 400 naming it, the rest stored', async () => {
    const ok = await h.post(
      '/insert/jsonline?_stream_fields=svc',
      '{"_msg":"one","_time":"1700000000001","svc":"jl","user":{"id":7}}\r\n\n{"message":"two","svc":"jl","time":1700000000.5,"level":"E"}\n',
      { 'content-type': 'application/stream+json' },
    );
    assert.equal(ok.status, 204, ok.text);
    const part = await h.post(
      '/insert/jsonline?_stream_fields=svc&_msg_field=text',
      '{"text":"three","svc":"jl","ts":"2023-11-14T22:13:22Z"}\n[1]\n{"svc":"jl"}\n',
    );
    assert.equal(part.status, 400);
    assert.equal(
      part.text,
      'cannot read JSON lines: line 2 is not a JSON object; skipped 1 of 3 lines (the rest was stored)\n',
    );
    const got = (await dump(h.store))['{svc="jl"}'];
    assert.equal(got.length, 4);
    assert.deepEqual(got[0], { ts: 1700000000001000000n, line: 'one', fields: [['user_id', '7']] });
    assert.deepEqual(got[1], {
      ts: 1700000000500000000n,
      line: 'two',
      fields: [['level', 'error']],
    });
    assert.deepEqual(got[2], { ts: 1700000002000000000n, line: 'three' });
    assert.equal(got[3].line, '{"svc":"jl"}', 'no message field: the whole document');
    assert.equal(
      await h.api.counter('argus_log_ingest_entries_total', {
        input: 'jsonline',
        outcome: 'rejected',
      }),
      1,
    );
  });
});

const CURL = ['/usr/bin/curl', '/bin/curl'].find((p) => existsSync(p));

describe('log push with a real client', () => {
  it(
    'curl posts gzip JSON lines and a Loki push like a shipper does',
    { skip: CURL === undefined && 'no curl' },
    async () => {
      const h = await harness();
      const dir = mkdtempSync(path.join(os.tmpdir(), 'argus-logpush-'));
      after(async () => {
        await h.api.close();
        rmSync(dir, { recursive: true, force: true });
      });
      const file = path.join(dir, 'body.gz');
      writeFileSync(file, gzipSync('{"_msg":"from curl","app":"c"}\n'));
      const run = promisify(execFile);
      const curl = (args: string[]) =>
        run(CURL!, [
          '-sS',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          '-H',
          `Authorization: ${h.api.adminAuth}`,
          ...args,
        ]);
      const jl = await curl([
        '-H',
        'Content-Encoding: gzip',
        '--data-binary',
        `@${file}`,
        `${h.base}/insert/jsonline?_stream_fields=app`,
      ]);
      assert.equal(jl.stdout, '204');
      const loki = await curl([
        '-H',
        'Content-Type: application/json',
        '--data-raw',
        lokiBody([['1700000000000000000', 'curl loki']], { job: 'curl' }),
        `${h.base}/loki/api/v1/push`,
      ]);
      assert.equal(loki.stdout, '204');
      const got = await dump(h.store);
      assert.equal(got['{app="c"}'][0].line, 'from curl');
      assert.deepEqual(got['{job="curl"}'], [{ ts: 1700000000000000000n, line: 'curl loki' }]);
    },
  );
});

describe('log push access', () => {
  it('refuses requests without credentials; auth.open.ingest opens them into its tenant', async () => {
    const closed = await harness({ defaultAuth: false });
    after(() => closed.api.close());
    for (const url of [
      '/loki/api/v1/push',
      '/v1/logs',
      '/insert/jsonline',
      '/insert/elasticsearch/_bulk',
    ]) {
      const r = await closed.post(url, '{}');
      assert.equal(r.status, 401, url);
    }
    assert.equal((await fetch(`${closed.base}/insert/elasticsearch/`)).status, 401);
    const open = authConfigSchema.parse({
      open: { ingest: [{ cidrs: ['127.0.0.0/8'], tenant: 'acme' }] },
    }).open;
    const opened = await harness({ defaultAuth: false, open: () => open });
    after(() => opened.api.close());
    const r = await opened.post(
      '/loki/api/v1/push',
      lokiBody([['1700000000000000000', 'open']], { job: 'o' }),
    );
    assert.equal(r.status, 204, r.text);
    assert.deepEqual(Object.keys(await dump(opened.store, 'acme')), ['{job="o"}']);
    assert.deepEqual(await dump(opened.store, 'default'), {});
  });
});
