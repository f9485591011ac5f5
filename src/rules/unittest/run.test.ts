import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MemStore } from '../../storage/testing.js';
import { checkRuleFiles } from './check.js';
import { runRuleUnitTests } from './run.js';

const DIR = '/work/shared/conformance/rules/promtool-unittest';
const have = existsSync(DIR);
const opts = { newStore: () => new MemStore() };

describe(
  'promtool unit tests: corpus (EXPECTED.tsv)',
  { skip: have ? false : `corpus absent at ${DIR}` },
  () => {
    const rows = have
      ? readFileSync(join(DIR, 'EXPECTED.tsv'), 'utf8')
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('#'))
          .map((l) => l.split('\t'))
      : [];
    for (const [file, expected, needs] of rows) {
      const skip =
        needs === 'native-histograms' ? 'needs native histograms (not supported yet)' : false;
      it(`${file}: ${expected}`, { skip }, async () => {
        const r = await runRuleUnitTests([join(DIR, file)], opts);
        assert.equal(r.ok, expected === 'pass', r.report);
        assert.match(r.report, expected === 'pass' ? /\n {2}SUCCESS\n/ : /\n {2}FAILED:\n/);
      });
    }
    it('failing.yml reports got/want like promtool', async () => {
      const r = await runRuleUnitTests([join(DIR, 'failing.yml')], opts);
      assert.ok(
        r.report.includes(
          '    name: Failing test,\n    expr: "test", time: 0s,\n        exp: {__name__="test"} 1E+00\n        got: {__name__="test"} 0E+00',
        ),
        r.report,
      );
      assert.ok(
        r.report.includes(
          '    alertname: Test, time: 0s, \n        exp:[\n            0:\n              Labels:{alertname="Test"}',
        ),
        r.report,
      );
      assert.ok(
        r.report.includes(
          '    name: Failing alert test,\n    alertname: InstanceDown, time: 5m, \n        exp:[], \n        got:[\n',
        ),
        r.report,
      );
    });
    it('bad-rules-error-test.yml names the failing rule', async () => {
      const r = await runRuleUnitTests([join(DIR, 'bad-rules-error-test.yml')], opts);
      assert.match(r.report, /rule: joined, time: 0s, err: .*many-to-many/);
    });
    it('unittest.yml without its native-histogram series passes', async () => {
      const text = readFileSync(join(DIR, 'unittest.yml'), 'utf8');
      // Drop the histogram input series and their expectations (6 + 3 entries).
      const cut = text
        .replace(/ {6}- series: test_histogram\w*\n {8}values: .*\n/g, '')
        .replace(
          / {6}- expr: test_histogram\w*\n {8}eval_time: .*\n {8}exp_samples:\n {10}- labels: .*\n {12}histogram: .*\n/g,
          '',
        );
      assert.ok(!cut.includes('histogram'));
      const d = mkdtempSync(join(tmpdir(), 'argus-unittest-'));
      try {
        writeFileSync(join(d, 'rules.yml'), readFileSync(join(DIR, 'rules.yml')));
        writeFileSync(join(d, 'u.yml'), cut);
        const r = await runRuleUnitTests([join(d, 'u.yml')], opts);
        assert.equal(r.ok, true, r.report);
      } finally {
        rmSync(d, { recursive: true, force: true });
      }
    });
  },
);

describe('promtool check rules', () => {
  const RF = '/work/shared/conformance/rules';
  it(
    'reports rule counts, errors and duplicate rules like promtool',
    { skip: have ? false : 'corpus absent' },
    () => {
      const good = join(RF, 'prometheus-rule-fixtures/rules_multiple_groups.yaml');
      const bad = join(RF, 'prometheus-rulefmt/bad_expr.bad.yaml');
      const dup = join(RF, 'kube-prometheus/extracted/kubernetesControlPlane.rules.yaml');
      const r = checkRuleFiles([good, bad]);
      assert.equal(r.ok, false);
      assert.match(
        r.report,
        new RegExp(
          `^Checking ${good}\\n  SUCCESS: \\d+ rules found\\n\\nChecking ${bad}\\n  FAILED:\\n${bad}: 5:15: group "yolo"`,
        ),
      );
      const d = checkRuleFiles([dup]);
      assert.equal(d.ok, true, d.report);
      assert.match(
        d.report,
        /FAILED:\nlint error 1 duplicate rule\(s\) found\.\nMetric: \S+\nLabel\(s\):\n/,
      );
      assert.equal(checkRuleFiles(['/nonexistent.yml']).ok, false);
    },
  );
});
