import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GoDuration,
  GoTime,
  TemplateExecError,
  TemplateParseError,
  TemplateSet,
  expandTemplate,
} from './index.js';

class Server {
  constructor(
    readonly Name: string,
    readonly Port: bigint,
  ) {}
  Addr(): string {
    return `${this.Name}:${this.Port}`;
  }
  Greet(who: unknown): string {
    return `hello ${String(who)} from ${this.Name}`;
  }
}

const data = {
  Name: 'web',
  Empty: '',
  Zero: 0,
  List: ['a', 'b', 'c'],
  Nums: [3, 1, 2],
  Map: { b: 2, a: 1, c: 3 },
  Nested: { Inner: { Value: 'deep' } },
  Server: new Server('db', 5432n),
  Nil: null,
  EmptyList: [],
  Labels: { job: 'node' },
  EmptyMap: {},
  Fn: (x: unknown) => `called:${String(x)}`,
  Async: { Later: () => Promise.resolve('resolved') },
};

// [description, template, expected]; dot is `data` above.
const OK: [string, string, string][] = [
  ['plain text', 'no actions here', 'no actions here'],
  ['field', '{{.Name}}', 'web'],
  ['nested fields', '{{.Nested.Inner.Value}}', 'deep'],
  ['missing key prints <no value>', '{{.Nope}}', '<no value>'],
  ['missing chain', '{{.Nope.Deeper}}', '<no value>'],
  ['struct field and method', '{{.Server.Name}} {{.Server.Addr}}', 'db db:5432'],
  ['method with args', '{{.Server.Greet "you"}}', 'hello you from db'],
  ['method via pipeline', '{{"pipe" | .Server.Greet}}', 'hello pipe from db'],
  ['async method', '{{.Async.Later}}', 'resolved'],
  ['trim both sides', 'a  {{- "b" -}}  c', 'abc'],
  ['trim newlines', 'a\n\t{{- "b" }}\n', 'ab\n'],
  ['minus number is not trim', '{{-3}}', '-3'],
  ['comment', 'a{{/* hidden */}}b', 'ab'],
  ['trimmed comment', 'a {{- /* hidden */ -}} b', 'ab'],
  [
    'int and float literals',
    '{{1}} {{1.0}} {{0x1F}} {{1e3}} {{-2.5}} {{1_000}}',
    '1 1 31 1000 -2.5 1000',
  ],
  ['string escapes', '{{"a\\tb\\n\\u00e9\\x41"}}', 'a\tb\né A'.replace(' ', '')],
  ['raw string', '{{`a\\tb`}}', 'a\\tb'],
  ['char literal', "{{'a'}}", '97'],
  ['bool and nil', '{{true}} {{false}} {{print nil}}', 'true false <nil>'],
  [
    'float printing like Go',
    '{{1000000.0}} {{123456.0}} {{0.0001}} {{0.00001}}',
    '1e+06 123456 0.0001 1e-05',
  ],
  ['variables', '{{$x := "v"}}{{$x}}{{$x = "w"}}{{$x}}', 'vw'],
  ['root variable', '{{with .Nested}}{{$.Name}}{{end}}', 'web'],
  ['variable fields', '{{$s := .Server}}{{$s.Name}}', 'db'],
  ['parenthesized field', '{{(.Nested).Inner.Value}}', 'deep'],
  ['if true', '{{if .Name}}yes{{end}}', 'yes'],
  ['if empty string', '{{if .Empty}}yes{{else}}no{{end}}', 'no'],
  ['if zero', '{{if .Zero}}yes{{else}}no{{end}}', 'no'],
  ['if nil', '{{if .Nil}}yes{{else}}no{{end}}', 'no'],
  ['else if chain', '{{if eq .Name "x"}}1{{else if eq .Name "web"}}2{{else}}3{{end}}', '2'],
  ['else if chain falls through', '{{if false}}1{{else if false}}2{{else}}3{{end}}', '3'],
  ['with sets dot', '{{with .Nested.Inner}}{{.Value}}{{end}}', 'deep'],
  ['with else', '{{with .Empty}}x{{else}}empty{{end}}', 'empty'],
  ['else with', '{{with .Empty}}x{{else with .Name}}{{.}}{{end}}', 'web'],
  ['with declares', '{{with $v := .Name}}{{$v}}{{end}}', 'web'],
  ['range slice', '{{range .List}}[{{.}}]{{end}}', '[a][b][c]'],
  ['range index and value', '{{range $i, $v := .List}}{{$i}}{{$v}}{{end}}', '0a1b2c'],
  ['range map sorted by key', '{{range $k, $v := .Map}}{{$k}}={{$v}} {{end}}', 'a=1 b=2 c=3 '],
  ['range else', '{{range .EmptyList}}x{{else}}none{{end}}', 'none'],
  ['range over empty map', '{{range .EmptyMap}}x{{else}}none{{end}}', 'none'],
  ['range over missing', '{{range .Nope}}x{{else}}none{{end}}', 'none'],
  ['range int', '{{range 3}}{{.}}{{end}}', '012'],
  ['range break', '{{range .List}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}}', 'a'],
  ['range continue', '{{range .List}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}}', 'ac'],
  ['range scoping', '{{$x := 1}}{{range .List}}{{$x := .}}{{end}}{{$x}}', '1'],
  ['assignment in range persists', '{{$x := 1}}{{range .List}}{{$x = .}}{{end}}{{$x}}', 'c'],
  ['define and template', '{{define "t"}}<{{.}}>{{end}}{{template "t" .Name}}', '<web>'],
  ['template without data', '{{define "t"}}{{.}}{{end}}{{template "t"}}', '<no value>'],
  ['block', '{{block "b" .Name}}[{{.}}]{{end}}', '[web]'],
  ['pipelines', '{{.Name | printf "%s!" | printf "%s?"}}', 'web!?'],
  ['and/or values', '{{and 1 0 2}} {{and 1 2}} {{or 0 "" "x"}} {{or 0 ""}}', '0 2 x '],
  ['and short-circuits', '{{and false (index .List 99)}}', 'false'],
  ['not', '{{not .Empty}} {{not .Name}}', 'true false'],
  ['eq multi', '{{eq .Name "a" "web"}} {{ne 1 2}}', 'true true'],
  ['comparisons', '{{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2}}', 'true true true false'],
  ['mixed number comparison', '{{eq 1 1.0}} {{gt .Zero -1}}', 'true true'],
  ['len', '{{len .List}} {{len .Map}} {{len "héllo"}}', '3 3 6'],
  ['index', '{{index .List 1}} {{index .Map "c"}} {{index .Nested "Inner" "Value"}}', 'b 3 deep'],
  [
    'index of a missing label is ""',
    '[{{index .Labels "nope"}}] {{index .Map "nope"}}',
    '[] <no value>',
  ],
  ['slice', '{{slice .List 1}} {{slice .List 0 2}} {{slice "hello" 1 3}}', '[b c] [a b] el'],
  ['print/println', '{{print 1 2 "a" "b" 3}}|{{println 1 "a"}}', '1 2ab3|1 a\n'],
  ['print map and slice', '{{print .Map}} {{print .List}}', 'map[a:1 b:2 c:3] [a b c]'],
  ['html', '{{html "<a href=\\"x\\">&\'"}}', '&lt;a href=&#34;x&#34;&gt;&amp;&#39;'],
  ['js', '{{js "it\'s <b>=\\n"}}', "it\\'s \\u003Cb\\u003E\\u003D\\u000A"],
  ['urlquery', '{{urlquery "a b&c=d/é"}}', 'a+b%26c%3Dd%2F%C3%A9'],
  ['call', '{{call .Fn 7}}', 'called:7'],
  ['printf in pipeline position', '{{3.14159 | printf "%.2f"}}', '3.14'],
  ['time method', '{{.T.Format "2006-01-02T15:04:05Z07:00"}}', '2024-03-05T06:07:08Z'],
  ['duration', '{{.D}}', '1h2m3.5s'],
];

describe('template engine', () => {
  const withTime = {
    ...data,
    T: new GoTime(Date.UTC(2024, 2, 5, 6, 7, 8)),
    D: new GoDuration(3723.5e9),
  };
  for (const [desc, text, want] of OK) {
    it(desc, async () => {
      assert.equal(await expandTemplate('test', text, withTime, { funcs: {} }), want);
    });
  }

  it('missingkey=zero prints the empty string and passes "" to functions', async () => {
    const out = await expandTemplate(
      't',
      '[{{.nope}}][{{printf "%q" .nope}}]',
      {},
      { missingKey: 'zero' },
    );
    assert.equal(out, '[][""]');
  });

  it('missingkey=error fails naming the key', async () => {
    await assert.rejects(
      expandTemplate('t', '{{.nope}}', {}, { missingKey: 'error' }),
      /template: t:1:2: executing "t" at <.nope>: map has no entry for key "nope"/,
    );
  });

  it('pre-declared variables come from values', async () => {
    const out = await expandTemplate('t', '{{$labels.instance}} {{$value}}', null, {
      values: { labels: { instance: 'host:9100' }, value: 0.5 },
    });
    assert.equal(out, 'host:9100 0.5');
  });

  it('TemplateSet holds associated templates across parses', async () => {
    const set = new TemplateSet();
    set.parse('lib', '{{define "greet"}}hi {{.}}{{end}}');
    set.parse('main', '{{template "greet" "bob"}}');
    assert.equal(set.has('greet'), true);
    assert.deepEqual(set.names(), ['greet', 'lib', 'main']);
    assert.equal(await set.execute('main', null), 'hi bob');
    // An empty redefinition does not replace a body (Go's rule).
    set.parse('lib2', '{{define "greet"}}  {{end}}');
    assert.equal(await set.execute('main', null), 'hi bob');
    set.parse('lib3', '{{define "greet"}}bye {{.}}{{end}}');
    assert.equal(await set.execute('main', null), 'bye bob');
  });

  it('functions may be async and see the set through this.execute', async () => {
    const set = new TemplateSet({
      funcs: {
        later: (x: unknown) => Promise.resolve(`L${String(x)}`),
        render: async function (this, name: unknown) {
          return `(${await this.execute(String(name), 'd')})`;
        },
      },
    });
    set.parse('m', '{{define "x"}}x={{.}}{{end}}{{later 1 | printf "%s!"}} {{render "x"}}');
    assert.equal(await set.execute('m', null), 'L1! (x=d)');
  });

  it('user functions override builtins', async () => {
    assert.equal(
      await expandTemplate('t', '{{len "abc"}}', null, { funcs: { len: () => 'mine' } }),
      'mine',
    );
  });

  it('text without {{ is returned as is', async () => {
    assert.equal(await expandTemplate('t', 'just {text}', null), 'just {text}');
  });
});

// [template, error message fragment]
const PARSE_ERRORS: [string, string][] = [
  ['{{', 'template: t:1:2: unclosed action'],
  ['{{ .A }', 'unrecognized character in action: U+007D'],
  ['{{if true}}', 'template: t:1:11: unexpected EOF'],
  ['{{end}}', 'template: t:1:2: unexpected {{end}}'],
  ['{{else}}', 'unexpected {{else}}'],
  ['a\n{{ nofunc 1 }}', 'template: t:2:3: function "nofunc" not defined'],
  ['{{ $x }}', 'template: t:1:3: undefined variable "$x"'],
  ['{{ $x = 1 }}', 'undefined variable "$x"'],
  ['{{ "unterminated }}', 'unterminated quoted string'],
  ['{{ 1 | 2 }}', 'non executable command in pipeline stage 2'],
  ['{{ break }}', '{{break}} outside {{range}}'],
  ['{{ ( 1 }}', 'unclosed left paren'],
  ['{{ 1 ) }}', 'unexpected right paren'],
  ['{{ 3x }}', 'bad number syntax'],
  ['{{ define "a" }}', 'unexpected EOF'],
  ['{{ if true }}{{ define "a" }}{{ end }}{{ end }}', 'unexpected <define> in command'],
  ['{{ template 1 }}', 'unexpected "1" in template clause'],
  ['{{ "\\q" }}', 'invalid syntax'],
  ['{{/* open', 'unclosed comment'],
  ['{{ # }}', 'unrecognized character in action: U+0023'],
  ['{{\u00a0}}', 'unrecognized character in action: U+00A0'],
  ['{{ .A.B.C | }}', 'empty command'],
  ['{{ }}', 'missing value for command'],
  ['{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}', 'multiple definition of template "a"'],
  [
    '{{' + '('.repeat(100_000) + '1' + ')'.repeat(100_000) + '}}',
    'exceeded maximum nesting depth 500',
  ],
  ['{{if 1}}'.repeat(100_000), 'exceeded maximum nesting depth 500'],
];

describe('template parse errors', () => {
  for (const [text, want] of PARSE_ERRORS) {
    it(JSON.stringify(text).slice(0, 60), () => {
      assert.throws(
        () => new TemplateSet().parse('t', text),
        (err: unknown) => err instanceof TemplateParseError && err.message.includes(want),
        `want ${want}`,
      );
    });
  }
});

const EXEC_ERRORS: [string, unknown, string][] = [
  [
    '{{ .A.B }}',
    { A: 'str' },
    'template: t:1:3: executing "t" at <.A.B>: can\'t evaluate field B in type string',
  ],
  ['{{ .Server.Nope }}', data, "can't evaluate field Nope in type Server"],
  ['{{ index .List 9 }}', data, 'error calling index: index out of range: 9'],
  ['{{ template "missing" }}', null, 'no template "missing"'],
  ['{{ range 1.5 }}{{ end }}', null, "range can't iterate over 1.5"],
  ['{{ lt "a" 1 }}', null, 'error calling lt: incompatible types for comparison'],
  ['{{ len 3 }}', null, 'error calling len: len of type int'],
  ['{{ nil }}', null, 'nil is not a command'],
  ['{{ "x" 1 }}', null, "can't give argument to non-function"],
  ['{{ .Map.a 1 }}', data, 'a is not a method but has arguments'],
  ['{{ call .Name }}', data, 'error calling call: non-function of type string'],
  ['line1\n  {{ .A.B }}', { A: 1 }, 'template: t:2:5:'],
];

describe('template exec errors', () => {
  for (const [text, d, want] of EXEC_ERRORS) {
    it(JSON.stringify(text).slice(0, 60), async () => {
      await assert.rejects(
        expandTemplate('t', text, d),
        (err: unknown) => err instanceof TemplateExecError && err.message.includes(want),
        `want ${want}`,
      );
    });
  }
});

describe('template limits', () => {
  it('infinite recursion hits maxDepth', async () => {
    const set = new TemplateSet({ limits: { maxDepth: 50 } });
    set.parse('t', '{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}');
    await assert.rejects(set.execute('t', null), /maxDepth/);
  });

  it('exponential templates hit maxSteps', async () => {
    const set = new TemplateSet({ limits: { maxSteps: 10_000 } });
    set.parse('t', '{{range 1000}}{{range 1000}}{{.}}{{end}}{{end}}');
    await assert.rejects(
      set.execute('t', null),
      (e: unknown) => e instanceof TemplateExecError && /maxSteps/.test(e.message),
    );
  });

  it('large output hits maxOutputBytes', async () => {
    const set = new TemplateSet({ limits: { maxOutputBytes: 1000 } });
    set.parse('t', '{{range 100}}0123456789abcdef{{end}}');
    await assert.rejects(set.execute('t', null), /maxOutputBytes/);
  });

  it('deep recursion with the default limits fails cleanly, not with a stack overflow', async () => {
    const set = new TemplateSet();
    set.parse('t', '{{define "r"}}x{{template "r" .}}{{end}}{{template "r" .}}');
    await assert.rejects(set.execute('t', null), /maxDepth/);
  });
});
