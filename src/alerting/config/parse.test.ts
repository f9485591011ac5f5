import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { ConfigError } from '../../config/index.js';
import { parseAlertmanagerConfig } from './parse.js';
import { Secret } from './secret.js';

const parse = (yaml: string) =>
  parseAlertmanagerConfig(yaml, { baseDir: '/etc/am', file: 'am.yml' });

function problems(yaml: string): string[] {
  try {
    parse(yaml);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  return assert.fail('expected the config to be rejected');
}

const R = 'route: { receiver: r }\n';

describe('parseAlertmanagerConfig: semantic errors', () => {
  // [yaml, one of the problems, as "path: message"]
  const bad: [string, string][] = [
    ['receivers: []', 'route: no routes provided'],
    [
      'route: { group_by: [a] }\nreceivers: []',
      'route.receiver: root route must specify a default receiver',
    ],
    [
      'route: { receiver: x }\nreceivers: []',
      'route.receiver: undefined receiver "x" used in route',
    ],
    [
      R + 'receivers: [{ name: r }, { name: r }]',
      'receivers[1].name: notification config name "r" is not unique',
    ],
    [
      'route: { receiver: r, matchers: [a="b"] }\nreceivers: [{ name: r }]',
      'route: root route must not have any matchers',
    ],
    [
      'route: { receiver: r, mute_time_intervals: [x] }\nreceivers: [{ name: r }]',
      'route: root route must not have any mute time intervals',
    ],
    [
      'route: { receiver: r, active_time_intervals: [x] }\nreceivers: [{ name: r }]',
      'route: root route must not have any active time intervals',
    ],
    [
      'route: { receiver: r, routes: [{ mute_time_intervals: [nope] }] }\nreceivers: [{ name: r }]',
      'route.routes[0].mute_time_intervals: undefined time interval "nope" used in route',
    ],
    [
      'route: { receiver: r, group_by: [a, a] }\nreceivers: [{ name: r }]',
      'route.group_by: duplicated label "a" in group_by',
    ],
    [
      'route: { receiver: r, group_by: ["...", a] }\nreceivers: [{ name: r }]',
      'route.group_by: cannot have wildcard group_by (`...`) and other other labels at the same time',
    ],
    [
      'route: { receiver: r, group_by: ["a-b"] }\nreceivers: [{ name: r }]',
      'route.group_by: invalid label name "a-b" in group_by list',
    ],
    [
      'route: { receiver: r, group_interval: 0s }\nreceivers: [{ name: r }]',
      'route.group_interval: group_interval cannot be zero',
    ],
    [
      'route: { receiver: r, repeat_interval: 0 }\nreceivers: [{ name: r }]',
      'route.repeat_interval: repeat_interval cannot be zero',
    ],
    [
      'route: { receiver: r, routes: [{ escalation_policy: p }] }\nreceivers: [{ name: r }]',
      'route.routes[0].escalation_policy: undefined escalation policy "p" used in route',
    ],
    [
      'route: { receiver: r, fallback_receiver: z }\nreceivers: [{ name: r }]',
      'route.fallback_receiver: undefined receiver "z" used in route',
    ],
    [
      R + 'receivers: [{ name: r }]\nescalation_policies: [{ name: p, levels: [{ receiver: q }] }]',
      'escalation_policies[0].levels[0].receiver: undefined receiver "q" used in escalation policy "p"',
    ],
    [
      R +
        'receivers: [{ name: r }]\nescalation_policies: [{ name: p, levels: [{ receiver: r }] }, { name: p, levels: [{ receiver: r }] }]',
      'escalation_policies[1].name: escalation policy "p" is not unique',
    ],
    [
      R + 'receivers: [{ name: r }]\ntime_intervals: [{ name: t }, { name: t }]',
      'time_intervals[1].name: time interval "t" is not unique',
    ],
    [
      R +
        'receivers: [{ name: r }]\nmute_time_intervals: [{ name: t }]\ntime_intervals: [{ name: t }]',
      'time_intervals[0].name: time interval "t" is not unique',
    ],
    [
      R + 'receivers: [{ name: r }]\ninhibit_rules: [{ equal: ["a b"] }]',
      'inhibit_rules[0].equal: invalid label name "a b" in equal list',
    ],
    [
      R + 'receivers: [{ name: r, email_configs: [{ to: a@b }] }]',
      'receivers[0].email_configs[0]: no global SMTP smarthost set',
    ],
    [
      R + 'receivers: [{ name: r, email_configs: [{ to: a@b, smarthost: "h:25" }] }]',
      'receivers[0].email_configs[0]: no global SMTP from set',
    ],
    [
      R + 'receivers: [{ name: r, email_configs: [{ from: x, smarthost: h }] }]',
      'receivers[0].email_configs[0]: missing to address in email config',
    ],
    [
      R + 'receivers: [{ name: r, email_configs: [{ to: a, from: x, smarthost: h }] }]',
      'receivers[0].email_configs[0]: address h: missing port in address',
    ],
    [
      R + 'receivers: [{ name: r, webhook_configs: [{}] }]',
      'receivers[0].webhook_configs[0]: one of url or url_file must be configured',
    ],
    [
      R + 'receivers: [{ name: r, webhook_configs: [{ url: "http://a/", url_file: f }] }]',
      'receivers[0].webhook_configs[0]: at most one of url & url_file must be configured',
    ],
    [
      R +
        'receivers: [{ name: r, webhook_configs: [{ url: "http://a/", signing_secret: s, signing_secret_file: f }] }]',
      'receivers[0].webhook_configs[0]: at most one of signing_secret & signing_secret_file must be configured',
    ],
    [
      R + 'receivers: [{ name: r, pagerduty_configs: [{}] }]',
      'receivers[0].pagerduty_configs[0]: missing service or routing key in PagerDuty config',
    ],
    [
      R + 'receivers: [{ name: r, msteamsv2_configs: [{}] }]',
      'receivers[0].msteamsv2_configs[0]: one of webhook_url or webhook_url_file must be configured',
    ],
    [
      R + 'receivers: [{ name: r, telegram_configs: [{ bot_token: t }] }]',
      'receivers[0].telegram_configs[0]: missing chat_id on telegram_config',
    ],
    [
      R +
        'receivers: [{ name: r, telegram_configs: [{ bot_token: t, chat_id: 1, parse_mode: x }] }]',
      'receivers[0].telegram_configs[0]: unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string',
    ],
    [
      R + 'receivers: [{ name: r, slack_configs: [{ api_url: "http://a/", app_token: t }] }]',
      'receivers[0].slack_configs[0]: at most one of api_url/api_url_file & app_token/app_token_file must be configured',
    ],
    [
      R + 'receivers: [{ name: r, victorops_configs: [{ api_key: k }] }]',
      'receivers[0].victorops_configs[0]: missing Routing key in VictorOps config',
    ],
    [
      R + 'receivers: [{ name: r, pushover_configs: [{ token: t }] }]',
      'receivers[0].pushover_configs[0]: one of user_key or user_key_file must be configured',
    ],
    [
      R + 'receivers: [{ name: r, webex_configs: [{ room_id: x }] }]',
      'receivers[0].webex_configs[0]: missing webex_configs.http_config.authorization',
    ],
    [
      R + 'receivers: [{ name: r, discord_configs: [{}] }]',
      'receivers[0].discord_configs[0]: one of webhook_url or webhook_url_file must be configured',
    ],
    [
      R + 'receivers: [{ name: r, jira_configs: [{ project: p, issue_type: Bug }] }]',
      'receivers[0].jira_configs[0]: no global Jira Cloud URL set',
    ],
    [
      R + 'receivers: [{ name: r, wechat_configs: [{ api_secret: s }] }]',
      'receivers[0].wechat_configs[0]: no global Wechat CorpID set',
    ],
    [
      R +
        'receivers: [{ name: r, opsgenie_configs: [{ api_key: k, responders: [{ type: team }] }] }]',
      'receivers[0].opsgenie_configs[0]: opsGenieConfig responder has to have at least one of id, username or name specified',
    ],
    [
      R + 'receivers: [{ name: r, rocketchat_configs: [{ token: t }] }]',
      'receivers[0].rocketchat_configs[0]: no global Rocketchat TokenID set either inline or in a file',
    ],
  ];
  for (const [yaml, want] of bad)
    it(want, () => assert.ok(problems(yaml).includes(want), problems(yaml).join('\n')));

  it('structural errors keep positions and name the key', () => {
    assert.throws(
      () => parse(R + 'receivers: [{ name: r }]\nroute_typo: 1'),
      /am\.yml:3:1: unknown key "route_typo"/,
    );
    assert.throws(
      () => parse('route: { receiver: r, matchers: [a=~"("] }\nreceivers: [{ name: r }]'),
      /route\.matchers\[0\]: cannot parse matchers/,
    );
    assert.throws(
      () =>
        parse(
          R +
            'receivers: [{ name: r }]\ntime_intervals: [{ name: t, time_intervals: [{ weekdays: [x] }] }]',
        ),
      /weekdays: "x" is not a valid weekday/,
    );
    assert.throws(
      () => parse(R + 'receivers: [{ name: r, webhook_configs: [{ url: "ftp://tok@x/" }] }]'),
      /unsupported scheme "ftp" for URL/,
    );
  });
});

describe('parseAlertmanagerConfig: results', () => {
  it('applies defaults, inherits globals, resolves templates, wraps secrets', () => {
    const { config, warnings } = parse(`
global:
  smtp_smarthost: mail:25
  smtp_from: am@x
  smtp_auth_password: hunter2
  http_config: { follow_redirects: false }
templates: [tmpl/*.tmpl, /abs/*.tmpl]
route: { receiver: r }
receivers:
- name: r
  email_configs: [{ to: a@x }]
  webhook_configs: [{ url: "http://hook/?token=abc" }]
  sns_configs: [{ topic_arn: arn }]
`);
    assert.equal(config.global.resolve_timeout, 300_000);
    const e = config.receivers[0].email_configs![0];
    assert.equal(e.smarthost, 'mail:25');
    assert.equal(e.from, 'am@x');
    assert.equal(e.hello, 'localhost');
    assert.equal(e.require_tls, true);
    assert.equal(e.auth_password?.reveal(), 'hunter2');
    const w = config.receivers[0].webhook_configs![0];
    assert.equal(w.send_resolved, true);
    assert.equal(w.http_config?.follow_redirects, false);
    assert.deepEqual(config.templates, ['/etc/am/tmpl/*.tmpl', '/abs/*.tmpl']);
    assert.deepEqual(warnings, [
      'receiver "r": sns is not implemented by Argus yet; alerts routed only here go to the fallback receiver',
    ]);
    const json = JSON.stringify(config);
    assert.ok(!json.includes('hunter2') && !json.includes('token=abc'), json);
    assert.ok(!inspect(config, { depth: 10 }).includes('hunter2'));
    assert.ok(w.url instanceof Secret);
    assert.equal(String(w.url), '<secret>');
    assert.equal(w.url.reveal(), 'http://hook/?token=abc');
  });

  it('accepts the decoded object (inline argus.yml section), errors without positions', () => {
    const { config } = parseAlertmanagerConfig(
      {
        route: { receiver: 'r', routes: [{ match: { a: 'b' }, match_re: { c: 'd|e' } }] },
        receivers: [{ name: 'r' }],
        time_intervals: [{ name: 'w', time_intervals: [{ weekdays: ['monday'] }] }],
      },
      { baseDir: '/' },
    );
    assert.equal(config.route.routes![0].match_re![0].matches('e'), true);
    assert.equal(config.intervals.get('w')!.length, 1);
    assert.throws(
      () =>
        parseAlertmanagerConfig(
          { route: { receiver: 'r' }, receivers: [{ name: 'r' }], bogus: 1 },
          { baseDir: '/' },
        ),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems[0].line === undefined &&
        err.message === 'alertmanager: unknown key "bogus"',
    );
  });
});
