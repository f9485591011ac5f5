import { z } from 'zod';
import { zDuration } from '../../config/index.js';
import { Matcher, InvalidMatcherError } from '../../model/index.js';
import { parseMatcher } from '../matchers/parse.js';
import { parseTimePeriod, TimeIntervalError, type TimePeriod } from '../timeinterval/parse.js';
import { httpConfig, tlsConfig } from './http-schema.js';
import { receiverSchema } from './receivers-schema.js';
import { zSecret, zSecretURL, zURL } from './secret.js';

const str = z.string().optional();

export const globalSchema = z
  .object({
    resolve_timeout: zDuration.default(5 * 60_000),
    http_config: httpConfig.optional(),
    smtp_from: str,
    smtp_hello: z.string().default('localhost'),
    smtp_smarthost: str,
    smtp_auth_username: str,
    smtp_auth_password: zSecret.optional(),
    smtp_auth_password_file: str,
    smtp_auth_secret: zSecret.optional(),
    smtp_auth_secret_file: str,
    smtp_auth_identity: str,
    smtp_require_tls: z.boolean().default(true),
    smtp_tls_config: tlsConfig.optional(),
    slack_api_url: zSecretURL.optional(),
    slack_api_url_file: str,
    slack_app_token: zSecret.optional(),
    slack_app_token_file: str,
    slack_app_url: zURL.default('https://slack.com/api/chat.postMessage'),
    pagerduty_url: zURL.default('https://events.pagerduty.com/v2/enqueue'),
    opsgenie_api_key: zSecret.optional(),
    opsgenie_api_key_file: str,
    opsgenie_api_url: zURL.default('https://api.opsgenie.com/'),
    wechat_api_url: zURL.default('https://qyapi.weixin.qq.com/cgi-bin/'),
    wechat_api_secret: zSecret.optional(),
    wechat_api_secret_file: str,
    wechat_api_corp_id: str,
    victorops_api_url: zURL.default(
      'https://alert.victorops.com/integrations/generic/20131114/alert/',
    ),
    victorops_api_key: zSecret.optional(),
    victorops_api_key_file: str,
    telegram_api_url: zURL.default('https://api.telegram.org'),
    telegram_bot_token: zSecret.optional(),
    telegram_bot_token_file: str,
    webex_api_url: zURL.default('https://webexapis.com/v1/messages'),
    rocketchat_api_url: zURL.default('https://open.rocket.chat/'),
    rocketchat_token: zSecret.optional(),
    rocketchat_token_file: str,
    rocketchat_token_id: zSecret.optional(),
    rocketchat_token_id_file: str,
    jira_api_url: zURL.optional(),
    mattermost_webhook_url: zSecretURL.optional(),
    mattermost_webhook_url_file: str,
  })
  .strict();

function matcherIssue(ctx: z.RefinementCtx, err: unknown, path: (string | number)[]): void {
  ctx.addIssue({ code: 'custom', message: (err as Error).message, path });
}

/** New-style matcher strings (`severity="critical"`) → Matchers. */
const zMatchers = z.array(z.string()).transform((list, ctx) => {
  const out: Matcher[] = [];
  list.forEach((s, i) => {
    try {
      out.push(parseMatcher(s));
    } catch (err) {
      matcherIssue(ctx, err, [i]);
    }
  });
  return out;
});

const CLASSIC_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Deprecated `match`/`match_re` maps → Matchers (`=` or anchored `=~`). */
function zMatchMap(type: '=' | '=~') {
  return z.record(z.string(), z.unknown()).transform((m, ctx) => {
    const out: Matcher[] = [];
    for (const [name, v] of Object.entries(m)) {
      if (!CLASSIC_LABEL.test(name)) {
        matcherIssue(ctx, new Error(`invalid label name ${JSON.stringify(name)}`), [name]);
        continue;
      }
      if (typeof v !== 'string') {
        const what = type === '=' ? 'a label value' : 'a regular expression';
        const got = v === null ? 'null (empty value)' : typeof v;
        matcherIssue(ctx, new Error(`label "${name}": expected ${what}, got ${got}`), [name]);
        continue;
      }
      try {
        out.push(new Matcher(type, name, v));
      } catch (err) {
        if (!(err instanceof InvalidMatcherError)) throw err;
        matcherIssue(ctx, err, [name]);
      }
    }
    return out;
  });
}

export interface RawRoute {
  receiver?: string;
  group_by?: string[];
  continue: boolean;
  match?: Matcher[];
  match_re?: Matcher[];
  matchers?: Matcher[];
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
  labels?: Record<string, string>;
  escalation_policy?: string;
  fallback_receiver?: string;
  routes?: RawRoute[];
}

// z.lazy for the recursion; the output type is written out (zod cannot infer recursive types).
export const routeSchema: z.ZodType<RawRoute> = z.lazy(() =>
  z
    .object({
      receiver: str,
      group_by: z.array(z.string()).optional(),
      continue: z.boolean().default(false),
      match: zMatchMap('=').optional(),
      match_re: zMatchMap('=~').optional(),
      matchers: zMatchers.optional(),
      group_wait: zDuration.optional(),
      group_interval: zDuration.optional(),
      repeat_interval: zDuration.optional(),
      mute_time_intervals: z.array(z.string()).optional(),
      active_time_intervals: z.array(z.string()).optional(),
      // Alertmanager's route labels (templates rendered per group; see examples/route_labels.yml).
      labels: z.record(z.string(), z.string()).optional(),
      // Argus extensions (docs/user/alertmanager-config.md).
      escalation_policy: str,
      fallback_receiver: str,
      routes: z.array(routeSchema).optional(),
    })
    .strict(),
);

const inhibitRule = z
  .object({
    source_match: zMatchMap('=').optional(),
    source_match_re: zMatchMap('=~').optional(),
    source_matchers: zMatchers.optional(),
    target_match: zMatchMap('=').optional(),
    target_match_re: zMatchMap('=~').optional(),
    target_matchers: zMatchers.optional(),
    equal: z.array(z.string()).optional(),
  })
  .strict();

const rawPeriod = z
  .object({
    times: z.array(z.object({ start_time: z.string(), end_time: z.string() }).strict()).optional(),
    weekdays: z.array(z.string()).optional(),
    days_of_month: z.array(z.string()).optional(),
    months: z.array(z.string()).optional(),
    years: z.array(z.string()).optional(),
    location: str,
  })
  .strict()
  .transform((raw, ctx): TimePeriod => {
    try {
      return parseTimePeriod(raw);
    } catch (err) {
      if (!(err instanceof TimeIntervalError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
      return z.NEVER;
    }
  });

const timeInterval = z
  .object({ name: z.string(), time_intervals: z.array(rawPeriod).default([]) })
  .strict();

const escalationPolicy = z
  .object({
    name: z.string(),
    levels: z
      .array(z.object({ receiver: z.string(), delay: zDuration.default(0) }).strict())
      .min(1),
    repeat: z.number().int().min(0).default(0),
  })
  .strict();

const tracing = z
  .object({
    client_type: z.enum(['grpc', 'http']).optional(),
    endpoint: str,
    sampling_fraction: z.number().min(0).max(1).optional(),
    insecure: z.boolean().optional(),
    tls_config: tlsConfig.optional(),
    headers: z.record(z.string(), z.string()).optional(),
    compression: str,
    timeout: zDuration.optional(),
  })
  .strict();

/** The whole file, structurally; semantic checks follow in validate*.ts. */
export const alertmanagerSchema = z
  .object({
    global: globalSchema.default(globalSchema.parse({})),
    route: routeSchema.optional(),
    inhibit_rules: z.array(inhibitRule).default([]),
    receivers: z.array(receiverSchema).default([]),
    templates: z.array(z.string()).default([]),
    time_intervals: z.array(timeInterval).default([]),
    mute_time_intervals: z.array(timeInterval).default([]),
    tracing: tracing.optional(),
    escalation_policies: z.array(escalationPolicy).default([]),
  })
  .strict();

export type RawAlertmanagerConfig = z.output<typeof alertmanagerSchema>;
export type GlobalConfig = z.output<typeof globalSchema>;
export type InhibitRuleConfig = z.output<typeof inhibitRule>;
export type TimeIntervalConfig = z.output<typeof timeInterval>;
export type EscalationPolicyConfig = z.output<typeof escalationPolicy>;
