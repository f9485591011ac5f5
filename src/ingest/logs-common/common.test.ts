import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LogBatchBuilder,
  LogInputError,
  detectLevel,
  docToEntry,
  fieldValue,
  levelOfSeverityNumber,
  listParam,
  normalizeLevel,
  parseTimestamp,
  sanitizeLabelName,
  uniqueFields,
} from './index.js';

describe('logs-common', () => {
  it('parses timestamps: RFC 3339 with offsets and nanos, numbers by magnitude, decimal seconds', () => {
    const cases: [unknown, bigint | undefined][] = [
      ['2023-11-14T22:13:20Z', 1700000000000000000n],
      ['2023-11-14T22:13:20.123456789Z', 1700000000123456789n],
      ['2023-11-14T22:13:20.1234567891Z', 1700000000123456789n],
      ['2023-11-14 23:13:20.5+01:00', 1700000000500000000n],
      ['2023-11-14T20:13:20-0200', 1700000000000000000n],
      ['2023-11-14T22:13:20', 1700000000000000000n],
      ['1700000000', 1700000000000000000n],
      ['1700000000123', 1700000000123000000n],
      ['1700000000123456', 1700000000123456000n],
      ['1700000000123456789', 1700000000123456789n],
      ['1700000000.25', 1700000000250000000n],
      [1700000000, 1700000000000000000n],
      [1700000000.5, 1700000000500000000n],
      [1700000000123, 1700000000123000000n],
      [1700000000123456, 1700000000123456000n],
      [1.7e18, 1700000000000000000n],
      ['2023-13-01T00:00:00Z', undefined],
      ['yesterday', undefined],
      [Number.NaN, undefined],
      [true, undefined],
    ];
    for (const [v, want] of cases) assert.equal(parseTimestamp(v), want, String(v));
  });

  it('normalises severities', () => {
    const cases: [string, string | undefined][] = [
      ['WARNING', 'warn'],
      ['Information', 'info'],
      ['err', 'error'],
      ['E', 'error'],
      ['crit', 'fatal'],
      ['INFO2', 'info'],
      ['dbg', 'debug'],
      ['loud', undefined],
      ['x', undefined],
    ];
    for (const [v, want] of cases) assert.equal(normalizeLevel(v), want, v);
    assert.deepEqual([0, 1, 4, 5, 9, 13, 17, 21, 24, 25].map(levelOfSeverityNumber), [
      undefined,
      'trace',
      'trace',
      'debug',
      'info',
      'warn',
      'error',
      'fatal',
      'fatal',
      undefined,
    ]);
  });

  it('sanitises label names Loki-style', () => {
    assert.equal(sanitizeLabelName('service.name'), 'service_name');
    assert.equal(sanitizeLabelName('k8s-pod/name'), 'k8s_pod_name');
    assert.equal(sanitizeLabelName('9lives'), '_9lives');
    assert.equal(sanitizeLabelName(''), '_');
    assert.equal(sanitizeLabelName('ok_name'), 'ok_name');
  });

  it('renders field values and resolves duplicate names', () => {
    assert.equal(fieldValue([1, 'x']), '[1,"x"]');
    assert.equal(fieldValue(true), 'true');
    assert.equal(fieldValue(undefined), '');
    assert.deepEqual(
      uniqueFields([
        ['a', '1'],
        ['b', '2'],
        ['a', '3'],
      ]),
      [
        ['a', '3'],
        ['b', '2'],
      ],
    );
    assert.equal(uniqueFields([]), undefined);
  });

  it('detects the level from level/severity fields', () => {
    const f: [string, string][] = [['severity', 'Warning']];
    detectLevel(f);
    assert.deepEqual(f, [
      ['severity', 'Warning'],
      ['level', 'warn'],
    ]);
    const g: [string, string][] = [['level', 'ERROR']];
    detectLevel(g);
    assert.deepEqual(g, [['level', 'error']]);
    const h: [string, string][] = [['level', 'chatty']];
    detectLevel(h);
    assert.deepEqual(h, [['level', 'chatty']]);
  });

  it('groups streams and refuses streams without labels', () => {
    const b = new LogBatchBuilder();
    const s1 = b.stream(
      [
        ['b', '2'],
        ['a', '1'],
      ],
      'x',
    );
    assert.equal(
      b.stream(
        [
          ['a', '1'],
          ['b', '2'],
        ],
        'x',
      ),
      s1,
    );
    b.add(s1, { ts: 1n, line: 'é' });
    assert.deepEqual(
      { entries: b.build().entries, bytes: b.build().bytes },
      { entries: 1, bytes: 2 },
    );
    assert.throws(
      () => b.stream([], 'stream 3'),
      (e: unknown) =>
        e instanceof LogInputError &&
        /cannot read stream 3: at least one label pair/.test(e.message),
    );
    assert.throws(
      () =>
        b.stream(
          [
            ['a', '1'],
            ['a', '2'],
          ],
          'stream 4',
        ),
      /cannot read stream 4: duplicate label name "a"/,
    );
  });

  it('repairs lone surrogates of JSON-sourced lines and fields', () => {
    const b = new LogBatchBuilder(true);
    const s = b.stream([['a', '1']], 'x');
    const clean = { ts: 1n, line: 'fine', fields: [['k', 'v']] as [string, string][] };
    b.add(s, clean);
    b.add(s, { ts: 2n, line: 'x\ud800', fields: [['k', '\udc00y']] });
    assert.equal(s.entries[0], clean, 'well-formed entries are kept as they are');
    assert.deepEqual(s.entries[1], { ts: 2n, line: 'x\uFFFD', fields: [['k', '\uFFFDy']] });
  });

  it('turns documents into entries', () => {
    const b = new LogBatchBuilder();
    const opts = { msgFields: ['msg'], timeFields: ['t'], streamFields: ['app', 'missing'] };
    const got = docToEntry(
      { msg: 'hi', t: '0', app: 'a', x: { y: 'z' } },
      opts,
      b,
      'doc',
      () => 42n,
    );
    assert.ok(typeof got !== 'string');
    assert.deepEqual(got.entry, { ts: 42n, line: 'hi', fields: [['x_y', 'z']] });
    assert.equal(got.stream.labels.toString(), '{app="a"}');
    assert.equal(
      docToEntry({ t: 'soon' }, opts, b, 'doc 2', () => 1n),
      'cannot parse t "soon" of doc 2: want RFC 3339 or a Unix time in s, ms, µs or ns',
    );
    assert.deepEqual(listParam(' a, b ,,', ['z']), ['a', 'b']);
    assert.deepEqual(listParam(undefined, ['z']), ['z']);
  });
});
