import { z } from 'zod';
import { zDuration } from '../../config/index.js';
import { httpConfig, tlsConfig } from './http-schema.js';
import { zSecret, zSecretURL, zURL } from './secret.js';

// Each integration's fields are Alertmanager's (config/notifiers.go); cross-field checks and
// the global defaults live in validate-receivers.ts, where Alertmanager's wording is kept.

const str = z.string().optional();
const strMap = z.record(z.string(), z.string()).optional();

function integration<S extends z.ZodRawShape>(sendResolved: boolean, shape: S) {
  return z
    .object({
      send_resolved: z.boolean().default(sendResolved),
      http_config: httpConfig.optional(),
      ...shape,
    })
    .strict();
}

export const emailConfig = z
  .object({
    send_resolved: z.boolean().default(false),
    to: str,
    from: str,
    hello: str,
    smarthost: str,
    auth_username: str,
    auth_password: zSecret.optional(),
    auth_password_file: str,
    auth_secret: zSecret.optional(),
    auth_secret_file: str,
    auth_identity: str,
    headers: strMap,
    html: str,
    text: str,
    require_tls: z.boolean().optional(),
    tls_config: tlsConfig.optional(),
  })
  .strict();

export const webhookConfig = integration(true, {
  url: zSecretURL.optional(),
  url_file: str,
  /** Argus: HMAC-SHA256 key of the `X-Argus-Signature: sha256=<hex>` header on each body. */
  signing_secret: zSecret.optional(),
  signing_secret_file: str,
  max_alerts: z.number().int().min(0).default(0),
  timeout: zDuration.optional(),
});

const slackConfirm = z
  .object({ text: z.string(), title: str, ok_text: str, dismiss_text: str })
  .strict();

export const slackConfig = integration(false, {
  api_url: zSecretURL.optional(),
  api_url_file: str,
  app_token: zSecret.optional(),
  app_token_file: str,
  app_url: zURL.optional(),
  channel: str,
  username: str,
  color: str,
  title: str,
  title_link: str,
  pretext: str,
  text: str,
  fields: z
    .array(
      z.object({ title: z.string(), value: z.string(), short: z.boolean().optional() }).strict(),
    )
    .optional(),
  short_fields: z.boolean().optional(),
  footer: str,
  fallback: str,
  callback_id: str,
  icon_emoji: str,
  icon_url: str,
  image_url: str,
  thumb_url: str,
  link_names: z.boolean().optional(),
  mrkdwn_in: z.array(z.string()).optional(),
  actions: z
    .array(
      z
        .object({
          type: z.string(),
          text: z.string(),
          url: str,
          style: str,
          name: str,
          value: str,
          confirm: slackConfirm.optional(),
        })
        .strict(),
    )
    .optional(),
  update_message: z.boolean().optional(),
  timeout: zDuration.optional(),
});

export const pagerdutyConfig = integration(true, {
  service_key: zSecret.optional(),
  service_key_file: str,
  routing_key: zSecret.optional(),
  routing_key_file: str,
  url: zURL.optional(),
  client: str,
  client_url: str,
  description: str,
  details: z.record(z.string(), z.unknown()).optional(),
  images: z.array(z.object({ src: str, alt: str, href: str }).strict()).optional(),
  links: z.array(z.object({ href: str, text: str }).strict()).optional(),
  source: str,
  severity: str,
  class: str,
  component: str,
  group: str,
  timeout: zDuration.optional(),
});

const webhookUrlPair = { webhook_url: zSecretURL.optional(), webhook_url_file: str };

export const msteamsConfig = integration(true, {
  ...webhookUrlPair,
  title: str,
  summary: str,
  text: str,
});
export const msteamsV2Config = integration(true, { ...webhookUrlPair, title: str, text: str });

export const telegramConfig = integration(true, {
  api_url: zURL.optional(),
  bot_token: zSecret.optional(),
  bot_token_file: str,
  chat_id: z.number().int().optional(),
  message_thread_id: z.number().int().optional(),
  message: str,
  disable_notifications: z.boolean().optional(),
  parse_mode: z.string().default('HTML'),
});

export const opsgenieConfig = integration(true, {
  api_key: zSecret.optional(),
  api_key_file: str,
  api_url: zURL.optional(),
  message: str,
  description: str,
  source: str,
  details: strMap,
  entity: str,
  responders: z
    .array(z.object({ id: str, name: str, username: str, type: z.string() }).strict())
    .optional(),
  actions: str,
  tags: str,
  note: str,
  priority: str,
  update_alerts: z.boolean().optional(),
});

export const snsConfig = integration(true, {
  api_url: str,
  sigv4: z
    .object({
      region: str,
      access_key: str,
      secret_key: zSecret.optional(),
      profile: str,
      role_arn: str,
      use_fips_sts_endpoint: z.boolean().optional(),
    })
    .strict()
    .optional(),
  topic_arn: str,
  phone_number: str,
  target_arn: str,
  subject: str,
  message: str,
  attributes: strMap,
});

export const wechatConfig = integration(false, {
  api_secret: zSecret.optional(),
  api_secret_file: str,
  corp_id: str,
  message: str,
  api_url: zURL.optional(),
  to_user: str,
  to_party: str,
  to_tag: str,
  agent_id: str,
  message_type: z.enum(['text', 'markdown']).default('text'),
});

export const victoropsConfig = integration(true, {
  api_key: zSecret.optional(),
  api_key_file: str,
  api_url: zURL.optional(),
  routing_key: str,
  message_type: str,
  state_message: str,
  entity_display_name: str,
  monitoring_tool: str,
  custom_fields: strMap,
});

export const pushoverConfig = integration(true, {
  user_key: zSecret.optional(),
  user_key_file: str,
  token: zSecret.optional(),
  token_file: str,
  title: str,
  message: str,
  url: str,
  url_title: str,
  device: str,
  sound: str,
  priority: str,
  retry: zDuration.optional(),
  expire: zDuration.optional(),
  ttl: zDuration.optional(),
  html: z.boolean().optional(),
  monospace: z.boolean().optional(),
});

export const webexConfig = integration(true, {
  api_url: zURL.optional(),
  message: str,
  room_id: str,
});

export const discordConfig = integration(true, {
  ...webhookUrlPair,
  content: str,
  title: str,
  message: str,
  username: str,
  avatar_url: str,
});

export const jiraConfig = integration(true, {
  api_url: zURL.optional(),
  project: str,
  summary: str,
  description: str,
  labels: z.array(z.string()).optional(),
  priority: str,
  issue_type: str,
  reopen_transition: str,
  resolve_transition: str,
  wont_fix_resolution: str,
  reopen_duration: zDuration.optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
});

export const rocketchatConfig = integration(false, {
  api_url: zURL.optional(),
  token_id: zSecret.optional(),
  token_id_file: str,
  token: zSecret.optional(),
  token_file: str,
  channel: str,
  color: str,
  title: str,
  title_link: str,
  text: str,
  fields: z
    .array(z.object({ short: z.boolean().optional(), title: str, value: str }).strict())
    .optional(),
  short_fields: z.boolean().optional(),
  emoji: str,
  icon_url: str,
  image_url: str,
  thumb_url: str,
  link_names: z.boolean().optional(),
  actions: z.array(z.record(z.string(), z.unknown())).optional(),
});

export const mattermostConfig = integration(false, {
  ...webhookUrlPair,
  channel: str,
  username: str,
  text: str,
  icon_url: str,
  icon_emoji: str,
  attachments: z.array(z.record(z.string(), z.unknown())).optional(),
  props: z.record(z.string(), z.unknown()).optional(),
  priority: z.record(z.string(), z.unknown()).optional(),
});

/** Every integration list a receiver may hold, keyed by its YAML name. */
export const INTEGRATIONS = {
  email_configs: emailConfig,
  webhook_configs: webhookConfig,
  slack_configs: slackConfig,
  pagerduty_configs: pagerdutyConfig,
  msteams_configs: msteamsConfig,
  msteamsv2_configs: msteamsV2Config,
  telegram_configs: telegramConfig,
  opsgenie_configs: opsgenieConfig,
  sns_configs: snsConfig,
  wechat_configs: wechatConfig,
  victorops_configs: victoropsConfig,
  pushover_configs: pushoverConfig,
  webex_configs: webexConfig,
  discord_configs: discordConfig,
  jira_configs: jiraConfig,
  rocketchat_configs: rocketchatConfig,
  mattermost_configs: mattermostConfig,
} as const;

export type IntegrationKey = keyof typeof INTEGRATIONS;

/** The integrations Argus sends to; the rest load (and warn) but are not notified yet. */
export const IMPLEMENTED: ReadonlySet<IntegrationKey> = new Set<IntegrationKey>([
  'email_configs',
  'webhook_configs',
  'slack_configs',
  'pagerduty_configs',
  'msteams_configs',
  'msteamsv2_configs',
  'telegram_configs',
]);

export const receiverSchema = z
  .object({
    name: z.string(),
    email_configs: z.array(emailConfig).optional(),
    webhook_configs: z.array(webhookConfig).optional(),
    slack_configs: z.array(slackConfig).optional(),
    pagerduty_configs: z.array(pagerdutyConfig).optional(),
    msteams_configs: z.array(msteamsConfig).optional(),
    msteamsv2_configs: z.array(msteamsV2Config).optional(),
    telegram_configs: z.array(telegramConfig).optional(),
    opsgenie_configs: z.array(opsgenieConfig).optional(),
    sns_configs: z.array(snsConfig).optional(),
    wechat_configs: z.array(wechatConfig).optional(),
    victorops_configs: z.array(victoropsConfig).optional(),
    pushover_configs: z.array(pushoverConfig).optional(),
    webex_configs: z.array(webexConfig).optional(),
    discord_configs: z.array(discordConfig).optional(),
    jira_configs: z.array(jiraConfig).optional(),
    rocketchat_configs: z.array(rocketchatConfig).optional(),
    mattermost_configs: z.array(mattermostConfig).optional(),
  })
  .strict();

export type Receiver = z.output<typeof receiverSchema>;
