import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ConfigError, parseConfigText } from '../config/index.js';
import { checkRelabelConfig, relabelConfigSchema } from './config.js';
import { RelabelConfigError } from './regex.js';
import { compileRelabel } from './relabel.js';

const schema = z.object({ relabel_configs: z.array(relabelConfigSchema) }).strict();

function load(yaml: string): z.output<typeof schema> {
  return parseConfigText(yaml, 'argus.yml', schema);
}

/** [rule body (YAML under `- `), exact error]. Messages include file:line:col and key path. */
const BAD: [string, string][] = [
  [
    'action: foo',
    'argus.yml:2:5: relabel_configs[0].action: expected one of "replace", "keep", "drop", "keepequal", "dropequal", "hashmod", "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase", got "foo"',
  ],
  [
    'action: hashmod\n    target_label: x',
    'argus.yml:2:5: relabel_configs[0].modulus: action "hashmod" requires a modulus (a positive integer), got nothing',
  ],
  [
    'action: hashmod\n    target_label: x\n    modulus: 0',
    'argus.yml:4:5: relabel_configs[0].modulus: action "hashmod" requires a modulus (a positive integer), got 0',
  ],
  [
    'action: hashmod\n    target_label: x\n    modulus: 1.5',
    'argus.yml:4:5: relabel_configs[0].modulus: expected an integer, got 1.5',
  ],
  [
    'source_labels: [a]',
    'argus.yml:2:5: relabel_configs[0].target_label: action "replace" requires target_label',
  ],
  [
    'action: hashmod\n    modulus: 2',
    'argus.yml:2:5: relabel_configs[0].target_label: action "hashmod" requires target_label',
  ],
  [
    'action: lowercase\n    target_label: ""',
    'argus.yml:3:5: relabel_configs[0].target_label: action "lowercase" requires target_label',
  ],
  [
    'action: keepequal\n    source_labels: [a]',
    'argus.yml:2:5: relabel_configs[0].target_label: action "keepequal" requires target_label',
  ],
  [
    'action: uppercase\n    target_label: a\n    replacement: x',
    'argus.yml:4:5: relabel_configs[0].replacement: action "uppercase" does not take replacement, got "x"',
  ],
  [
    'action: labelmap\n    replacement: ""',
    'argus.yml:3:5: relabel_configs[0].replacement: expected a label name (may use $1-style references) for action "labelmap", got ""',
  ],
  [
    'action: keepequal\n    target_label: a\n    regex: a.*',
    'argus.yml:4:5: relabel_configs[0].regex: action "keepequal" takes only source_labels and target_label, got regex "a.*"',
  ],
  [
    'action: dropequal\n    target_label: a\n    separator: ","',
    'argus.yml:4:5: relabel_configs[0].separator: action "dropequal" takes only source_labels and target_label, got separator ","',
  ],
  [
    'action: dropequal\n    target_label: a\n    modulus: 3',
    'argus.yml:4:5: relabel_configs[0].modulus: action "dropequal" takes only source_labels and target_label, got modulus 3',
  ],
  [
    'action: labeldrop\n    regex: a\n    source_labels: [x]',
    'argus.yml:4:5: relabel_configs[0].source_labels: action "labeldrop" takes only regex, got source_labels ["x"]',
  ],
  [
    'action: labelkeep\n    regex: a\n    target_label: x',
    'argus.yml:4:5: relabel_configs[0].target_label: action "labelkeep" takes only regex, got target_label "x"',
  ],
  [
    'action: labelkeep\n    replacement: y',
    'argus.yml:3:5: relabel_configs[0].replacement: action "labelkeep" takes only regex, got replacement "y"',
  ],
  [
    'action: labeldrop\n    separator: ","',
    'argus.yml:3:5: relabel_configs[0].separator: action "labeldrop" takes only regex, got separator ","',
  ],
  [
    'source_labels: [a]\n    target_label: b\n    regex: "a(b"',
    'argus.yml:4:5: relabel_configs[0].regex: expected an RE2 regular expression, got "a(b" (missing closing ))',
  ],
  [
    'action: keep\n    source_labels: [a]\n    regex: "x(?=y)"',
    'argus.yml:4:5: relabel_configs[0].regex: expected an RE2 regular expression, got "x(?=y)" (invalid or unsupported Perl syntax)',
  ],
  [
    'source_labels: [""]\n    target_label: b',
    'argus.yml:2:21: relabel_configs[0].source_labels[0]: expected a label name, got ""',
  ],
  [
    'source_labels: [a]\n    target_label: b\n    regexp: x',
    'argus.yml:4:5: relabel_configs[0]: unknown key "regexp" (did you mean "regex"?)',
  ],
  [
    'source_labels: a\n    target_label: b',
    'argus.yml:2:5: relabel_configs[0].source_labels: expected a list, got "a"',
  ],
];

describe('relabelConfigSchema', () => {
  for (const [body, want] of BAD) {
    it(`rejects ${JSON.stringify(body)}`, () => {
      assert.throws(
        () => load(`relabel_configs:\n  - ${body}`),
        (err: unknown) => err instanceof ConfigError && err.message === want,
        want,
      );
    });
  }

  it("applies Prometheus's defaults", () => {
    const cfg = load(
      'relabel_configs:\n  - target_label: x\n  - action: hashmod\n    target_label: h\n    modulus: 8',
    );
    assert.deepEqual(cfg.relabel_configs[0], {
      source_labels: [],
      separator: ';',
      target_label: 'x',
      regex: '(.*)',
      modulus: 0,
      replacement: '$1',
      action: 'replace',
    });
    assert.equal(cfg.relabel_configs[1].action, 'hashmod');
    assert.equal(cfg.relabel_configs[1].modulus, 8);
  });

  it('keeps explicit empty separator and replacement, and reads `regex:` (null) as the empty regex', () => {
    const cfg = load(
      'relabel_configs:\n  - source_labels: [a]\n    separator: ""\n    replacement: ""\n    target_label: b\n    regex:',
    );
    assert.equal(cfg.relabel_configs[0].separator, '');
    assert.equal(cfg.relabel_configs[0].replacement, '');
    assert.equal(cfg.relabel_configs[0].regex, '');
  });

  it('accepts every action, in any case, with its minimal keys', () => {
    const cfg = load(`relabel_configs:
  - { target_label: a }
  - { action: KEEP, source_labels: [a] }
  - { action: drop, source_labels: [a] }
  - { action: keepequal, source_labels: [a], target_label: b }
  - { action: dropequal, source_labels: [a], target_label: b }
  - { action: hashmod, source_labels: [a], target_label: b, modulus: 2 }
  - { action: labelmap, regex: "x_(.*)" }
  - { action: labeldrop, regex: x }
  - { action: labelkeep, regex: x }
  - { action: LowerCase, source_labels: [a], target_label: b }
  - { action: uppercase, source_labels: [a], target_label: b, replacement: $1 }
`);
    assert.deepEqual(
      cfg.relabel_configs.map((r) => r.action),
      [
        'replace',
        'keep',
        'drop',
        'keepequal',
        'dropequal',
        'hashmod',
        'labelmap',
        'labeldrop',
        'labelkeep',
        'lowercase',
        'uppercase',
      ],
    );
  });

  it('accepts UTF-8 label names and $ references in target_label', () => {
    const cfg = load(
      'relabel_configs:\n  - source_labels: ["service.name"]\n    target_label: "ü.${1}"',
    );
    assert.equal(cfg.relabel_configs[0].target_label, 'ü.${1}');
  });
});

describe('checkRelabelConfig / compileRelabel', () => {
  it('applies defaults to a rule built in code', () => {
    assert.equal(checkRelabelConfig({ target_label: 'x' }).regex, '(.*)');
  });

  it('throws RelabelConfigError with the schema message for a bad rule built in code', () => {
    assert.throws(
      () => compileRelabel([{ action: 'hashmod', target_label: 'h' }]),
      (err: unknown) =>
        err instanceof RelabelConfigError &&
        err.message ===
          'cannot use relabel rule: modulus: action "hashmod" requires a modulus (a positive integer), got nothing',
    );
    assert.throws(
      () => compileRelabel([{ action: 'keep', regex: '[' }]),
      (err: unknown) =>
        err instanceof RelabelConfigError &&
        err.message ===
          'cannot use relabel rule: regex: expected an RE2 regular expression, got "[" (missing closing ])',
    );
  });
});
