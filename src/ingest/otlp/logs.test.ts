import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { LogInputError } from '../logs-common/index.js';
import { decodeLogsJson, decodeLogsProto, otlpLogsToBatch } from './index.js';
import { OTLP_PROTO_DIR, readExample } from './testing.js';

const SERVICE = 'opentelemetry/proto/collector/logs/v1/logs_service.proto';

function logsType(): protobuf.Type | undefined {
  if (!existsSync(join(OTLP_PROTO_DIR, SERVICE))) return undefined;
  const root = new protobuf.Root();
  root.resolvePath = (_o, target) =>
    target.startsWith('/') ? target : join(OTLP_PROTO_DIR, target);
  root.loadSync(SERVICE);
  return root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
}

/** The OTLP/JSON example as protobufjs wants it: ids as bytes. */
function toProtoObject(json: string): Record<string, unknown> {
  return JSON.parse(json, (k, v: unknown) =>
    (k === 'traceId' || k === 'spanId') && typeof v === 'string' ? Buffer.from(v, 'hex') : v,
  ) as Record<string, unknown>;
}

const EXAMPLE = readExample('logs.json');
const TYPE = logsType();

const WANT_FIELDS = [
  ['scope_name', 'my.library'],
  ['scope_version', '1.0.0'],
  ['my_scope_attribute', 'some scope attribute'],
  ['string_attribute', 'some string'],
  ['boolean_attribute', 'true'],
  ['int_attribute', '10'],
  ['double_attribute', '637.704'],
  ['array_attribute', '["many","values"]'],
  ['map_attribute', '{"some.map.key":"some value"}'],
  ['trace_id', '5b8efff798038103d269b633813fc60c'],
  ['span_id', 'eee19b7ec3c1b174'],
  ['severity_text', 'Information'],
  ['level', 'info'],
];

const err = (re: RegExp) => (e: unknown) =>
  e instanceof LogInputError && e.status === 400 && re.test(e.message);

describe('OTLP logs', () => {
  it(
    'maps the conformance JSON example to a stream with fields',
    { skip: EXAMPLE === undefined && 'no ../shared/conformance/otlp/examples/logs.json' },
    () => {
      const b = otlpLogsToBatch(decodeLogsJson(EXAMPLE!));
      assert.equal(b.streams.length, 1);
      assert.equal(b.streams[0].labels.toString(), '{service_name="my.service"}');
      assert.deepEqual(b.streams[0].entries, [
        { ts: 1544712660300000000n, line: 'Example log record', fields: WANT_FIELDS },
      ]);
    },
  );

  it(
    'decodes the same example as protobuf (protobufjs from the conformance protos)',
    {
      skip: (TYPE === undefined || EXAMPLE === undefined) && 'conformance protos or example absent',
    },
    () => {
      const buf = Buffer.from(TYPE!.encode(TYPE!.fromObject(toProtoObject(EXAMPLE!))).finish());
      const b = otlpLogsToBatch(decodeLogsProto(buf));
      assert.deepEqual(b.streams[0].entries, [
        { ts: 1544712660300000000n, line: 'Example log record', fields: WANT_FIELDS },
      ]);
      assert.equal(b.streams[0].labels.toString(), '{service_name="my.service"}');
    },
  );

  it(
    'puts Loki default resource attributes in labels, falls back to observed time, renders bodies',
    { skip: TYPE === undefined && 'conformance protos absent' },
    () => {
      const req = {
        resourceLogs: [
          {
            resource: {
              attributes: [
                { key: 'k8s.namespace.name', value: { stringValue: 'prod' } },
                { key: 'host.name', value: { stringValue: 'h1' } },
              ],
            },
            scopeLogs: [
              {
                logRecords: [
                  {
                    observedTimeUnixNano: '1700000000000000005',
                    body: { kvlistValue: { values: [{ key: 'a', value: { intValue: '1' } }] } },
                    severityText: 'WARNING',
                  },
                  {
                    timeUnixNano: '1700000000000000006',
                    body: { doubleValue: 1.5 },
                    severityNumber: 21,
                    eventName: 'boom',
                  },
                  { body: { bytesValue: Buffer.from('hi') } },
                  { body: { arrayValue: { values: [{ boolValue: false }] } } },
                ],
              },
            ],
          },
        ],
      };
      const buf = Buffer.from(TYPE!.encode(TYPE!.fromObject(req)).finish());
      const before = BigInt(Date.now()) * 1_000_000n;
      const b = otlpLogsToBatch(decodeLogsProto(buf));
      assert.equal(
        b.streams[0].labels.toString(),
        '{k8s_namespace_name="prod", service_name="unknown_service"}',
      );
      const e = b.streams[0].entries;
      assert.deepEqual(e[0], {
        ts: 1700000000000000005n,
        line: '{"a":1}',
        fields: [
          ['host_name', 'h1'],
          ['severity_text', 'WARNING'],
          ['level', 'warn'],
        ],
      });
      assert.deepEqual(e[1], {
        ts: 1700000000000000006n,
        line: '1.5',
        fields: [
          ['host_name', 'h1'],
          ['event_name', 'boom'],
          ['level', 'fatal'],
        ],
      });
      assert.equal(e[2].line, 'aGk=');
      assert.ok(e[2].ts >= before, 'no time at all: the time of arrival');
      assert.equal(e[3].line, '[false]');
    },
  );

  it(
    'replaces invalid UTF-8 in protobuf strings',
    { skip: TYPE === undefined && 'conformance protos absent' },
    () => {
      const req = {
        resourceLogs: [
          { scopeLogs: [{ logRecords: [{ timeUnixNano: '1', body: { stringValue: 'aXb' } }] }] },
        ],
      };
      const buf = Buffer.from(TYPE!.encode(TYPE!.fromObject(req)).finish());
      buf[buf.indexOf('aXb') + 1] = 0xc3; // a lone lead byte
      assert.equal(otlpLogsToBatch(decodeLogsProto(buf)).streams[0].entries[0].line, 'a\uFFFDb');
    },
  );

  it('accepts snake_case keys and severity names in JSON', () => {
    const b = otlpLogsToBatch(
      decodeLogsJson(
        JSON.stringify({
          resource_logs: [
            {
              scope_logs: [
                {
                  log_records: [
                    {
                      time_unix_nano: 5,
                      severity_number: 'SEVERITY_NUMBER_ERROR2',
                      trace_id: 'AB',
                      body: { string_value: 'x' },
                    },
                  ],
                },
              ],
            },
          ],
        }),
      ),
    );
    assert.deepEqual(b.streams[0].entries, [
      {
        ts: 5n,
        line: 'x',
        fields: [
          ['trace_id', 'ab'],
          ['level', 'error'],
        ],
      },
    ]);
  });

  it('refuses bad JSON naming the path', () => {
    const bad: [string, RegExp][] = [
      ['{', /invalid JSON/],
      ['[]', /\$ is not an object/],
      ['{"resourceLogs":{}}', /\$\.resourceLogs is not an array/],
      [
        '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"x"}]}]}]}',
        /logRecords\[0\]\.timeUnixNano: "x" is not a uint64/,
      ],
      [
        '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"zz"}]}]}]}',
        /traceId: "zz" is not hex/,
      ],
      [
        '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"LOUD"}]}]}]}',
        /not a SeverityNumber/,
      ],
      [
        '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"intValue":"1.5"}}]}]}]}',
        /body\.intValue: "1\.5" is not an integer/,
      ],
      [
        '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"doubleValue":"x"}}]}]}]}',
        /doubleValue: "x" is not a number/,
      ],
      ['{"resourceLogs":[{"scopeLogs":[{"scope":{"name":1}}]}]}', /scope\.name is not a string/],
    ];
    for (const [body, re] of bad) assert.throws(() => decodeLogsJson(body), err(re), body);
  });

  it('refuses truncated and mistyped protobuf', () => {
    assert.throws(
      () => decodeLogsProto(Buffer.from([0x0a, 0x05, 0x12])),
      err(/cannot decode OTLP logs request: length 5 at byte 1 runs past/),
    );
    assert.throws(
      () => decodeLogsProto(Buffer.from([0x08, 0x01])),
      err(/resource_logs has wire type 0, want 2/),
    );
    // ResourceLogs{scope_logs{log_records{time_unix_nano as varint}}}
    assert.throws(
      () => decodeLogsProto(Buffer.from([0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x08, 0x01])),
      err(/time_unix_nano has wire type 0, want 1/),
    );
  });
});
