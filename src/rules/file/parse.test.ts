import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RuleFileError } from '../errors.js';
import { globFiles } from './glob.js';
import { loadRuleFiles } from './load.js';
import { parseRuleFile } from './parse.js';

const CORPUS = '/work/shared/conformance/rules';
const haveCorpus = existsSync(CORPUS);
const skip = haveCorpus ? false : `conformance corpus absent at ${CORPUS}`;

describe('rule files: Prometheus rulefmt fixtures (EXPECTED.tsv)', { skip }, () => {
  const dir = join(CORPUS, 'prometheus-rulefmt');
  const rows = haveCorpus
    ? readFileSync(join(dir, 'EXPECTED.tsv'), 'utf8')
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => l.split('\t'))
    : [];
  for (const [file, validation, expected, substr] of rows) {
    it(`${file}: ${expected}`, () => {
      const r = parseRuleFile(readFileSync(join(dir, file), 'utf8'), file, {
        nameValidation: validation === 'legacy' ? 'legacy' : 'utf8',
      });
      if (expected === 'valid') {
        assert.deepEqual(r.errors, []);
        assert.ok(r.groups.length > 0);
      } else {
        assert.equal(r.groups.length, 0);
        assert.ok(
          r.errors.some((e) => e.includes(substr)),
          `want an error containing ${JSON.stringify(substr)}, got ${JSON.stringify(r.errors)}`,
        );
      }
    });
  }
  it('test_aliases.yaml resolves anchors, aliases and merge keys', () => {
    const r = parseRuleFile(readFileSync(join(dir, 'test_aliases.yaml'), 'utf8'), 'a.yaml');
    const rules = r.groups[0].rules;
    assert.deepEqual(
      rules.map((x) => [x.kind, x.name, x.labels.severity ?? '']),
      [
        ['alerting', 'HighAlert', 'critical'],
        ['recording', 'new_metric', ''],
        ['alerting', 'HighAlert', 'critical'],
        ['alerting', 'HighAlert2', 'critical'],
      ],
    );
    assert.ok(rules.every((x) => x.expr === rules[0].expr && x.expr.includes('rate(errors_total')));
    const a = rules[3];
    assert.equal(a.kind === 'alerting' && a.forMs, 300_000);
  });
});

describe('rule files: real-world corpora load', { skip }, () => {
  const sets: [string, string][] = [
    ['awesome-prometheus-alerts/**/*.yml', 'awesome-prometheus-alerts'],
    ['kube-prometheus/extracted/*.yaml', 'kube-prometheus'],
    ['prometheus-rule-fixtures/*.yaml', 'prometheus-rule-fixtures'],
  ];
  for (const [pattern, name] of sets) {
    it(name, () => {
      const files = globFiles(pattern, CORPUS).filter((f) => !f.endsWith('invalid_rules.yaml'));
      assert.ok(files.length >= 6, `found ${files.length} files`);
      const r = loadRuleFiles(files, '/');
      assert.ok(r.groups.length >= files.length);
    });
  }
  it('counts 190 alerting rules in awesome-prometheus-alerts', () => {
    const r = loadRuleFiles(['awesome-prometheus-alerts/**/*.yml'], CORPUS);
    assert.equal(r.groups.flatMap((g) => g.rules).filter((x) => x.kind === 'alerting').length, 190);
  });
  it('invalid_rules.yaml fails with the unknown field', () => {
    assert.throws(
      () => loadRuleFiles(['prometheus-rule-fixtures/invalid_rules.yaml'], CORPUS),
      (e: unknown) =>
        e instanceof RuleFileError &&
        /line 6: field unexpected_field not found in type rulefmt.Rule/.test(e.message),
    );
  });
  it('rules_multi_doc.yaml: the first document only, with a warning', () => {
    const r = loadRuleFiles(['prometheus-rule-fixtures/rules_multi_doc.yaml'], CORPUS);
    assert.deepEqual(
      r.groups.map((g) => g.name),
      ['multi_doc'],
    );
    assert.match(r.warnings[0], /only the first YAML document is read/);
  });
});

describe('rule files: fields and errors', () => {
  const parse = (text: string) => parseRuleFile(text, 'f.yml');
  it('reads group fields', () => {
    const r = parse(
      [
        'groups:',
        '  - name: g',
        '    interval: 30s',
        '    query_offset: 1m',
        '    limit: 10',
        '    labels: {team: a}',
        '    rules:',
        '      - alert: A',
        '        expr: up == 0',
        '        for: 5m',
        '        keep_firing_for: 2m',
        '        labels: {severity: 1}',
        '        annotations: {summary: "x"}',
      ].join('\n'),
    );
    assert.deepEqual(r.errors, []);
    const g = r.groups[0];
    assert.deepEqual(
      [g.intervalMs, g.queryOffsetMs, g.limit, g.labels, g.pos],
      [30_000, 60_000, 10, { team: 'a' }, { line: 2, column: 5 }],
    );
    assert.deepEqual(g.rules[0], {
      kind: 'alerting',
      name: 'A',
      expr: 'up == 0',
      labels: { severity: '1' },
      pos: { line: 8, column: 9 },
      forMs: 300_000,
      keepFiringForMs: 120_000,
      annotations: { summary: 'x' },
    });
  });
  const bad: [string, string, RegExp][] = [
    [
      'unknown group field',
      'groups:\n  - name: g\n    intervl: 1m\n',
      /line 3: field intervl not found in type rulefmt.RuleGroup/,
    ],
    [
      'unknown top-level field',
      'group: []\n',
      /line 1: field group not found in type rulefmt.RuleGroups/,
    ],
    [
      'bad duration',
      'groups:\n  - name: g\n    interval: 5 minutes\n',
      /not a valid duration string: "5 minutes"/,
    ],
    [
      'bad limit',
      'groups:\n  - name: g\n    limit: many\n',
      /cannot unmarshal !!str `many` into int/,
    ],
    ['empty group name', 'groups:\n  - rules: []\n', /2:5: Groupname must not be empty/],
    ['yaml syntax', 'groups: [\n', /yaml: line/],
    ['groups not a list', 'groups: x\n', /cannot unmarshal !!str into \[\]rulefmt.RuleGroup/],
    [
      'labels not a map',
      'groups:\n  - name: g\n    labels: [a]\n',
      /cannot unmarshal !!seq into map/,
    ],
    [
      'bad group label',
      'groups:\n  - name: g\n    labels: {__name__: x}\n',
      /invalid label name: __name__/,
    ],
    [
      'annotations on a recording rule',
      'groups:\n  - name: g\n    rules:\n      - record: r\n        expr: "1"\n        annotations: {a: b}\n',
      /4:17: group "g", rule 1, "r": invalid field 'annotations' in recording rule/,
    ],
    [
      'legacy record name',
      'groups:\n  - name: g\n    rules:\n      - record: a-b\n        expr: "1"\n',
      /invalid recording rule name: a-b/,
    ],
  ];
  for (const [name, text, want] of bad) {
    it(`rejects: ${name}`, () => {
      const r = parseRuleFile(text, 'f.yml', {
        nameValidation: name.startsWith('legacy') ? 'legacy' : 'utf8',
      });
      assert.equal(r.groups.length, 0);
      assert.ok(
        r.errors.some((e) => e.startsWith('f.yml: ') && want.test(e)),
        JSON.stringify(r.errors),
      );
    });
  }
  it('accepts an empty file and ignores unknown fields when asked', () => {
    assert.deepEqual(parse(''), { groups: [], errors: [], warnings: [] });
    const r = parseRuleFile('groups:\n  - name: g\n    x: 1\n', 'f', { ignoreUnknownFields: true });
    assert.deepEqual(r.errors, []);
  });
  it('reports template errors from the checker', () => {
    const r = parseRuleFile(
      'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: "1"\n        annotations: {s: "{{"}\n',
      'f',
      {
        checkTemplate: (name, text) =>
          text.endsWith('{{') ? `template: __alert_${name}:1: unclosed action` : null,
      },
    );
    assert.deepEqual(r.errors, [
      'f: group "g", rule 1, "A": annotation "s": template: __alert_A:1: unclosed action',
    ]);
  });
});

describe('rule files: globs', () => {
  it('matches *, ?, [] and ** like filepath.Glob (plus **)', () => {
    const d = mkdtempSync(join(tmpdir(), 'argus-rules-'));
    try {
      mkdirSync(join(d, 'a/b'), { recursive: true });
      for (const f of ['x1.yml', 'x2.yaml', 'a/y.yml', 'a/b/z.yml']) writeFileSync(join(d, f), '');
      assert.deepEqual(globFiles('*.yml', d), [join(d, 'x1.yml')]);
      assert.deepEqual(globFiles('x?.y*', d), [join(d, 'x1.yml'), join(d, 'x2.yaml')]);
      assert.deepEqual(globFiles('x[!1].yaml', d), [join(d, 'x2.yaml')]);
      assert.deepEqual(globFiles('**/*.yml', d), [
        join(d, 'a/b/z.yml'),
        join(d, 'a/y.yml'),
        join(d, 'x1.yml'),
      ]);
      assert.deepEqual(globFiles('a/y.yml', d), [join(d, 'a/y.yml')]);
      assert.deepEqual(globFiles('nope/*.yml', d), []);
      assert.throws(() => loadRuleFiles(['[abc'], d), RuleFileError);
      writeFileSync(join(d, 'bad.yml'), 'groups: [');
      assert.throws(() => loadRuleFiles(['bad.yml', 'x1.yml'], d), /bad.yml: yaml: line/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('rule files: another expression language (log rule files)', () => {
  const yaml = 'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: \'{a="b"} |= "x"\'\n';

  it('marks groups with lang and checks exprs with the injected checker, not PromQL', () => {
    const seen: string[] = [];
    const ok = parseRuleFile(yaml, 'f', {
      lang: 'logql',
      checkExpr: (e) => (seen.push(e), null),
    });
    assert.deepEqual(ok.errors, []);
    assert.equal(ok.groups[0].lang, 'logql');
    assert.deepEqual(seen, ['{a="b"} |= "x"']);
    const bad = parseRuleFile(yaml, 'f', { lang: 'logql', checkExpr: () => 'nope' });
    assert.deepEqual(bad.errors, ['f: 5:11: group "g", rule 1, "A": nope']);
    // Without a checker a logql file's exprs are not parsed as PromQL.
    assert.deepEqual(parseRuleFile(yaml, 'f', { lang: 'logql' }).errors, []);
    // PromQL files are unmarked (and refuse the LogQL expression).
    const prom = parseRuleFile(yaml, 'f');
    assert.match(prom.errors[0], /^f: 5:11: group "g", rule 1, "A": could not parse expression/);
    const plain = parseRuleFile('groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n', 'f');
    assert.equal('lang' in plain.groups[0], false);
  });
});
