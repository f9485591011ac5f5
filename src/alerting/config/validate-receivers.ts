import type { z } from 'zod';
import type { Problems } from './problems.js';
import {
  IMPLEMENTED,
  INTEGRATIONS,
  type IntegrationKey,
  type Receiver,
} from './receivers-schema.js';
import type { GlobalConfig } from './schema.js';
import { SLACK_POST_MESSAGE } from './validate-global.js';

type Cfg<K extends IntegrationKey> = z.output<(typeof INTEGRATIONS)[K]>;
type Check<K extends IntegrationKey> = (
  c: Cfg<K>,
  g: GlobalConfig,
  err: (m: string) => void,
) => void;

const set = (v: unknown): boolean => v !== undefined && v !== '';
const has = (s: { isEmpty(): boolean } | undefined): boolean => s !== undefined && !s.isEmpty();

/** `one of X or X_file` and `at most one of X & X_file` for a per-integration pair. */
function pair(
  inline: unknown,
  file: string | undefined,
  name: string,
  err: (m: string) => void,
  required: boolean,
): void {
  if (required && !set(inline) && !set(file))
    err(`one of ${name} or ${name}_file must be configured`);
  if (set(inline) && set(file)) err(`at most one of ${name} & ${name}_file must be configured`);
}

function withHttp(c: { http_config?: GlobalConfig['http_config'] }, g: GlobalConfig): void {
  c.http_config ??= g.http_config;
}

// Per integration: Alertmanager's checks and the `global` defaults it fills in (config.go),
// in its order, with its messages. The config objects are completed in place.
const CHECKS: { [K in IntegrationKey]: Check<K> } = {
  email_configs(c, g, err) {
    if (!set(c.to)) err('missing to address in email config');
    if (set(c.auth_password) && set(c.auth_password_file))
      err('at most one of auth_password & auth_password_file must be configured');
    if (!set(c.smarthost)) {
      if (!set(g.smtp_smarthost)) err('no global SMTP smarthost set');
      c.smarthost = g.smtp_smarthost;
    }
    if (set(c.smarthost) && !/^.*:[0-9a-zA-Z-]+$/.test(c.smarthost!))
      err(`address ${c.smarthost}: missing port in address`);
    if (!set(c.from)) {
      if (!set(g.smtp_from)) err('no global SMTP from set');
      c.from = g.smtp_from;
    }
    c.hello ??= g.smtp_hello;
    c.auth_username ??= g.smtp_auth_username;
    if (!has(c.auth_password) && !set(c.auth_password_file)) {
      c.auth_password = g.smtp_auth_password;
      c.auth_password_file = g.smtp_auth_password_file;
    }
    if (!has(c.auth_secret) && !set(c.auth_secret_file)) {
      c.auth_secret = g.smtp_auth_secret;
      c.auth_secret_file = g.smtp_auth_secret_file;
    }
    c.auth_identity ??= g.smtp_auth_identity;
    c.require_tls ??= g.smtp_require_tls;
    c.tls_config ??= g.smtp_tls_config;
  },
  webhook_configs(c, g, err) {
    pair(c.url, c.url_file, 'url', err, true);
    pair(c.signing_secret, c.signing_secret_file, 'signing_secret', err, false);
    withHttp(c, g);
  },
  slack_configs(c, g, err) {
    pair(c.api_url, c.api_url_file, 'api_url', err, false);
    pair(c.app_token, c.app_token_file, 'app_token', err, false);
    const url = c.api_url !== undefined || set(c.api_url_file);
    const token = c.app_token !== undefined || set(c.app_token_file);
    if (url && token)
      err('at most one of api_url/api_url_file & app_token/app_token_file must be configured');
    withHttp(c, g);
    if (!url && !token) {
      const gUrl = g.slack_api_url !== undefined || set(g.slack_api_url_file);
      const gToken = g.slack_app_token !== undefined || set(g.slack_app_token_file);
      if (!gUrl && !gToken) err('no Slack API URL nor App token set either inline or in a file');
      c.api_url = g.slack_api_url;
      c.api_url_file = g.slack_api_url_file;
      c.app_token = g.slack_app_token;
      c.app_token_file = g.slack_app_token_file;
    }
    c.app_url ??= g.slack_app_url;
    const botToken = c.app_token !== undefined || set(c.app_token_file);
    if (c.update_message && !botToken && c.api_url?.reveal() !== SLACK_POST_MESSAGE)
      err(
        `update_message can only be used with bot tokens. api_url must be set to ${SLACK_POST_MESSAGE}`,
      );
  },
  pagerduty_configs(c, g, err) {
    if (
      !set(c.routing_key) &&
      !set(c.service_key) &&
      !set(c.routing_key_file) &&
      !set(c.service_key_file)
    )
      err('missing service or routing key in PagerDuty config');
    if (has(c.routing_key) && set(c.routing_key_file))
      err('at most one of routing_key & routing_key_file must be configured');
    if (has(c.service_key) && set(c.service_key_file))
      err('at most one of service_key & service_key_file must be configured');
    c.url ??= g.pagerduty_url;
    c.source ??= c.client;
    withHttp(c, g);
  },
  msteams_configs(c, g, err) {
    pair(c.webhook_url, c.webhook_url_file, 'webhook_url', err, true);
    withHttp(c, g);
  },
  msteamsv2_configs(c, g, err) {
    pair(c.webhook_url, c.webhook_url_file, 'webhook_url', err, true);
    withHttp(c, g);
  },
  telegram_configs(c, g, err) {
    if (has(c.bot_token) && set(c.bot_token_file))
      err('at most one of bot_token & bot_token_file must be configured');
    if (!has(c.bot_token) && !set(c.bot_token_file)) {
      if (!has(g.telegram_bot_token) && !set(g.telegram_bot_token_file))
        err('missing bot_token or bot_token_file on telegram_config');
      c.bot_token = g.telegram_bot_token;
      c.bot_token_file = g.telegram_bot_token_file;
    }
    if (!c.chat_id) err('missing chat_id on telegram_config');
    if (!['', 'Markdown', 'MarkdownV2', 'HTML'].includes(c.parse_mode))
      err(
        'unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string',
      );
    c.api_url ??= g.telegram_api_url;
    withHttp(c, g);
  },
  opsgenie_configs(c, g, err) {
    if (has(c.api_key) && set(c.api_key_file))
      err('at most one of api_key & api_key_file must be configured');
    for (const r of c.responders ?? []) {
      if (!set(r.id) && !set(r.username) && !set(r.name))
        err('opsGenieConfig responder has to have at least one of id, username or name specified');
      if (
        !r.type.includes('{{') &&
        !/^(team|teams|user|escalation|schedule)$/.test(r.type.toLowerCase())
      )
        err(
          `opsGenieConfig responder type ${JSON.stringify(r.type)} does not match valid options ^(team|teams|user|escalation|schedule)$`,
        );
    }
    if (!has(c.api_key) && !set(c.api_key_file)) {
      if (!has(g.opsgenie_api_key) && !set(g.opsgenie_api_key_file))
        err('no global OpsGenie API Key set either inline or in a file');
      c.api_key = g.opsgenie_api_key;
      c.api_key_file = g.opsgenie_api_key_file;
    }
    c.api_url ??= g.opsgenie_api_url;
    withHttp(c, g);
  },
  sns_configs(c, g, err) {
    // Alertmanager's own test: (target == "") != (topic == "") != (phone == "").
    if ((!set(c.target_arn) !== !set(c.topic_arn)) !== !set(c.phone_number))
      err('must provide either a Target ARN, Topic ARN, or Phone Number for SNS config');
    withHttp(c, g);
  },
  wechat_configs(c, g, err) {
    pair(c.api_secret, c.api_secret_file, 'api_secret', err, false);
    if (!has(c.api_secret) && !set(c.api_secret_file)) {
      if (!has(g.wechat_api_secret) && !set(g.wechat_api_secret_file))
        err('no global Wechat Api Secret set either inline or in a file');
      c.api_secret = g.wechat_api_secret;
      c.api_secret_file = g.wechat_api_secret_file;
    }
    if (!set(c.corp_id)) {
      if (!set(g.wechat_api_corp_id)) err('no global Wechat CorpID set');
      c.corp_id = g.wechat_api_corp_id;
    }
    c.api_url ??= g.wechat_api_url;
    withHttp(c, g);
  },
  victorops_configs(c, g, err) {
    if (!set(c.routing_key)) err('missing Routing key in VictorOps config');
    pair(c.api_key, c.api_key_file, 'api_key', err, false);
    for (const f of [
      'routing_key',
      'message_type',
      'state_message',
      'entity_display_name',
      'monitoring_tool',
      'entity_id',
      'entity_state',
    ])
      if (c.custom_fields && f in c.custom_fields)
        err(
          `victorOps config contains custom field ${f} which cannot be used as it conflicts with the fixed/static fields`,
        );
    if (!has(c.api_key) && !set(c.api_key_file)) {
      if (!has(g.victorops_api_key) && !set(g.victorops_api_key_file))
        err('no global VictorOps API Key set');
      c.api_key = g.victorops_api_key;
      c.api_key_file = g.victorops_api_key_file;
    }
    c.api_url ??= g.victorops_api_url;
    withHttp(c, g);
  },
  pushover_configs(c, g, err) {
    pair(c.user_key, c.user_key_file, 'user_key', err, true);
    pair(c.token, c.token_file, 'token', err, true);
    if (c.html && c.monospace) err('at most one of monospace & html must be configured');
    withHttp(c, g);
  },
  webex_configs(c, g, err) {
    if (!set(c.room_id)) err('missing room_id on webex_config');
    if (c.http_config?.authorization === undefined)
      err('missing webex_configs.http_config.authorization');
    c.api_url ??= g.webex_api_url;
  },
  discord_configs(c, g, err) {
    pair(c.webhook_url, c.webhook_url_file, 'webhook_url', err, true);
    withHttp(c, g);
  },
  jira_configs(c, g, err) {
    if (!set(c.project)) err('missing project in jira_config');
    if (!set(c.issue_type)) err('missing issue_type in jira_config');
    if (c.api_url === undefined) {
      if (g.jira_api_url === undefined) err('no global Jira Cloud URL set');
      c.api_url = g.jira_api_url;
    }
    withHttp(c, g);
  },
  rocketchat_configs(c, g, err) {
    pair(c.token, c.token_file, 'token', err, false);
    pair(c.token_id, c.token_id_file, 'token_id', err, false);
    if (c.token === undefined && !set(c.token_file)) {
      if (g.rocketchat_token === undefined && !set(g.rocketchat_token_file))
        err('no global Rocketchat Token set either inline or in a file');
      c.token = g.rocketchat_token;
      c.token_file = g.rocketchat_token_file;
    }
    if (c.token_id === undefined && !set(c.token_id_file)) {
      if (g.rocketchat_token_id === undefined && !set(g.rocketchat_token_id_file))
        err('no global Rocketchat TokenID set either inline or in a file');
      c.token_id = g.rocketchat_token_id;
      c.token_id_file = g.rocketchat_token_id_file;
    }
    c.api_url ??= g.rocketchat_api_url;
    withHttp(c, g);
  },
  mattermost_configs(c, g, err) {
    pair(c.webhook_url, c.webhook_url_file, 'webhook_url', err, false);
    if (c.webhook_url === undefined && !set(c.webhook_url_file)) {
      if (g.mattermost_webhook_url === undefined && !set(g.mattermost_webhook_url_file))
        err('missing webhook_url or webhook_url_file on mattermost_config');
      c.webhook_url = g.mattermost_webhook_url;
      c.webhook_url_file = g.mattermost_webhook_url_file;
    }
    withHttp(c, g);
  },
};

/** The integration kinds, without `_configs` (`opsgenie`), for messages. */
export function integrationName(key: IntegrationKey): string {
  return key.slice(0, -'_configs'.length);
}

/**
 * Checks every receiver (unique names, each integration's rules) and completes its configs
 * with the global defaults. Returns the warnings for integrations Argus does not send to yet.
 */
export function validateReceivers(receivers: Receiver[], g: GlobalConfig, p: Problems): string[] {
  const warnings: string[] = [];
  const names = new Set<string>();
  receivers.forEach((r, i) => {
    const path = ['receivers', i];
    if (r.name === '') p.add([...path, 'name'], 'missing name in receiver');
    else if (names.has(r.name))
      p.add([...path, 'name'], `notification config name ${JSON.stringify(r.name)} is not unique`);
    names.add(r.name);
    for (const key of Object.keys(INTEGRATIONS) as IntegrationKey[]) {
      const list = r[key];
      if (!list || list.length === 0) continue;
      const check = CHECKS[key] as Check<typeof key>;
      list.forEach((c, j) => check(c, g, (m) => p.add([...path, key, j], m)));
      if (!IMPLEMENTED.has(key))
        warnings.push(
          `receiver ${JSON.stringify(r.name)}: ${integrationName(key)} is not implemented by Argus yet; alerts routed only here go to the fallback receiver`,
        );
    }
  });
  return warnings;
}
