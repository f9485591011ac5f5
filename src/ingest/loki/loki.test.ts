import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { compressSync } from 'snappy';
import { LogInputError } from '../logs-common/index.js';
import { decodeLokiJson, decodeLokiProto, decompressSnappy, parseStreamSelector } from './index.js';

const PROTO = path.join(process.cwd(), '../shared/conformance/proto/loki/push.proto');
const HAVE_PROTO = existsSync(PROTO);

/** A PushRequest encoded by protobufjs from the conformance push.proto. */
export async function encodeLokiPush(req: object): Promise<Buffer> {
  const root = new protobuf.Root();
  root.resolvePath = (_o, target) =>
    path.isAbsolute(target) || target.startsWith('google/')
      ? target
      : path.join(path.dirname(PROTO), target);
  await root.load(PROTO, { keepCase: false });
  const T = root.lookupType('logproto.PushRequest');
  return Buffer.from(T.encode(T.fromObject(req)).finish());
}

const err = (status: number, re: RegExp) => (e: unknown) =>
  e instanceof LogInputError && e.status === status && re.test(e.message);

describe('loki selector', () => {
  it('parses equality matchers with escapes, raw strings and a trailing comma', () => {
    assert.deepEqual(parseStreamSelector('{job="app", env=`p\\rod`}', 's'), [
      ['job', 'app'],
      ['env', 'p\\rod'],
    ]);
    assert.deepEqual(parseStreamSelector(' { a = "x\\"y\\n\\u00e9", service.name="s", } ', 's'), [
      ['a', 'x"y\né'],
      ['service_name', 's'],
    ]);
    assert.deepEqual(parseStreamSelector('{}', 's'), []);
  });
  it('refuses what is not an equality selector, naming the offset', () => {
    assert.throws(
      () => parseStreamSelector('job="a"', 'stream 0'),
      err(400, /want "\{" at offset 0/),
    );
    assert.throws(() => parseStreamSelector('{job=~"a"}', 'stream 0'), err(400, /only equality/));
    assert.throws(() => parseStreamSelector('{job="a}', 'stream 0'), err(400, /unterminated/));
    assert.throws(() => parseStreamSelector('{job="a" x}', 's'), err(400, /want "," or "\}"/));
    assert.throws(() => parseStreamSelector('{job="a"} x', 's'), err(400, /after "\}"/));
    assert.throws(() => parseStreamSelector('{job="\\q"}', 's'), err(400, /unknown escape/));
    assert.throws(() => parseStreamSelector('{job=a}', 's'), err(400, /quoted value/));
    assert.throws(() => parseStreamSelector('{="a"}', 's'), err(400, /label name/));
  });
});

describe('loki JSON push', () => {
  it('decodes streams, values with structured metadata, and groups equal label sets', () => {
    const b = decodeLokiJson(
      JSON.stringify({
        streams: [
          {
            stream: { job: 'app', 'k8s.pod': 'p1' },
            values: [
              ['1700000000000000001', 'first', { trace_id: 'abc', empty: '' }],
              ['1700000000000000002', 'second'],
            ],
          },
          { stream: { 'k8s.pod': 'p1', job: 'app' }, values: [['1700000000000000003', 'third']] },
          { labels: '{job="legacy"}', entries: [{ ts: '2023-11-14T22:13:20.5Z', line: 'old' }] },
        ],
      }),
    );
    assert.equal(b.streams.length, 2);
    assert.equal(b.streams[0].labels.toString(), '{job="app", k8s_pod="p1"}');
    assert.deepEqual(b.streams[0].entries, [
      { ts: 1700000000000000001n, line: 'first', fields: [['trace_id', 'abc']] },
      { ts: 1700000000000000002n, line: 'second' },
      { ts: 1700000000000000003n, line: 'third' },
    ]);
    assert.deepEqual(b.streams[1].entries, [{ ts: 1700000000500000000n, line: 'old' }]);
    assert.equal(b.entries, 4);
    assert.equal(b.bytes, 5 + 6 + 5 + 3);
  });
  it('refuses bad input naming the stream and entry', () => {
    const bad: [unknown, RegExp][] = [
      ['nope', /Unexpected token|not valid JSON/],
      [{ s: [] }, /want an object \{"streams"/],
      [{ streams: [1] }, /streams\[0\] is not an object/],
      [{ streams: [{ stream: {}, values: [] }] }, /streams\[0\] \{\}: at least one label pair/],
      [{ streams: [{ stream: { a: 1 } }] }, /streams\[0\]\.stream\.a is not a string/],
      [{ streams: [{}] }, /neither "stream"/],
      [{ streams: [{ stream: { a: 'b' }, values: 'x' }] }, /values is not an array/],
      [
        { streams: [{ stream: { a: 'b' }, values: [['x', 'l']] }] },
        /streams\[0\]\.values\[0\]: timestamp "x"/,
      ],
      [
        { streams: [{ stream: { a: 'b' }, values: [['1', 2]] }] },
        /values\[0\]: the line is not a string/,
      ],
      [{ streams: [{ stream: { a: 'b' }, values: [['1']] }] }, /want \[timestamp, line\]/],
      [{ streams: [{ stream: { a: 'b' }, values: [['1', 'l', 3]] }] }, /metadata is not an object/],
      [
        { streams: [{ stream: { a: 'b' }, values: [['1', 'l', { k: 1 }]] }] },
        /metadata k is not a string/,
      ],
      [{ streams: [{ stream: { a: 'b' }, entries: [{}] }] }, /entries\[0\]: want \{"ts"/],
    ];
    for (const [body, re] of bad)
      assert.throws(
        () => decodeLokiJson(typeof body === 'string' ? body : JSON.stringify(body)),
        err(400, re),
        String(re),
      );
  });
});

describe('loki protobuf push', { skip: HAVE_PROTO ? false : `no ${PROTO}` }, () => {
  it('decodes a protobufjs-encoded PushRequest, invalid UTF-8 replaced', async () => {
    const buf = await encodeLokiPush({
      streams: [
        {
          labels: '{job="app", env="prod"}',
          entries: [
            {
              timestamp: { seconds: 1700000000, nanos: 123 },
              line: 'hello',
              structuredMetadata: [{ name: 'trace.id', value: 'abc' }],
            },
            { timestamp: { seconds: 1700000001 }, line: 'x' },
          ],
        },
      ],
    });
    // Replace "x" with an invalid byte: the line becomes U+FFFD, never an error.
    const at = buf.lastIndexOf(Buffer.from('x'));
    buf[at] = 0xff;
    const b = decodeLokiProto(decompressSnappy(compressSync(buf), 1 << 20));
    assert.equal(b.streams.length, 1);
    assert.equal(b.streams[0].labels.toString(), '{env="prod", job="app"}');
    assert.deepEqual(b.streams[0].entries, [
      { ts: 1700000000000000123n, line: 'hello', fields: [['trace_id', 'abc']] },
      { ts: 1700000001000000000n, line: '\uFFFD' },
    ]);
  });
  it('refuses truncated and mistyped messages and snappy bombs', async () => {
    const buf = await encodeLokiPush({
      streams: [{ labels: '{a="b"}', entries: [{ line: 'l' }] }],
    });
    assert.throws(
      () => decodeLokiProto(buf.subarray(0, buf.length - 1)),
      err(400, /cannot decode Loki push request: length \d+ at byte \d+ runs past/),
    );
    assert.throws(
      () => decodeLokiProto(Buffer.from([0x08, 0x01])),
      err(400, /PushRequest.streams has wire type 0, want 2/),
    );
    assert.throws(
      () => decodeLokiProto(Buffer.from([0x0a, 0x00])),
      err(400, /stream 0 has no labels/),
    );
    const bomb = compressSync(Buffer.alloc(1 << 16));
    assert.throws(
      () => decompressSnappy(bomb, 1000),
      err(413, /decompressed size 65536 bytes exceeds the limit of 1000/),
    );
    assert.throws(() => decompressSnappy(Buffer.alloc(0), 1000), err(400, /empty body/));
    assert.throws(
      () => decompressSnappy(Buffer.from([0x05, 1, 2]), 1000),
      err(400, /invalid snappy data/),
    );
  });
});
