/**
 * Alertmanager's webhook: its JSON (version "4"), `max_alerts`, http_config auth; plus
 * Argus's `Idempotency-Key` (the notification id, stable across retries) and, when a signing
 * secret is configured, `X-Argus-Signature: sha256=<hex HMAC-SHA256 of the body>`.
 */
import { createHmac } from 'node:crypto';
import type { z } from 'zod';
import type { webhookConfig } from '../../../config/receivers-schema.js';
import type { Secret } from '../../../config/secret.js';
import type { Channel, DeliveryResult, Notification } from '../../types.js';
import { channelName, type ChannelContext } from '../context.js';
import { fileSecret, postJSON, secretOrFile } from '../http.js';
import { alertJSON, capAlerts } from '../payload.js';

/** The webhook config, plus the Argus signing fields once the schema carries them. */
export type WebhookConfig = z.output<typeof webhookConfig> & {
  readonly signing_secret?: Secret;
  readonly signing_secret_file?: string;
};

/** Alertmanager's webhook message, in its field order. */
export function webhookMessage(n: Notification, maxAlerts: number) {
  const { alerts, truncated } = capAlerts(n, maxAlerts);
  return {
    receiver: n.receiver,
    status: n.status,
    alerts: alerts.map(alertJSON),
    groupLabels: n.groupLabels,
    commonLabels: n.commonLabels,
    commonAnnotations: n.commonAnnotations,
    externalURL: n.externalURL,
    version: '4',
    groupKey: n.groupKey,
    truncatedAlerts: truncated,
  };
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function createWebhook(cfg: WebhookConfig, ctx: ChannelContext): Channel {
  const name = channelName(ctx, 'webhook');
  return {
    kind: 'webhook',
    name,
    sendResolved: cfg.send_resolved,
    sendsAcks: false,
    async send(n, signal): Promise<DeliveryResult> {
      let url: string;
      let key: string | undefined;
      try {
        url = cfg.url ? cfg.url.reveal() : await fileSecret(cfg.url_file ?? '');
        key =
          (await secretOrFile(cfg.signing_secret, cfg.signing_secret_file)) ??
          ctx.webhookSigningSecret?.reveal();
      } catch (err) {
        return {
          ok: false,
          retryable: true,
          error: `cannot notify ${name}: ${(err as Error).message}`,
        };
      }
      const body = JSON.stringify(webhookMessage(n, cfg.max_alerts));
      const headers: Record<string, string> = { 'idempotency-key': n.id };
      if (key !== undefined) headers['x-argus-signature'] = signBody(key, body);
      const { result } = await postJSON(ctx, {
        url,
        secretURL: true,
        body,
        headers,
        httpConfig: cfg.http_config,
        timeoutMs: cfg.timeout,
        signal,
        secrets: [key],
      });
      return result;
    },
  };
}
