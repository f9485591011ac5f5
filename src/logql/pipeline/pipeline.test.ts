import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, Matcher } from '../../model/index.js';
import type { LabelFilterExpr, ParserStage, Stage } from '../ast.js';
import { LogqlEvalError } from '../errors.js';
import { compilePipeline } from './pipeline.js';

const STREAM = Labels.fromObject({ app: 'api', level: 'info' });

async function run(
  stages: Stage[],
  line: string,
  fields?: [string, string][],
): Promise<{ line: string; labels: Record<string, string> } | null> {
  const out = await compilePipeline(stages).process(
    1_700_000_000_000_000_000n,
    line,
    STREAM,
    fields,
  );
  return out && { line: out.line, labels: out.labels.toObject() };
}

const lf = (op: '|=' | '!=' | '|~' | '!~' | '|>' | '!>', ...values: string[]): Stage => ({
  kind: 'line_filter',
  op,
  values,
});
const parser = (
  p: 'json' | 'logfmt' | 'regexp' | 'pattern' | 'unpack',
  extra: Partial<ParserStage> = {},
): Stage => ({ kind: 'parser', parser: p, ...extra });
const lbl = (expr: LabelFilterExpr): Stage => ({ kind: 'label_filter', expr });
const str = (type: '=' | '!=' | '=~' | '!~', name: string, value: string): LabelFilterExpr => ({
  kind: 'string',
  matcher: new Matcher(type, name, value),
});

describe('line filters', () => {
  const cases: [Stage, string, boolean][] = [
    [lf('|=', 'err'), 'an error', true],
    [lf('|=', 'err'), 'fine', false],
    [lf('|=', 'x', 'fin'), 'fine', true],
    [lf('!=', 'x', 'fin'), 'fine', false],
    [lf('!=', 'x', 'y'), 'fine', true],
    [lf('|=', ''), 'anything', true],
    [lf('|~', '(?i)ERR'), 'an error', true],
    [lf('|~', 'a+b', 'zz'), 'zz top', true],
    [lf('!~', 'a+b', 'zz'), 'zz top', false],
    [lf('!~', 'a+b'), 'ok', true],
    [lf('|>', '<_> GET <_>'), '1.2.3.4 GET /x', true],
    [lf('|>', '<_> GET <_>'), '1.2.3.4 POST /x', false],
    [lf('|>', '<_> done'), 'job 1 done', true],
    [lf('|>', '<_> done'), 'job 1 done late', false],
    [lf('!>', '<_> done'), 'job 1 done', false],
    [lf('|>', 'exact'), 'exact', true],
    [
      { kind: 'line_filter', op: '|=', values: ['10.0.0.0/8'], ip: true },
      'from 10.1.2.3:443 ok',
      true,
    ],
    [
      { kind: 'line_filter', op: '|=', values: ['10.0.0.0/8'], ip: true },
      'from 11.1.2.3 ok',
      false,
    ],
    [{ kind: 'line_filter', op: '!=', values: ['10.0.0.0/8'], ip: true }, 'from 11.1.2.3 ok', true],
    [
      { kind: 'line_filter', op: '|=', values: ['192.168.0.1-192.168.0.9'], ip: true },
      'ip=192.168.0.5',
      true,
    ],
    [
      { kind: 'line_filter', op: '|=', values: ['192.168.0.1-192.168.0.9'], ip: true },
      'ip=192.168.0.10',
      false,
    ],
    [
      { kind: 'line_filter', op: '|=', values: ['2001:db8::/32'], ip: true },
      'c=2001:db8::1 x',
      true,
    ],
    [{ kind: 'line_filter', op: '|=', values: ['::1'], ip: true }, 'c=::1', true],
  ];
  for (const [st, line, want] of cases)
    it(`${JSON.stringify(st)} on ${JSON.stringify(line)} → ${want}`, async () => {
      assert.equal((await run([st], line)) !== null, want);
    });

  it('refuses a bad regex and a bad ip()', () => {
    assert.throws(() => compilePipeline([lf('|~', '(')]), LogqlEvalError);
    assert.throws(
      () => compilePipeline([{ kind: 'line_filter', op: '|=', values: ['nope'], ip: true }]),
      /cannot compile ip\("nope"\)/,
    );
  });
});

describe('parsers', () => {
  it('json flattens objects, skips arrays and null, keeps number text, suffixes clashes', async () => {
    const got = await run(
      [parser('json')],
      '{"app":"x","a":{"b":{"c":"d"}},"n":1.50,"t":true,"z":null,"arr":[1,{"q":2}],"e":"a\\"b","my-key":1,"9x":"y"}',
    );
    assert.deepEqual(got?.labels, {
      app: 'api',
      app_extracted: 'x',
      a_b_c: 'd',
      n: '1.50',
      t: 'true',
      e: 'a"b',
      my_key: '1',
      _9x: 'y',
      level: 'info',
    });
  });
  it('json with bad input sets __error__ and keeps the line', async () => {
    const got = await run([parser('json')], 'not json');
    assert.equal(got?.labels.__error__, 'JSONParserErr');
    assert.ok(got?.labels.__error_details__);
    assert.equal((await run([parser('json')], '{"a":1} tail'))?.labels.__error__, 'JSONParserErr');
    assert.equal((await run([parser('json')], '{"a":tru}'))?.labels.__error__, 'JSONParserErr');
    assert.equal((await run([parser('json')], '{"a":"x'))?.labels.__error__, 'JSONParserErr');
  });
  it('json with paths', async () => {
    const got = await run(
      [
        parser('json', {
          extract: [
            { label: 'first', path: 'a.list[0]' },
            { label: 'obj', path: 'a["k"]' },
            { label: 'gone', path: 'x.y' },
          ],
        }),
      ],
      '{"a":{"list":["p","q"],"k":{"z":1}}}',
    );
    assert.deepEqual(got?.labels, { app: 'api', level: 'info', first: 'p', obj: '{"z":1}' });
  });
  it('logfmt', async () => {
    const line = 'level=error msg="bad \\"thing\\"" dur=1.5s flag weird=a=b';
    assert.deepEqual((await run([parser('logfmt')], line))?.labels, {
      app: 'api',
      level: 'info',
      level_extracted: 'error',
      msg: 'bad "thing"',
      dur: '1.5s',
      weird: 'a=b',
    });
    const keep = await run([parser('logfmt', { keepEmpty: true })], 'flag x=1');
    assert.equal(keep?.labels.x, '1');
    const strict = await run([parser('logfmt', { strict: true })], 'a=1 =oops');
    assert.equal(strict?.labels.__error__, 'LogfmtParserErr');
    assert.equal(strict?.labels.a, '1');
    const only = await run([parser('logfmt', { extract: [{ label: 'd', path: 'dur' }] })], line);
    assert.deepEqual(only?.labels, { app: 'api', level: 'info', d: '1.5s' });
  });
  it('regexp and pattern', async () => {
    const re = await run(
      [parser('regexp', { pattern: '(?P<method>[A-Z]+) (?P<path>\\S+)' })],
      'x GET /a b',
    );
    assert.deepEqual(re?.labels, { app: 'api', level: 'info', method: 'GET', path: '/a' });
    assert.throws(() => compilePipeline([parser('regexp', { pattern: '(a)' })]), /named capture/);
    const pat = await run(
      [parser('pattern', { pattern: '<ip> - - [<_>] "<method> <path> <_>" <status>' })],
      '1.2.3.4 - - [10/Oct] "GET /x HTTP/1.1" 200 12',
    );
    assert.deepEqual(pat?.labels, {
      app: 'api',
      level: 'info',
      ip: '1.2.3.4',
      method: 'GET',
      path: '/x',
      status: '200 12',
    });
    assert.throws(
      () => compilePipeline([parser('pattern', { pattern: '<_> x' })]),
      /named capture/,
    );
    assert.throws(() => compilePipeline([parser('pattern', { pattern: '<a><b>' })]), /consecutive/);
  });
  it('unpack', async () => {
    const got = await run([parser('unpack')], '{"pod":"p1","_entry":"the line","n":1}');
    assert.deepEqual(got, { line: 'the line', labels: { app: 'api', level: 'info', pod: 'p1' } });
    assert.equal((await run([parser('unpack')], '[1]'))?.labels.__error__, 'JSONParserErr');
  });
});

describe('label filters', () => {
  const num = (name: string, op: '==' | '>=' | '<', value: number): LabelFilterExpr => ({
    kind: 'number',
    name,
    op,
    value,
  });
  const cases: [LabelFilterExpr, string, boolean][] = [
    [num('status', '>=', 500), 'status=503', true],
    [num('status', '>=', 500), 'status=200', false],
    [num('status', '>=', 500), 'other=1', false],
    [num('status', '==', 2), 'status=2.0', true],
    [{ kind: 'duration', name: 'dur', op: '>', seconds: 0.25 }, 'dur=1m2s', true],
    [{ kind: 'duration', name: 'dur', op: '>', seconds: 0.25 }, 'dur=100ms', false],
    [{ kind: 'bytes', name: 'size', op: '>', bytes: 1000 }, 'size=2KiB', true],
    [{ kind: 'bytes', name: 'size', op: '>', bytes: 1000 }, 'size=999', false],
    [{ kind: 'ip', name: 'addr', negate: false, range: '10.0.0.0/8' }, 'addr=10.0.0.1', true],
    [{ kind: 'ip', name: 'addr', negate: true, range: '10.0.0.0/8' }, 'addr=10.0.0.1', false],
    [str('=~', 'path', '/api.*'), 'path=/api/x', true],
    [str('=', 'app', 'api'), 'x=1', true],
    [{ kind: 'and', left: str('=', 'a', '1'), right: num('b', '<', 5) }, 'a=1 b=3', true],
    [{ kind: 'and', left: str('=', 'a', '1'), right: num('b', '<', 5) }, 'a=1 b=9', false],
    [{ kind: 'or', left: str('=', 'a', '2'), right: num('b', '<', 5) }, 'a=1 b=3', true],
    [{ kind: 'or', left: str('=', 'a', '2'), right: num('b', '<', 5) }, 'a=1 b=9', false],
  ];
  for (const [expr, line, want] of cases)
    it(`${JSON.stringify(expr)} on ${line} → ${want}`, async () => {
      assert.equal((await run([parser('logfmt'), lbl(expr)], line)) !== null, want);
    });

  it('a value that does not convert passes with LabelFilterErr; __error__="" then drops it', async () => {
    const st = lbl({ kind: 'number', name: 'status', op: '>=', value: 500 });
    const got = await run([parser('logfmt'), st], 'status=abc');
    assert.equal(got?.labels.__error__, 'LabelFilterErr');
    assert.equal(
      await run([parser('logfmt'), st, lbl(str('=', '__error__', ''))], 'status=abc'),
      null,
    );
    // A record with an error passes typed filters untouched.
    const err = await run([parser('json'), st], 'nope');
    assert.equal(err?.labels.__error__, 'JSONParserErr');
  });

  it('structured metadata are labels of the record', async () => {
    const got = await run([lbl(str('=', 'trace_id', 'abc'))], 'x', [['trace_id', 'abc']]);
    assert.deepEqual(got?.labels, { app: 'api', level: 'info', trace_id: 'abc' });
    assert.equal(await run([lbl(str('=', 'trace_id', 'abc'))], 'x', [['trace_id', 'zz']]), null);
  });
});

describe('formatting and label stages', () => {
  it('line_format with labels and Loki functions', async () => {
    const got = await run(
      [
        parser('logfmt'),
        {
          kind: 'line_format',
          template:
            '{{.method | ToUpper}} {{.path}} {{.missing}}|{{ __line__ | len }}|{{ regexReplaceAll "(\\\\d+)" .path "<$1>" }}|{{ default "d" .none }}',
        },
      ],
      'method=get path=/u/42',
    );
    assert.equal(got?.line, 'GET /u/42 |21|/u/<42>|d');
  });
  it('line_format without actions and with a failing template', async () => {
    assert.equal((await run([{ kind: 'line_format', template: 'plain' }], 'x'))?.line, 'plain');
    const bad = await run([{ kind: 'line_format', template: '{{ urldecode "%zz" }}' }], 'x');
    assert.equal(bad?.labels.__error__, 'TemplateFormatErr');
    assert.throws(
      () => compilePipeline([{ kind: 'line_format', template: '{{ nosuch }}' }]),
      LogqlEvalError,
    );
  });
  it('label_format renames and templates', async () => {
    const got = await run(
      [
        parser('logfmt'),
        {
          kind: 'label_format',
          items: [
            { dst: 'who', src: 'user' },
            { dst: 'msg', template: '{{.user}}@{{.level}}' },
          ],
        },
      ],
      'user=bob',
    );
    assert.deepEqual(got?.labels, { app: 'api', level: 'info', who: 'bob', msg: 'bob@info' });
    const sync = compilePipeline([
      { kind: 'label_format', items: [{ dst: 'service', src: 'app' }] },
    ]);
    assert.equal(sync.isAsync, false);
    const out = sync.process(1n, 'l', STREAM);
    assert.ok(out && !(out instanceof Promise));
    assert.deepEqual(out.labels.toObject(), { service: 'api', level: 'info' });
  });
  it('drop and keep', async () => {
    const line = 'a=1 b=2 c=3';
    const drop = await run(
      [
        parser('logfmt'),
        {
          kind: 'drop',
          items: [
            { name: 'a' },
            { name: 'b', matcher: new Matcher('=', 'b', '9') },
            { name: 'level' },
          ],
        },
      ],
      line,
    );
    assert.deepEqual(drop?.labels, { app: 'api', b: '2', c: '3' });
    const keep = await run(
      [
        parser('logfmt'),
        {
          kind: 'keep',
          items: [{ name: 'a' }, { name: 'c', matcher: new Matcher('=', 'c', '9') }],
        },
      ],
      line,
    );
    assert.deepEqual(keep?.labels, { a: '1' });
    const keepErr = await run([parser('json'), { kind: 'keep', items: [{ name: 'app' }] }], 'x');
    assert.equal(keepErr?.labels.__error__, 'JSONParserErr');
  });
  it('decolorize', async () => {
    assert.equal(
      (await run([{ kind: 'decolorize' }], '\x1b[31mred\x1b[0m text'))?.line,
      'red text',
    );
  });
  it('records ending with the same labels share one Labels object', () => {
    const p = compilePipeline([lf('|=', 'a')]);
    const f: [string, string][] = [['trace_id', 'x']];
    const one = p.process(1n, 'a1', STREAM, f);
    const two = p.process(2n, 'a2', STREAM, [['trace_id', 'x']]);
    const three = p.process(3n, 'a3', STREAM, [['trace_id', 'y']]);
    assert.ok(one && two && three && !(one instanceof Promise) && !(two instanceof Promise));
    assert.ok(!(three instanceof Promise));
    assert.equal(one.labels, two.labels);
    assert.notEqual(two.labels, three.labels);
    assert.equal(three.labels.get('trace_id'), 'y');
  });
  it('a filter-only pipeline is sync and returns the stream labels object', () => {
    const p = compilePipeline([lf('|=', 'a')]);
    assert.equal(p.changesLabels, false);
    const out = p.process(1n, 'a', STREAM);
    assert.ok(out && !(out instanceof Promise));
    assert.equal(out.labels, STREAM);
    assert.equal(p.process(1n, 'b', STREAM), null);
  });
});
