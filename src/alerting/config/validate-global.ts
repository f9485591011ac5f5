import type { Problems } from './problems.js';
import type { GlobalConfig } from './schema.js';

/** Slack's chat.postMessage URL: the pre-app_token workaround allows it beside an app token. */
export const SLACK_POST_MESSAGE = 'https://slack.com/api/chat.postMessage';

function both(a: unknown, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && b !== '';
}

/** Inline-vs-file conflicts in `global`, with Alertmanager's own messages. */
export function validateGlobal(g: GlobalConfig, p: Problems): void {
  const path = ['global'];
  const pairs: [unknown, string | undefined, string][] = [
    [g.slack_api_url, g.slack_api_url_file, 'slack_api_url'],
    [g.slack_app_token, g.slack_app_token_file, 'slack_app_token'],
    [g.opsgenie_api_key, g.opsgenie_api_key_file, 'opsgenie_api_key'],
    [g.victorops_api_key, g.victorops_api_key_file, 'victorops_api_key'],
    [g.smtp_auth_password, g.smtp_auth_password_file, 'smtp_auth_password'],
    [g.smtp_auth_secret, g.smtp_auth_secret_file, 'smtp_auth_secret'],
    [g.rocketchat_token, g.rocketchat_token_file, 'rocketchat_token'],
    [g.rocketchat_token_id, g.rocketchat_token_id_file, 'rocketchat_token_id'],
    [g.wechat_api_secret, g.wechat_api_secret_file, 'wechat_api_secret'],
    [g.telegram_bot_token, g.telegram_bot_token_file, 'telegram_bot_token'],
    [g.mattermost_webhook_url, g.mattermost_webhook_url_file, 'mattermost_webhook_url'],
  ];
  for (const [inline, file, name] of pairs)
    if (both(inline, file)) p.add(path, `at most one of ${name} & ${name}_file must be configured`);
  const url = g.slack_api_url !== undefined || (g.slack_api_url_file ?? '') !== '';
  const token = g.slack_app_token !== undefined || (g.slack_app_token_file ?? '') !== '';
  if (url && token && g.slack_api_url?.reveal() !== SLACK_POST_MESSAGE)
    p.add(
      path,
      'at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured',
    );
}
