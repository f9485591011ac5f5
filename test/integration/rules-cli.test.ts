import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runArgus, tempDir } from './helpers.js';

const RULES = `groups:
  - name: node
    rules:
      - record: instance:up:count
        expr: count by (instance) (up)
      - alert: InstanceDown
        expr: up == 0
        for: 5m
        labels: { severity: page }
        annotations:
          summary: "{{ $labels.instance }} is down"
`;

const TESTS = (value: string) => `rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'up{job="node", instance="a:9100"}'
        values: '1 1 0x10'
    alert_rule_test:
      - eval_time: 10m
        alertname: InstanceDown
        exp_alerts:
          - exp_labels: { severity: page, instance: "a:9100", job: node }
            exp_annotations: { summary: "a:9100 is down" }
    promql_expr_test:
      - expr: instance:up:count
        eval_time: 1m
        exp_samples:
          - labels: 'instance:up:count{instance="a:9100"}'
            value: ${value}
`;

describe('argus check rules / test rules', () => {
  it('checks rule files like promtool: counts rules, names problems with positions', async () => {
    const dir = await tempDir();
    const good = path.join(dir, 'rules.yml');
    await writeFile(good, RULES);
    const ok = await runArgus(['check', 'rules', good]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `Checking ${good}\n  SUCCESS: 2 rules found\n\n`);

    const bad = path.join(dir, 'bad.yml');
    await writeFile(bad, RULES.replace('up == 0', 'up =='));
    const worse = path.join(dir, 'worse.yml');
    await writeFile(worse, RULES.replace('for: 5m', 'for: 5 minutes'));
    const no = await runArgus(['check', 'rules', good, bad, worse]);
    assert.equal(no.code, 1);
    assert.match(no.stdout + no.stderr, /SUCCESS: 2 rules found/);
    assert.match(
      no.stderr,
      new RegExp(`${bad}: 7:15: group "node", rule 2, "InstanceDown": could not parse expression`),
    );
    assert.match(no.stderr, new RegExp(`${worse}: .*not a valid duration string: "5 minutes"`));

    const usage = await runArgus(['check', 'rules']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /missing rule FILE/);
  });

  it('runs promtool-format unit tests: passing exits 0, a wrong expectation exits 1 with got/want', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'rules.yml'), RULES);
    const pass = path.join(dir, 'pass.test.yml');
    await writeFile(pass, TESTS('1'));
    const ok = await runArgus(['test', 'rules', pass]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `Unit Testing:  ${pass}\n  SUCCESS\n\n`);

    const fail = path.join(dir, 'fail.test.yml');
    await writeFile(fail, TESTS('2'));
    const no = await runArgus(['test', 'rules', fail]);
    assert.equal(no.code, 1);
    assert.match(no.stderr, /exp: \{__name__="instance:up:count", instance="a:9100"\} 2E\+00/);
    assert.match(no.stderr, /got: \{__name__="instance:up:count", instance="a:9100"\} 1E\+00/);

    assert.equal((await runArgus(['test', 'config', fail])).code, 2);
    assert.match((await runArgus(['test', '--help'])).stdout, /promtool's format/);
  });

  it('argus check config also checks the rule files and the Alertmanager config it names', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'rules.yml'), RULES);
    const good = path.join(dir, 'argus.yml');
    await writeFile(
      good,
      'rule_files: [rules.yml]\nalertmanager:\n  route: { receiver: x }\n  receivers: [{ name: x, opsgenie_configs: [{ api_key: k }] }]\n',
    );
    const ok = await runArgus(['check', 'config', good]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^ {2}rule_files {19}1 file, 1 group \+ built-in self-monitoring$/m);
    assert.match(ok.stdout, /^ {2}alertmanager {17}.*\(alertmanager:\), 1 receiver$/m);
    assert.match(ok.stderr, /warning: receiver "x": opsgenie is not implemented by Argus yet/);

    const bad = path.join(dir, 'bad.yml');
    await writeFile(path.join(dir, 'broken.yml'), RULES.replace('up == 0', 'up =='));
    await writeFile(
      bad,
      'rule_files: [broken.yml]\nalertmanager: { route: { receiver: nope, group_wait: banana } }\n',
    );
    const no = await runArgus(['check', 'config', bad]);
    assert.equal(no.code, 1);
    assert.match(
      no.stderr,
      /broken\.yml: 7:15: group "node", rule 2, "InstanceDown": could not parse expression/,
    );
    assert.match(no.stderr, /alertmanager: .*route\.group_wait: expected a duration like 30s/);
    assert.match(no.stderr, /bad\.yml: FAILED \(2 problems\)/);
  });
});
