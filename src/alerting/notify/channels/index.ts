/**
 * @module alerting/notify/channels
 * Notification channels (Alertmanager integrations): email, webhook, Slack, PagerDuty,
 * Microsoft Teams (MessageCard and Adaptive Card), Telegram. One folder per channel, one
 * registry table (`CHANNELS`); `createChannels` builds a receiver's channels,
 * `testNotification` sends a synthetic alert through them. Every connection goes through the
 * outbound guard; errors never carry secrets.
 */
export { CHANNELS, createChannels } from './registry.js';
export type { ChannelContext, ChannelFactory } from './context.js';
export { webhookMessage, signBody, type WebhookConfig } from './webhook/webhook.js';
export { testNotification, testNotificationFor, type TestResult } from './test-notification.js';
export { eventAction } from './pagerduty/pagerduty.js';
export { templateData, TemplateData, TemplateAlert } from '../../templates/data.js';
export { defaultTemplateSet, loadTemplateSet, TemplateLoadError } from '../../templates/load.js';
