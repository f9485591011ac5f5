import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseAlertmanagerConfig } from '../../alerting/index.js';
import { configYaml } from './config-yaml.js';

describe('configYaml', () => {
  it('writes durations, matchers and match maps back as YAML and hides secrets', () => {
    const { config } = parseAlertmanagerConfig(
      `
global:
  resolve_timeout: 10m
  smtp_auth_password: hunter2
route:
  receiver: a
  group_wait: 45s
  routes:
    - receiver: a
      match: {team: db}
      match_re: {env: prod|stage}
inhibit_rules:
  - source_match: {severity: critical}
    target_matchers: ['severity=~"warn.*"']
    equal: [cluster]
receivers:
  - name: a
    slack_configs:
      - api_url: https://hooks.slack.com/services/T0/B0/XYZ
        channel: '#ops'
`,
      { baseDir: '/' },
    );
    const text = configYaml(config);
    assert.doesNotMatch(text, /hunter2|XYZ/);
    const y = parse(text) as {
      global: Record<string, unknown>;
      route: { group_wait: string; routes: { match: unknown; match_re: unknown }[] };
      inhibit_rules: { source_match: unknown; target_matchers: unknown }[];
      receivers: { slack_configs: { api_url: string }[] }[];
    };
    assert.equal(y.global.resolve_timeout, '10m');
    assert.equal(y.global.smtp_auth_password, '<secret>');
    assert.equal(y.route.group_wait, '45s');
    assert.deepEqual(y.route.routes[0].match, { team: 'db' });
    assert.deepEqual(y.route.routes[0].match_re, { env: 'prod|stage' });
    assert.deepEqual(y.inhibit_rules[0].source_match, { severity: 'critical' });
    assert.deepEqual(y.inhibit_rules[0].target_matchers, ['severity=~"warn.*"']);
    assert.equal(y.receivers[0].slack_configs[0].api_url, '<secret>');
    assert.equal('intervals' in y, false);
  });
});
