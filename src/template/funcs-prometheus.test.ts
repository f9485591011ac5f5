import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandTemplate, prometheusFuncs, type TemplateQueryFn } from './index.js';

const EXT = 'http://testhost:9090/path/prefix';
type QueryResult = Awaited<ReturnType<TemplateQueryFn>>;

/** [template, dot, query result, expected]; pairs from Prometheus's template_test.go. */
const OK: [string, unknown, QueryResult, string][] = [
  ['plain text', null, [], 'plain text'],
  ['{{ 1 }}', null, [], '1'],
  ['{{ "<b>" }}', null, [], '<b>'],
  ['{{define "x"}}{{.arg0}} {{.arg1}}{{end}}{{template "x" (args 1 "2")}}', null, [], '1 2'],
  ['{{ query "1.5" | first | value }}', null, [{ labels: {}, value: 1.5 }], '1.5'],
  [
    '{{ query "metric{instance=\'a\'}" | first | value }}',
    null,
    [{ labels: { __name__: 'metric', instance: 'a' }, value: 11 }],
    '11',
  ],
  [
    '{{ query "metric{instance=\'a\'}" | first | label "instance" }}',
    null,
    [{ labels: { __name__: 'metric', instance: 'a' }, value: 11 }],
    'a',
  ],
  [
    '{{ query "metric{__value__=\'a\'}" | first | strvalue }}',
    null,
    [{ labels: { __name__: 'metric', __value__: 'a' }, value: 11 }],
    'a',
  ],
  [
    '{{ query "metric{instance=\'a\'}" | first | label "foo" }}',
    null,
    [{ labels: { instance: 'a' }, value: 11 }],
    '',
  ],
  [
    '{{ $x := query "metric" | first }}{{ $x.Labels.foo }}',
    null,
    [{ labels: { instance: 'a' }, value: 11 }],
    '',
  ],
  [
    '{{ range query "metric" | sortByLabel "instance" }}{{.Labels.instance}}:{{.Value}}: {{end}}',
    null,
    [
      { labels: { instance: 'b' }, value: 21 },
      { labels: { instance: 'a' }, value: 11 },
    ],
    'a:11: b:21: ',
  ],
  ['{{ "foo.example.com" | stripPort }}', null, [], 'foo.example.com'],
  ['{{ "foo.example.com:12345" | stripPort }}', null, [], 'foo.example.com'],
  ['{{ "192.0.2.1" | stripPort }}', null, [], '192.0.2.1'],
  ['{{ "192.0.2.1:12345" | stripPort }}', null, [], '192.0.2.1'],
  ['{{ "2001:0DB8::1" | stripPort }}', null, [], '2001:0DB8::1'],
  ['{{ "[2001:0DB8::1]:12345" | stripPort }}', null, [], '2001:0DB8::1'],
  ['{{ "[2001:0DB8::1]::12345" | stripPort }}', null, [], '[2001:0DB8::1]::12345'],
  ['{{ "foo.example.com" | stripDomain }}', null, [], 'foo'],
  ['{{ "foo.example.com:12345" | stripDomain }}', null, [], 'foo:12345'],
  ['{{ "192.0.2.1" | stripDomain }}', null, [], '192.0.2.1'],
  ['{{ "192.0.2.1:12345" | stripDomain }}', null, [], '192.0.2.1:12345'],
  ['{{ "2001:0DB8::1" | stripDomain }}', null, [], '2001:0DB8::1'],
  ['{{ "[2001:0DB8::1]:12345" | stripDomain }}', null, [], '[2001:0DB8::1]:12345'],
  ['{{ "[2001:0DB8::1]::12345" | stripDomain }}', null, [], '[2001:0DB8::1]::12345'],
  ['{{ .Foo }}', null, [], '<no value>'],
  ['{{ reReplaceAll "(a)b" "x$1" "ab" }}', null, [], 'xa'],
  ['{{ reReplaceAll "(?P<k>a)b" "${k}-$k-$$-$1x" "abab" }}', null, [], 'a-a-$-a-a-$-'],
  ['{{ reReplaceAll "a*" "-" "baaac" }}', null, [], '-b-c-'],
  ['{{ reReplaceAll ":[0-9]+$" "" "host:9100" }}', null, [], 'host'],
  ['{{ range . }}{{ humanize . }}:{{ end }}', [0.0, 1.0, 1234567.0, 0.12], [], '0:1:1.235M:120m:'],
  [
    '{{ range . }}{{ humanize . }}:{{ end }}',
    ['0.0', '1.0', '1234567.0', '.12'],
    [],
    '0:1:1.235M:120m:',
  ],
  [
    '{{ range . }}{{ humanize . }}:{{ end }}',
    [0n, -1n, 1n, 1234567n, 9223372036854775807n],
    [],
    '0:-1:1:1.235M:9.223E:',
  ],
  ['{{ range . }}{{ humanize . }}:{{ end }}', [18446744073709551615n], [], '18.45E:'],
  ['{{ humanize 0.00123 }}', null, [], '1.23m'],
  ['{{ range . }}{{ humanize1024 . }}:{{ end }}', [0.0, 1.0, 1048576.0, 0.12], [], '0:1:1Mi:0.12:'],
  [
    '{{ range . }}{{ humanize1024 . }}:{{ end }}',
    ['0.0', '1.0', '1048576.0', '.12'],
    [],
    '0:1:1Mi:0.12:',
  ],
  [
    '{{ range . }}{{ humanize1024 . }}:{{ end }}',
    [0n, -1n, 1n, 1234567n, 9223372036854775807n],
    [],
    '0:-1:1:1.177Mi:8Ei:',
  ],
  ['{{ range . }}{{ humanize1024 . }}:{{ end }}', [18446744073709551615n], [], '16Ei:'],
  [
    '{{ range . }}{{ humanizeDuration . }}:{{ end }}',
    [0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99],
    [],
    '0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:',
  ],
  [
    '{{ range . }}{{ humanizeDuration . }}:{{ end }}',
    ['0', '1', '60', '3600', '86400'],
    [],
    '0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:',
  ],
  [
    '{{ range . }}{{ humanizeDuration . }}:{{ end }}',
    [0.1, 0.0001, 0.12345, 60.1, 60.5, 1.2345, 12.345],
    [],
    '100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:',
  ],
  [
    '{{ range . }}{{ humanizeDuration . }}:{{ end }}',
    ['.1', '.0001', '.12345', '60.1', '60.5', '1.2345', '12.345'],
    [],
    '100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:',
  ],
  [
    '{{ range . }}{{ humanizeDuration . }}:{{ end }}',
    [0n, -1n, 1n, 1234567n],
    [],
    '0s:-1s:1s:14d 6h 56m 7s:',
  ],
  ['{{ humanizeDuration 3725 }}', null, [], '1h 2m 5s'],
  [
    '{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}',
    [Infinity, -Infinity, NaN],
    [],
    '+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:',
  ],
  [
    '{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}',
    ['+Inf', '-Inf', 'NaN'],
    [],
    '+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:',
  ],
  [
    '{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:{{ 0.1234567 | humanizePercentage }}:{{ 1.23456 | humanizePercentage }}',
    null,
    [],
    '-22.22%:0%:12.35%:123.5%',
  ],
  [
    '{{ range . }}{{ humanizePercentage . }}:{{ end }}',
    [0n, -1n, 1n, 1234567n, 9223372036854775807n],
    [],
    '0%:-100%:100%:1.235e+08%:9.223e+20%:',
  ],
  [
    '{{ "-0.22222" | humanizePercentage }}:{{ "0.0" | humanizePercentage }}:{{ "0.1234567" | humanizePercentage }}:{{ "1.23456" | humanizePercentage }}',
    null,
    [],
    '-22.22%:0%:12.35%:123.5%',
  ],
  ['{{ humanizePercentage 0.1234 }}', null, [], '12.34%'],
  [
    '{{ range . }}{{ humanizeTimestamp . }}:{{ end }}',
    [0n, -1n, 1n, 1234567n, 9223372036n],
    [],
    '1970-01-01 00:00:00 +0000 UTC:1969-12-31 23:59:59 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:',
  ],
  ['{{ 1435065584.128 | humanizeTimestamp }}', null, [], '2015-06-23 13:19:44.128 +0000 UTC'],
  ['{{ "1435065584.128" | humanizeTimestamp }}', null, [], '2015-06-23 13:19:44.128 +0000 UTC'],
  ['{{ (1435065584.128 | toTime).Format "2006" }}', null, [], '2015'],
  ['{{ ("1435065584.128" | toTime).Format "2006" }}', null, [], '2015'],
  ['{{ 1657155181 | toTime }}', null, [], '2022-07-07 00:53:01 +0000 UTC'],
  ['{{ 90.5 | toDuration }}', null, [], '1m30.5s'],
  ['{{ "aa bb CC" | title }}', null, [], 'Aa Bb CC'],
  ['{{ "aa bb CC" | toUpper }}', null, [], 'AA BB CC'],
  ['{{ "aA bB CC" | toLower }}', null, [], 'aa bb cc'],
  ['{{ match "a+" "aa" }} {{ match "a+" "b" }}', null, [], 'true false'],
  ['{{ graphLink "up" }}', null, [], '/graph?g0.expr=up&g0.tab=0'],
  ['{{ tableLink "up" }}', null, [], '/graph?g0.expr=up&g0.tab=1'],
  [
    '{{ graphLink "rate(x[5m]) > 0" }}',
    null,
    [],
    '/graph?g0.expr=rate%28x%5B5m%5D%29+%3E+0&g0.tab=0',
  ],
  ['{{ define "a" }}x{{ end }}{{ $name := "a"}}{{ tmpl $name . }}', null, [], 'x'],
  ['{{ pathPrefix }}', null, [], '/path/prefix'],
  ['{{ externalURL }}', null, [], EXT],
  ['{{ printf "%0.2f" (parseDuration "1h2m10ms") }}', null, [], '3720.01'],
  ['{{ parseDuration "1d" }} {{ parseDuration "0" }}', null, [], '86400 0'],
  ['{{ now }}', null, [], '1.7e+09'],
  ['{{ safeHtml "<b>" }}', null, [], '<b>'],
];

const ERRORS: [string, unknown, QueryResult, string][] = [
  [
    '{{ humanize "one" }}',
    null,
    [],
    'template: test:1:3: executing "test" at <humanize "one">: error calling humanize: strconv.ParseFloat: parsing "one": invalid syntax',
  ],
  [
    '{{ humanize1024 "one" }}',
    null,
    [],
    'error calling humanize1024: strconv.ParseFloat: parsing "one": invalid syntax',
  ],
  [
    '{{ humanizeDuration "one" }}',
    null,
    [],
    'error calling humanizeDuration: strconv.ParseFloat: parsing "one": invalid syntax',
  ],
  [
    '{{ "one" | humanizePercentage }}',
    null,
    [],
    'template: test:1:11: executing "test" at <humanizePercentage>: error calling humanizePercentage: strconv.ParseFloat: parsing "one": invalid syntax',
  ],
  [
    '{{ range . }}{{ humanizeTimestamp . }}:{{ end }}',
    [-9223372036854775808n],
    [],
    'template: test:1:16: executing "test" at <humanizeTimestamp .>: error calling humanizeTimestamp: -9.223372036854776e+18 cannot be represented as a nanoseconds timestamp since it overflows int64',
  ],
  [
    '{{ range . }}{{ humanizeTimestamp . }}:{{ end }}',
    [18446744073709551615n],
    [],
    '1.8446744073709552e+19 cannot be represented as a nanoseconds timestamp since it overflows int64',
  ],
  [
    '{{ query "missing" | first }}',
    null,
    [],
    'template: test:1:21: executing "test" at <first>: error calling first: first() called on vector with no elements',
  ],
  ['{{ (query "missing").banana }}', null, [], "can't evaluate field banana"],
  ['{{ reReplaceAll "(" "" "x" }}', null, [], 'error calling reReplaceAll: error parsing regexp'],
  ['{{ parseDuration "soon" }}', null, [], 'not a valid duration string: "soon"'],
  ['{{ humanize true }}', null, [], "can't convert bool to float"],
  ['{{ toUpper 1 }}', null, [], 'expected string; got int'],
];

describe('prometheusFuncs', () => {
  const run = (text: string, dot: unknown, result: QueryResult): Promise<string> =>
    expandTemplate('test', text, dot, {
      missingKey: 'zero',
      funcs: prometheusFuncs({
        externalURL: EXT,
        query: () => Promise.resolve(result),
        now: () => 1.7e12,
      }),
    });
  for (const [text, dot, result, want] of OK) {
    it(text, async () => assert.equal(await run(text, dot, result), want));
  }
  for (const [text, dot, result, want] of ERRORS) {
    it(`error: ${text}`, async () => {
      await assert.rejects(
        run(text, dot, result),
        (e: unknown) => e instanceof Error && e.message.includes(want),
        want,
      );
    });
  }
  it('query without an injected function is an execution error', async () => {
    await assert.rejects(
      expandTemplate('t', '{{ query "up" }}', null, { funcs: prometheusFuncs() }),
      /query is not available/,
    );
  });
});
