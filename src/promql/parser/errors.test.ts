import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PromQLParseError } from '../errors.js';
import { formatExpr, parseExpr, prettyExpr } from './index.js';
import { stripPos } from './testing.js';

const BAD_FILE = path.resolve(process.cwd(), 'src/promql/parser/testdata/bad-queries.txt');

function badCases(): Array<readonly [string, string]> {
  return readFileSync(BAD_FILE, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const tab = l.indexOf('\t');
      assert.ok(tab > 0, `no tab in ${JSON.stringify(l)}`);
      return [l.slice(0, tab), l.slice(tab + 1)] as const;
    });
}

function parseError(q: string): PromQLParseError {
  try {
    parseExpr(q);
  } catch (err) {
    assert.ok(err instanceof PromQLParseError, `${q}: ${String(err)}`);
    return err;
  }
  return assert.fail(`${q} parsed`);
}

describe('parse error messages', () => {
  it('refuses each query of testdata/bad-queries.txt with its exact message', () => {
    const cases = badCases();
    assert.ok(cases.length >= 25);
    for (const [q, message] of cases) assert.equal(parseError(q).message, message, q);
  });

  it('refuses invalid runes in strings as Prometheus does, wherever the string is', () => {
    // What a bad percent-encoding or a broken client leaves: lone UTF-16 surrogates.
    for (const [q, at] of [
      ['x{a="\uD800"}', 5],
      ['x{a="b\uDC00"}', 5],
      ["x{a='\uD83D'}", 5],
      ['label_replace(x, "a", "\uDFFF", "b", "")', 23],
      ['{"a\uD800"="b"}', 2],
      ['count_values("\uFFFD", x)', 14],
    ] as const) {
      const err = parseError(q);
      assert.equal(err.message, `parse error at char ${at}: invalid UTF-8 rune`, q);
    }
    // A valid surrogate pair (an emoji) and bad runes in comments are fine.
    assert.equal(formatExpr(parseExpr('x{a="😀"} # \uFFFD \uD800')), 'x{a="😀"}');
  });
});

// UTF-8 metric and label names. Prometheus 3.x's printer (VectorSelector.String, used by
// format_query) keeps a name given inside the braces as a `__name__` matcher and quotes only
// label names that are not legacy-valid (labels.Matcher.String).
const UTF8: ReadonlyArray<readonly [string, string]> = [
  ['{"my.metric"}', '{__name__="my.metric"}'],
  ['{"my.metric", a="b"}', '{__name__="my.metric", a="b"}'],
  ['{"my.metric", "a.b"="c"}', '{__name__="my.metric", "a.b"="c"}'],
  ['{"日本語", "ラベル"=~"値.*"}', '{__name__="日本語", "ラベル"=~"値.*"}'],
  ['{"a\\"b\\\\c\\n"}', '{__name__="a\\"b\\\\c\\n"}'],
  ['rate({"http.requests", "le"="0.5"}[5m])', 'rate({__name__="http.requests", le="0.5"}[5m])'],
  ['sum by ("a.b", "ü") ({"x.y"})', 'sum by ("a.b", "ü") ({__name__="x.y"})'],
  ['a + on ("a.b") group_left ("c d") b', 'a + on ("a.b") group_left ("c d") b'],
  ['x{"1a"="v", "_ok"="w"}', 'x{"1a"="v", _ok="w"}'],
];

describe('UTF-8 names', () => {
  it('prints them as Prometheus does and parses the printed form back to the same AST', () => {
    for (const [q, printed] of UTF8) {
      const ast = parseExpr(q);
      assert.equal(formatExpr(ast), printed, q);
      assert.deepEqual(stripPos(parseExpr(printed)), stripPos(ast), printed);
      assert.deepEqual(stripPos(parseExpr(prettyExpr(ast))), stripPos(ast), q);
    }
  });
});
