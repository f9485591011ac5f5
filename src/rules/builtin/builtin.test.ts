import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MemStore } from '../../storage/testing.js';
import { checkRuleFiles } from '../unittest/check.js';
import { runRuleUnitTests } from '../unittest/run.js';
import { builtinRuleGroups } from './builtin.js';
import { BUILTIN_RULES_FILE, SELF_MONITORING_RULES, WATCHDOG } from './self-monitoring.js';

const TESTDATA = join(process.cwd(), 'src/rules/builtin/testdata');
const dir = mkdtempSync(join(tmpdir(), 'argus-builtin-rules-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// The unit test files name the group by file: write the embedded text next to them.
const rulesFile = join(dir, 'self-monitoring.rules.yml');
writeFileSync(rulesFile, SELF_MONITORING_RULES);

const ALERTS = [
  'Watchdog',
  'ArgusIngestionStalled',
  'ArgusWALErrors',
  'ArgusRuleEvaluationFailures',
  'ArgusNotificationsFailing',
  'ArgusDiskNearlyFull',
];

describe('built-in rules', () => {
  it('parse into one group, file <builtin>, interval 30s, every rule scoped to job="argus"', () => {
    const groups = builtinRuleGroups({ selfMetrics: true });
    assert.equal(groups.length, 1);
    const [g] = groups;
    assert.equal(g.name, 'argus-self-monitoring');
    assert.equal(g.file, BUILTIN_RULES_FILE);
    assert.equal(g.intervalMs, 30_000);
    assert.deepEqual(
      g.rules.map((r) => r.name),
      ALERTS,
    );
    for (const r of g.rules) {
      assert.equal(r.kind, 'alerting');
      assert.ok(r.labels.severity, `${r.name} has a severity`);
      if (r.kind !== 'alerting') continue;
      assert.ok(r.annotations.summary && r.annotations.description, `${r.name} annotations`);
      if (r.name !== WATCHDOG) assert.match(r.expr, /\{job="argus"\}/, r.name);
    }
    assert.equal(g.rules[0].expr, 'vector(1)');
    assert.equal(g.rules[0].labels.severity, 'none');
  });

  it('pass promtool check rules', () => {
    const r = checkRuleFiles([rulesFile]);
    assert.ok(r.ok, r.report);
    assert.match(r.report, /SUCCESS: 6 rules found/);
  });

  it('keep only the Watchdog without self metrics', () => {
    const [g] = builtinRuleGroups({ selfMetrics: false });
    assert.deepEqual(
      g.rules.map((r) => r.name),
      [WATCHDOG],
    );
    // The parsed group is shared: the filter does not change it.
    assert.equal(builtinRuleGroups({ selfMetrics: true })[0].rules.length, ALERTS.length);
  });

  it('pass their promtool unit tests (quiet when idle, each firing on its condition)', async () => {
    const test = join(dir, 'self-monitoring.test.yml');
    copyFileSync(join(TESTDATA, 'self-monitoring.test.yml'), test);
    const r = await runRuleUnitTests([test], { newStore: () => new MemStore() });
    assert.ok(r.ok, r.report);
  });
});
