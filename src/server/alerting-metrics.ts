import { Counter, Histogram, Registry } from 'prom-client';
import type { NotifyStats } from '../alerting/index.js';

/** The notification pipeline's own metrics (Alertmanager's, under Argus's prefix). */
export interface AlertingMetrics {
  stats: NotifyStats;
  received(tenant: string, n: number): void;
}

/** Delivery latency buckets: sub-second (the target) up to the 5-minute success metric. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export function alertingMetrics(registry: Registry = new Registry()): AlertingMetrics {
  const existing = registry.getSingleMetric('argus_alerts_received_total');
  if (existing) registry.removeSingleMetric('argus_alerts_received_total');
  for (const n of [
    'argus_notifications_total',
    'argus_notifications_failed_total',
    'argus_notifications_fallback_total',
    'argus_alert_delivery_latency_seconds',
  ])
    if (registry.getSingleMetric(n)) registry.removeSingleMetric(n);
  const received = new Counter({
    name: 'argus_alerts_received_total',
    help: 'Alerts received (from rules and the Alertmanager API), by tenant.',
    labelNames: ['tenant'],
    registers: [registry],
  });
  const sent = new Counter({
    name: 'argus_notifications_total',
    help: 'Notification delivery attempts accepted by the receiver, by channel (receiver/kind[index]).',
    labelNames: ['channel'],
    registers: [registry],
  });
  const failed = new Counter({
    name: 'argus_notifications_failed_total',
    help: 'Notification delivery attempts that failed (retried until delivered or expired), by channel.',
    labelNames: ['channel'],
    registers: [registry],
  });
  const fallback = new Counter({
    name: 'argus_notifications_fallback_total',
    help: "Notifications sent to a route's fallback receiver, by that receiver and why.",
    labelNames: ['receiver', 'reason'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'argus_alert_delivery_latency_seconds',
    help: 'From the rule evaluation that produced an alert (or its receipt by the API) to its acceptance by a receiver.',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return {
    received: (tenant, n) => received.inc({ tenant }, n),
    stats: {
      sent: (channel) => sent.inc({ channel }),
      failed: (channel) => failed.inc({ channel }),
      fallback: (receiver, reason) => fallback.inc({ receiver, reason }),
      deliveryLatency: (s) => latency.observe(s),
    },
  };
}
