/**
 * The one table of notification channels: integration kind → the receiver config list it
 * reads and its factory. Nothing else in Argus switches on a channel's kind.
 */
import type { Receiver } from '../../config/receivers-schema.js';
import type { Channel } from '../types.js';
import type { ChannelContext, ChannelFactory } from './context.js';
import { createEmail, type EmailConfig } from './email/email.js';
import {
  createMSTeams,
  createMSTeamsV2,
  type MSTeamsConfig,
  type MSTeamsV2Config,
} from './msteams/msteams.js';
import { createPagerDuty, type PagerDutyConfig } from './pagerduty/pagerduty.js';
import { createSlack, type SlackConfig } from './slack/slack.js';
import { createTelegram, type TelegramConfig } from './telegram/telegram.js';
import { createWebhook, type WebhookConfig } from './webhook/webhook.js';

const row = <C>(configKey: keyof Receiver, create: (cfg: C, ctx: ChannelContext) => Channel) =>
  ({ configKey, create }) as ChannelFactory<unknown>;

/** kind → factory, in the order channels of one receiver are built. */
export const CHANNELS: ReadonlyMap<string, ChannelFactory<unknown>> = new Map([
  ['email', row<EmailConfig>('email_configs', createEmail)],
  ['webhook', row<WebhookConfig>('webhook_configs', createWebhook)],
  ['slack', row<SlackConfig>('slack_configs', createSlack)],
  ['pagerduty', row<PagerDutyConfig>('pagerduty_configs', createPagerDuty)],
  ['msteams', row<MSTeamsConfig>('msteams_configs', createMSTeams)],
  ['msteamsv2', row<MSTeamsV2Config>('msteamsv2_configs', createMSTeamsV2)],
  ['telegram', row<TelegramConfig>('telegram_configs', createTelegram)],
]);

/**
 * Every channel of a receiver, named `<receiver>/<kind>[<index>]`. Field templates are parsed
 * here, so a template error surfaces when the config is applied.
 * @throws TemplateParseError for a bad template in a field.
 */
export function createChannels(
  receiver: Receiver,
  ctx: Omit<ChannelContext, 'receiver' | 'index'>,
): Channel[] {
  const out: Channel[] = [];
  for (const f of CHANNELS.values()) {
    const list = receiver[f.configKey as keyof Receiver];
    if (!Array.isArray(list)) continue;
    list.forEach((cfg: unknown, index: number) =>
      out.push(f.create(cfg, { ...ctx, receiver: receiver.name, index })),
    );
  }
  return out;
}
