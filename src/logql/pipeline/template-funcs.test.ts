import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { compilePipeline } from './pipeline.js';

const STREAM = Labels.fromObject({
  s: '  Hello World  ',
  n: '7',
  f: '2.5',
  p: '/api/v1/users',
  e: '',
});
const TS = 1_700_000_000_123_000_000n;

async function fmt(template: string): Promise<string | undefined> {
  const out = await compilePipeline([{ kind: 'line_format', template }]).process(
    TS,
    'the line',
    STREAM,
  );
  return out?.labels.get('__error__') || out?.line;
}

describe('line_format functions (Loki functionMap)', () => {
  const cases: [string, string][] = [
    ['{{ .s | TrimSpace | ToLower }}', 'hello world'],
    ['{{ ToUpper .p }}', '/API/V1/USERS'],
    ['{{ Replace .p "/" "_" 2 }}', '_api_v1/users'],
    ['{{ Replace .p "/" "_" -1 }}', '_api_v1_users'],
    ['{{ Trim .s " Hd" }}', 'ello Worl'],
    ['{{ TrimLeft .s " " }}|{{ TrimRight .s " " }}', 'Hello World  |  Hello World'],
    ['{{ TrimPrefix .p "/api" }} {{ TrimSuffix .p "users" }}', '/v1/users /api/v1/'],
    [
      '{{ .p | trimPrefix "/api" }} {{ .p | trimSuffix "/users" }} {{ trimAll "/" .p }}',
      '/v1/users /api/v1 api/v1/users',
    ],
    [
      '{{ .s | trim | upper }} {{ .s | trim | lower }} {{ "a b" | title }}',
      'HELLO WORLD hello world A B',
    ],
    ['{{ .p | trunc 4 }} {{ .p | trunc -5 }} {{ .p | substr 1 4 }}', '/api users api'],
    [
      '{{ if contains "v1" .p }}y{{ end }}{{ if hasPrefix "/api" .p }}p{{ end }}{{ if hasSuffix "rs" .p }}s{{ end }}',
      'yps',
    ],
    ['{{ .p | replace "/" "." }} {{ repeat 3 "ab" }}', '.api.v1.users ababab'],
    ['{{ regexReplaceAll "/(v\\\\d)/" .p "[${1}]" }}', '/api[v1]users'],
    ['{{ regexReplaceAllLiteral "v\\\\d" .p "$1" }}', '/api/$1/users'],
    ['{{ .e | default "none" }} {{ .n | default "none" }}', 'none 7'],
    ['{{ "a b&c" | urlencode }} {{ "a+b%26c" | urldecode }}', 'a%20b%26c a b&c'],
    ['{{ "hi" | b64enc }} {{ "aGk=" | b64dec }}', 'aGk= hi'],
    ['{{ add .n 3 }} {{ sub .n 2 }} {{ mul .n 2 }} {{ div .n 2 }} {{ mod .n 4 }}', '10 5 14 3 3'],
    ['{{ addf .f 1 }} {{ subf .f 1 }} {{ mulf .f 2 }} {{ divf .f 2 }}', '3.5 1.5 5 1.25'],
    ['{{ max 1 .n 3 }} {{ min 4 .n }} {{ maxf .f 1 }} {{ minf .f 1 }}', '7 4 2.5 1'],
    [
      '{{ ceil .f }} {{ floor .f }} {{ round 2.345 2 }} {{ int .f }} {{ float64 .n }}',
      '3 2 2.35 2 7',
    ],
    [
      '[{{ alignLeft 5 "ab" }}][{{ alignRight 5 "ab" }}][{{ alignRight 2 "abcd" }}]',
      '[ab   ][   ab][cd]',
    ],
    ['{{ count "/" .p }} {{ bytes "2KiB" }} {{ duration "1m30s" }}', '3 2048 90'],
    [
      '{{ __timestamp__ | unixEpoch }} {{ __timestamp__ | unixEpochMillis }}',
      '1700000000 1700000000123',
    ],
    ['{{ __line__ | indent 2 }}|{{ "x" | nindent 1 }}', '  the line|\n x'],
    ['{{ (fromJson "{\\"a\\":{\\"b\\":3}}").a.b }}', '3'],
  ];
  for (const [tpl, want] of cases)
    it(tpl, async () => {
      assert.equal(await fmt(tpl), want);
    });

  it('a function error becomes TemplateFormatErr', async () => {
    assert.equal(await fmt('{{ fromJson "{" }}'), 'TemplateFormatErr');
  });
});
