/** "Send test notification": one synthetic firing alert through every channel of a receiver. */
import { createHash } from 'node:crypto';
import { DEFAULT_TENANT, type TenantId } from '../../../model/index.js';
import type { Receiver } from '../../config/receivers-schema.js';
import type { DeliveryResult, Notification } from '../types.js';
import type { ChannelContext } from './context.js';
import { createChannels } from './registry.js';

export interface TestResult {
  readonly channel: string;
  readonly result: DeliveryResult;
}

/** A realistic notification with one firing alert labelled as a test. */
export function testNotificationFor(
  receiver: string,
  opts: { now: number; externalURL: string; tenant?: TenantId },
): Notification {
  const labels = { alertname: 'ArgusTestNotification', severity: 'info', instance: 'argus' };
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(labels))
    .digest('hex')
    .slice(0, 16);
  return {
    id: `test-${receiver}-${opts.now}`,
    tenant: opts.tenant ?? DEFAULT_TENANT,
    receiver,
    groupKey: `{}/test:{alertname="ArgusTestNotification"}`,
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: {
          summary: 'Test notification from Argus',
          description: `If you can read this, receiver "${receiver}" works.`,
        },
        startsAt: opts.now,
        endsAt: 0,
        generatorURL: opts.externalURL,
        fingerprint,
      },
    ],
    groupLabels: { alertname: 'ArgusTestNotification' },
    commonLabels: labels,
    commonAnnotations: { summary: 'Test notification from Argus' },
    externalURL: opts.externalURL,
    truncatedAlerts: 0,
    escalationLevel: 0,
    ackUpdate: false,
  };
}

/**
 * Sends the test notification through every channel of `receiver`, concurrently, and returns
 * each channel's result (a template or config error counts as that channel's failure).
 */
export async function testNotification(
  receiver: Receiver,
  ctx: Omit<ChannelContext, 'receiver' | 'index'> & { externalURL: string; signal?: AbortSignal },
): Promise<TestResult[]> {
  const now = (ctx.now ?? Date.now)();
  const n = testNotificationFor(receiver.name, {
    now,
    externalURL: ctx.externalURL,
    tenant: ctx.tenant as TenantId | undefined,
  });
  const signal = ctx.signal ?? AbortSignal.timeout(ctx.guard.timeoutMs);
  return Promise.all(
    createChannels(receiver, ctx).map(async (ch) => ({
      channel: ch.name,
      result: await ch.send(n, signal),
    })),
  );
}
