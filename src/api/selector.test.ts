import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSeriesSelector } from './selector.js';

const render = (s: string) => parseSeriesSelector(s).map((m) => m.toString());

describe('parseSeriesSelector', () => {
  const good: [string, string[]][] = [
    ['up', ['__name__="up"']],
    ['node:cpu:rate5m', ['__name__="node:cpu:rate5m"']],
    [' up { } ', ['__name__="up"']],
    [
      'up{job="node", instance!="a" , path=~"/api/.*",code!~"5..",}',
      ['__name__="up"', 'job="node"', 'instance!="a"', 'path=~"/api/.*"', 'code!~"5.."'],
    ],
    ['{__name__=~"node_.+"}', ['__name__=~"node_.+"']],
    [
      `{job='it\\'s', a="\\"q\\" \\n\\t\\\\", b=\`raw\\n\`}`,
      ['job="it\'s"', 'a="\\"q\\" \\n\\t\\\\"', 'b="raw\\\\n"'],
    ],
    ['{a="\\x41\\101\\u00e9\\U0001F600"}', ['a="AAé😀"']],
    ['{a="\\xc3\\xa9"}', ['a="é"']],
    ['{"my.metric", "a.b"="c"}', ['__name__="my.metric"', 'a.b="c"']],
    ['{"my.metric"}', ['__name__="my.metric"']],
    ['{job="x", "ü"!=""}', ['job="x"', 'ü!=""']],
  ];
  for (const [input, want] of good)
    it(`parses ${input}`, () => assert.deepEqual(render(input), want));

  const bad: [string, RegExp][] = [
    ['', /parse error at char 1: unexpected end of input, want a metric name or "\{"/],
    ['{}', /at least one non-empty matcher/],
    ['{job=~".*"}', /at least one non-empty matcher/],
    ['up{job="x"', /parse error at char 11: unexpected end of input, want "," or "\}"/],
    ['up{job="x" instance="y"}', /parse error at char 12: unexpected "i", want "," or "\}"/],
    ['up{job=x}', /parse error at char 8: unexpected "x", want a quoted string/],
    ['up{job}', /parse error at char 7: unexpected "\}", want one of =, !=, =~, !~/],
    ['up{job', /unexpected end of input, want a matcher operator/],
    ['up{job="x}', /parse error at char 8: unterminated quoted string/],
    ['up{job=`x}', /unterminated raw string/],
    ['up{9="x"}', /parse error at char 4: unexpected "9", want a label name/],
    ['up{', /unexpected end of input inside braces/],
    ['up{job="\\q"}', /parse error at char 9: unknown escape sequence \\q/],
    ['up{job="\\xZZ"}', /want 2 hex digits/],
    ['up{job="\\uD800"}', /not a valid character/],
    ['up{job="\\400"}', /invalid octal escape/],
    ['up{job="\\xff"}', /quoted string is not valid UTF-8/],
    ['up{job="a\nb"}', /newline in quoted string/],
    ['up{__name__="x"}', /metric name must not be set twice/],
    ['{"a", "b"}', /metric name must not be set twice/],
    ['up{a=~"("}', /parse error at char 7: invalid regular expression "\("/],
    ['up}', /parse error at char 3: unexpected "\}" after the selector/],
    ['{""="x"}', /empty label name/],
    ['=up', /want a metric name or "\{"/],
  ];
  for (const [input, want] of bad)
    it(`rejects ${JSON.stringify(input)}`, () =>
      assert.throws(() => parseSeriesSelector(input), want));
});
