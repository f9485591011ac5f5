import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMatchers, goQuote } from './format.js';
import { MatcherParseError, parseMatcher, parseMatchers } from './parse.js';

describe('parseMatchers', () => {
  const good: [string, string][] = [
    ['foo="bar"', '{foo="bar"}'],
    ['foo=bar', '{foo="bar"}'],
    ['foo!=bar', '{foo!="bar"}'],
    ['foo=~"a|b"', '{foo=~"a|b"}'],
    ['foo!~a.*', '{foo!~"a.*"}'],
    ['{a="b", c=~"d"}', '{a="b",c=~"d"}'],
    ['{a="b",}', '{a="b"}'],
    ['  a = b , c != "x y" ', '{a="b",c!="x y"}'],
    ['{}', '{}'],
    ['', '{}'],
    ['a=""', '{a=""}'],
    ['a=', '{a=""}'],
    ['a="quote \\" and \\\\ and \\n"', '{a="quote \\" and \\\\ and \\n"}'],
    ['a="\\u00e9"', '{a="é"}'],
    ['"служба"="x"', '{"служба"="x"}'],
    ['foo=bar baz', '{foo="bar baz"}'],
    ['a="b,c"', '{a="b,c"}'],
  ];
  for (const [input, want] of good) {
    it(`parses ${JSON.stringify(input)}`, () => {
      assert.equal(formatMatchers(parseMatchers(input)), want);
    });
  }

  const bad: [string, RegExp][] = [
    ['{a="b"', /missing closing "}"/],
    ['a', /expected one of =, !=, =~, !~, got end of input/],
    ['=b', /expected a label name, got "="/],
    ['a=~"("', /invalid regular expression/],
    ['a="unterminated', /unterminated quoted string/],
    ['a="\\q"', /invalid escape \\q/],
    ['a="b" c="d"', /expected "," or end of matcher, got "c"/],
    ['{a="b"} x', /unexpected input after "}"/],
    ['a=b"c', /unexpected "\\"" in unquoted value/],
  ];
  for (const [input, want] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseMatchers(input),
        (e: Error) => {
          assert.ok(e instanceof MatcherParseError, e.message);
          assert.match(e.message, want);
          assert.match(e.message, /^cannot parse matchers /);
          return true;
        },
      );
    });
  }

  it('matches like Alertmanager: anchored RE2, missing label as ""', () => {
    const [m] = parseMatchers('svc=~"foo|bar"');
    assert.equal(m.matches('foo'), true);
    assert.equal(m.matches('xfoo'), false);
    assert.equal(parseMatcher('x!~".+"').matches(''), true);
  });

  it('parseMatcher wants exactly one', () => {
    assert.throws(() => parseMatcher('a=b,c=d'), /expected exactly one matcher, got 2/);
  });

  it('goQuote escapes like strconv.Quote', () => {
    assert.equal(goQuote('a"b\\c\n\x01é'), '"a\\"b\\\\c\\n\\x01é"');
  });
});
