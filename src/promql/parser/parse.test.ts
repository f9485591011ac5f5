import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PromQLParseError } from '../errors.js';
import { FUNCTION_SIGNATURES } from '../functions/signatures.js';
import { astToJson, formatExpr, parseExpr, prettyExpr, valueTypeOf } from './index.js';
import { formatDurationMs, parseDurationMs, unquoteString } from './literals.js';
import { stripPos } from './testing.js';

// [query, printed form (Prometheus String())]
const GOOD: ReadonlyArray<readonly [string, string]> = [
  ['sum by(job)(rate(x{a="b"}[5m] offset 1m))', 'sum by (job) (rate(x{a="b"}[5m] offset 1m))'],
  ['SUM(x) BY (a)', 'sum by (a) (x)'],
  ['sum without (a, b) (x)', 'sum without (a, b) (x)'],
  ['sum by () (x)', 'sum by () (x)'],
  ['topk(3, x)', 'topk(3, x)'],
  ['count_values("v", x)', 'count_values("v", x)'],
  ['a + on(b) group_left(c) d', 'a + on (b) group_left (c) d'],
  ['a / ignoring(b) group_right d', 'a / ignoring (b) group_right () d'],
  ['a == bool 1', 'a == bool 1'],
  ['1 > bool 2', '1 > bool 2'],
  ['a and b or c unless d', 'a and b or c unless d'],
  ['x @ 100 offset -5m', 'x @ 100.000 offset -5m'],
  ['x offset 5m @ 1.5', 'x @ 1.500 offset 5m'],
  ['x[5m:1m] @ start()', 'x[5m:1m] @ start()'],
  ['rate(x[5m])[1h:] offset 90m', 'rate(x[5m])[1h:] offset 1h30m'],
  ['x[1h30m]', 'x[1h30m]'],
  ['x[90]', 'x[1m30s]'],
  ['x[10s53ms]', 'x[10s53ms]'],
  ['0x1F + 1e3 + .5', '31 + 1000 + 0.5'],
  ['Inf + -inf + NaN', '+Inf + -Inf + NaN'],
  ['5m + 1', '5m + 1'],
  ['1e21 + 1.5e-7 - 1.5e300', '1000000000000000000000 + 0.00000015 - 1' + '5'.padEnd(300, '0')],
  ['-1 ^ 2', '-1 ^ 2'],
  ['- -1', '1'],
  ['-x', '-x'],
  ['(x)', '(x)'],
  ["'a\\x41\\u00e9\\101\\U0001F600'", '"aAéA😀"'],
  ['`raw\\n`', '"raw\\\\n"'],
  ['{"my.metric", "a.b"="c"}', '{__name__="my.metric", "a.b"="c"}'],
  ['sum by ("a.b") (x)', 'sum by ("a.b") (x)'],
  ['x{a=~"(a*)*b", b!~"c", d!="e"}', 'x{a=~"(a*)*b", b!~"c", d!="e"}'],
  ['label_join(x, "d", ",", "a", "b", "c")', 'label_join(x, "d", ",", "a", "b", "c")'],
  ['round(x)', 'round(x)'],
  ['histogram_quantile(1./6., x)', 'histogram_quantile(1 / 6, x)'],
  ['x # comment', 'x'],
  // Comments anywhere (rule files put them before and inside expressions).
  ['# leading\nx', 'x'],
  ['sum(x # inside\n)', 'sum(x)'],
  ['sum by (job) (\n  # why\n  rate(x[5m])\n) # end', 'sum by (job) (rate(x[5m]))'],
  ['x\n# between\n+ y', 'x + y'],
];

// [query, reason] (the message is `parse error at char N: <reason>`)
const BAD: ReadonlyArray<readonly [string, string]> = [
  ['x}', 'unexpected "}"'],
  ['', 'no expression found in input'],
  ['# just a comment\n', 'no expression found in input'],
  ['.', "unexpected character: '.'"],
  ['*1', 'unexpected <op:*>'],
  ['(1))', "unexpected right parenthesis ')'"],
  ['x ]', "unexpected right bracket ']'"],
  ['a - on(b) ignoring(c) d', 'unexpected <ignoring>'],
  ['a sum', 'unexpected <aggr:sum>'],
  ['foo bar', 'unexpected identifier "bar"'],
  ['rate(x[5m] 1)', 'unexpected number "1"'],
  ['x "a"', 'unexpected string "\\"a\\""'],
  ['1e400', 'number out of range: "1e400"'],
  ['1 +', 'unexpected end of input'],
  ['sum(x', 'unclosed left parenthesis'],
  ['x[5m', 'unclosed left bracket'],
  ['x{a="b"', 'unexpected end of input inside braces'],
  ['"abc', 'unterminated quoted string'],
  ['x offset 1m5', 'bad number or duration syntax: "1m5"'],
  ['foo(x)', 'unknown function with name "foo"'],
  ['"\\q"', 'unknown escape sequence "\\q"'],
  ['rate(x)', 'expected type range vector in call to function "rate", got instant vector'],
  ['abs(x[5m])', 'expected type instant vector in call to function "abs", got range vector'],
  ['abs(x, y)', 'expected 1 argument(s) in call to "abs", got 2'],
  ['round()', 'expected at least 1 argument(s) in call to "round", got 0'],
  ['round(x, 1, 2)', 'expected at most 2 argument(s) in call to "round", got 3'],
  [
    'label_replace(x, "a", "b", "c", 1)',
    'expected type string in call to function "label_replace", got scalar',
  ],
  ['sum(1, x)', 'wrong number of arguments for aggregate expression provided, expected 1, got 2'],
  ['topk(x)', 'wrong number of arguments for aggregate expression provided, expected 2, got 1'],
  ['topk(x, y)', 'expected type scalar in aggregation parameter, got instant vector'],
  ['count_values(1, x)', 'expected type string in aggregation parameter, got scalar'],
  ['sum(x[5m])', 'expected type instant vector in aggregation expression, got range vector'],
  ['1 > 2', 'comparisons between scalars must use BOOL modifier'],
  ['a + bool b', 'bool modifier can only be used on comparison operators'],
  ['a and 1', 'set operator "and" not allowed in binary scalar expression'],
  ['a and on(x) group_left b', 'no grouping allowed for "and" operation'],
  ['1 + on(a) x', 'vector matching only allowed between instant vectors'],
  ['a + on(b) group_left(b) c', 'label "b" must not occur in ON and GROUP clause at once'],
  ['x[5m] + 1', 'binary expression must contain only scalar and instant vector types'],
  [
    '-x[5m]',
    'unary expression only allowed on expressions of type scalar or instant vector, got "range vector"',
  ],
  ['{a=""}', 'vector selector must contain at least one non-empty matcher'],
  ['{a=~".*"}', 'vector selector must contain at least one non-empty matcher'],
  ['foo{__name__="bar"}', 'metric name must not be set twice: "foo" or "bar"'],
  ['(x)[5m]', 'ranges only allowed for vector selectors'],
  ['x offset 1m [5m]', 'no offset modifiers allowed before range'],
  ['x @ 1 [5m]', 'no @ modifiers allowed before range'],
  ['x[5m][5m:]', 'subquery is only allowed on instant vector, got matrix instead'],
  [
    'sum(x) offset 1m',
    'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
  ],
  ['x offset 1m offset 2m', 'offset may not be set multiple times'],
  [
    'rate(x[5m]) @ 1',
    '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
  ],
  ['x @ 1 @ 2', '@ <timestamp> may not be set multiple times'],
  ['x @ Inf', 'timestamp out of bounds for @ modifier: +Inf'],
  ['x[0s]', 'duration must be greater than 0'],
  ['x[1m:0s]', 'duration must be greater than 0'],
];

// Refused without `experimental: true`, accepted with it.
const EXPERIMENTAL: ReadonlyArray<readonly [string, string]> = [
  ['limitk(1, x)', 'limitk() and limit_ratio() are experimental'],
  ['limit_ratio(0.5, x)', 'limitk() and limit_ratio() are experimental'],
  ['sort_by_label(x, "a")', 'function "sort_by_label" is not enabled'],
  [
    'double_exponential_smoothing(x[5m], 0.5, 0.5)',
    'function "double_exponential_smoothing" is not enabled',
  ],
  ['rate(x[5m] anchored)', 'the anchored modifier is experimental'],
  ['rate(x[5m] smoothed)', 'the smoothed modifier is experimental'],
  ['a + fill(0) b', 'the fill modifier is experimental'],
  ['x[26m+4m]', 'the duration expression is experimental'],
  ['x offset (step() * 2)', 'the duration expression is experimental'],
  ['min_of(1, 2)', 'function "min_of" is not enabled'],
];

function parseError(q: string, experimental = false): PromQLParseError {
  try {
    parseExpr(q, { experimental });
  } catch (err) {
    assert.ok(err instanceof PromQLParseError, `${q}: ${String(err)}`);
    return err;
  }
  return assert.fail(`${q} parsed`);
}

describe('parseExpr and formatExpr', () => {
  it('parses good queries and prints them as Prometheus does', () => {
    for (const [q, printed] of GOOD) {
      const ast = parseExpr(q);
      assert.equal(formatExpr(ast), printed, q);
      assert.deepEqual(stripPos(parseExpr(printed)), stripPos(ast), printed);
    }
  });

  it('refuses bad queries with Prometheus messages and positions', () => {
    for (const [q, reason] of BAD) {
      const err = parseError(q);
      assert.equal(err.reason, reason, q);
      assert.equal(err.message, `parse error at char ${err.pos.start + 1}: ${reason}`);
      assert.equal(err.errorType, 'bad_data');
    }
    assert.equal(parseError('x}').pos.start, 1);
    assert.equal(parseError('rate(x)').pos.start, 5);
  });

  it('refuses experimental features unless enabled', () => {
    for (const [q, reason] of EXPERIMENTAL) {
      assert.ok(parseError(q).reason.startsWith(reason), `${q}: ${parseError(q).reason}`);
      assert.doesNotThrow(() => parseExpr(q, { experimental: true }), q);
    }
    assert.equal(parseError('x[-5m]', true).reason, 'duration must be greater than 0');
    assert.equal(parseError('x[5m:-1m]', true).reason, 'duration must be greater than 0');
    // Which functions take them is checked when evaluating, as in Prometheus (engine tests).
    assert.doesNotThrow(() => parseExpr('max_over_time(x[5m] smoothed)', { experimental: true }));
    assert.doesNotThrow(() => parseExpr('deriv(x[5m] anchored)', { experimental: true }));
  });

  it('builds the AST Prometheus builds', () => {
    const e = parseExpr('sum by (job) (rate(x{a="b"}[5m] offset 1m))');
    assert.equal(e.type, 'AggregateExpr');
    if (e.type !== 'AggregateExpr') return;
    assert.deepEqual(e.grouping, ['job']);
    assert.deepEqual(e.pos, { start: 0, end: 43 });
    const call = e.expr;
    assert.ok(call.type === 'Call' && call.func === 'rate');
    const m = call.args[0];
    assert.ok(m.type === 'MatrixSelector');
    assert.equal(m.range, 300_000);
    assert.equal(m.vector.offset, 60_000);
    assert.deepEqual(
      m.vector.matchers.map((x) => x.toString()),
      ['__name__="x"', 'a="b"'],
    );
    // `-x @ 100`: the modifier binds to the selector, not to the unary expression.
    const u = parseExpr('-x @ 100');
    assert.ok(u.type === 'UnaryExpr' && u.expr.type === 'VectorSelector');
    assert.deepEqual(u.expr.at, { kind: 'time', ms: 100_000 });
    const b = parseExpr('a + b');
    assert.ok(b.type === 'BinaryExpr');
    assert.equal(b.matching?.card, 'one-to-one');
    const s = parseExpr('a or b');
    assert.ok(s.type === 'BinaryExpr' && s.matching?.card === 'many-to-many');
    const sc = parseExpr('a * 2');
    assert.ok(sc.type === 'BinaryExpr' && sc.matching === null);
    const d = parseExpr('x[26m+4m]', { experimental: true });
    assert.ok(
      d.type === 'MatrixSelector' && typeof d.range !== 'number' && d.range.type === 'BinaryExpr',
    );
    const n = parseExpr('5m');
    assert.deepEqual([n.type, n.type === 'NumberLiteral' && n.value], ['NumberLiteral', 300]);
  });

  it('reports value types', () => {
    const cases: Array<[string, string]> = [
      ['1', 'scalar'],
      ['"a"', 'string'],
      ['x', 'vector'],
      ['x[5m]', 'matrix'],
      ['x[5m:]', 'matrix'],
      ['time()', 'scalar'],
      ['rate(x[1m])', 'vector'],
      ['1 + 2', 'scalar'],
      ['1 + x', 'vector'],
      ['-(1)', 'scalar'],
      ['sum(x)', 'vector'],
    ];
    for (const [q, t] of cases) assert.equal(valueTypeOf(parseExpr(q)), t, q);
  });

  it('pretty-prints long queries over several lines and short ones on one', () => {
    assert.equal(prettyExpr(parseExpr('sum(x)')), 'sum(x)');
    const long =
      'sum by (job) (rate(http_requests_total{job="api-server", handler="/api/v1/query_range", code="200"}[5m])) / on (job) group_left () sum by (job) (up)';
    assert.equal(
      prettyExpr(parseExpr(long)),
      [
        '  sum by (job) (',
        '    rate(http_requests_total{job="api-server", handler="/api/v1/query_range", code="200"}[5m])',
        '  )',
        '/ on (job) group_left ()',
        '  sum by (job) (up)',
      ].join('\n'),
    );
  });

  it('translates the AST to parse_query JSON', () => {
    assert.deepEqual(astToJson(parseExpr('sum by (a) (rate(x{b="c"}[5m] @ end())) > bool 1')), {
      type: 'binaryExpr',
      op: '>',
      bool: true,
      matching: null,
      lhs: {
        type: 'aggregation',
        op: 'sum',
        grouping: ['a'],
        without: false,
        param: null,
        expr: {
          type: 'call',
          func: { name: 'rate', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
          args: [
            {
              type: 'matrixSelector',
              name: 'x',
              range: 300000,
              offset: 0,
              matchers: [
                { name: '__name__', value: 'x', type: '=' },
                { name: 'b', value: 'c', type: '=' },
              ],
              timestamp: null,
              startOrEnd: 'end',
            },
          ],
        },
      },
      rhs: { type: 'numberLiteral', val: '1' },
    });
    assert.deepEqual(astToJson(parseExpr('(x offset 1m)[1h:1m] @ 10')), {
      type: 'subquery',
      expr: {
        type: 'parenExpr',
        expr: {
          type: 'vectorSelector',
          name: 'x',
          offset: 60000,
          matchers: [{ name: '__name__', value: 'x', type: '=' }],
          timestamp: null,
          startOrEnd: null,
        },
      },
      range: 3600000,
      step: 60000,
      offset: 0,
      timestamp: 10000,
      startOrEnd: null,
    });
    assert.deepEqual(astToJson(parseExpr('-x')), {
      type: 'unaryExpr',
      op: '-',
      expr: astToJson(parseExpr('x')),
    });
    assert.deepEqual(astToJson(parseExpr('"s"')), { type: 'stringLiteral', val: 's' });
  });
});

describe('literals', () => {
  it('parses and prints durations', () => {
    assert.equal(parseDurationMs('1h30m'), 5_400_000);
    assert.equal(parseDurationMs('1y'), 365 * 86_400_000);
    assert.equal(parseDurationMs('1w2d'), 9 * 86_400_000);
    assert.equal(parseDurationMs('0'), 0);
    for (const bad of ['', '1m1h', '5', '1.5h', 'h', '1mm', '99999999999999y']) {
      assert.equal(parseDurationMs(bad), undefined, bad);
    }
    assert.equal(formatDurationMs(5_400_000), '1h30m');
    assert.equal(formatDurationMs(0), '0s');
    assert.equal(formatDurationMs(10_053), '10s53ms');
    assert.equal(formatDurationMs(-60_000), '-1m');
  });

  it('unquotes Go string escapes', () => {
    assert.equal(unquoteString('"a\\tb\\n\\\\\\""'), 'a\tb\n\\"');
    assert.equal(unquoteString("'\\''"), "'");
    assert.throws(() => unquoteString('"\\\'"'), /invalid escape sequence/);
    assert.throws(() => unquoteString('"\\x4"'), /invalid escape sequence/);
    assert.throws(() => unquoteString('"\\400"'), /invalid escape sequence/);
    assert.throws(() => unquoteString('"\\uD800"'), /invalid escape sequence/);
    assert.throws(() => unquoteString('"abc'), /unterminated quoted string/);
  });
});

describe('FUNCTION_SIGNATURES', () => {
  it('describes every Prometheus 3.x function with consistent types', () => {
    for (const name of [
      'rate',
      'label_replace',
      'histogram_quantile',
      'sort_by_label',
      'info',
      'time',
    ]) {
      assert.ok(FUNCTION_SIGNATURES.has(name), name);
    }
    assert.deepEqual(FUNCTION_SIGNATURES.get('histogram_fraction')?.args, [
      'scalar',
      'scalar',
      'vector',
    ]);
    assert.equal(FUNCTION_SIGNATURES.get('label_join')?.variadic, -1);
    assert.equal(FUNCTION_SIGNATURES.get('mad_over_time')?.experimental, true);
    assert.equal(FUNCTION_SIGNATURES.get('rate')?.experimental, false);
    for (const [name, sig] of FUNCTION_SIGNATURES) assert.equal(sig.name, name);
  });
});
