/** Wire helpers shared by the channels: Go's time.Time JSON form, hashed group keys. */
import { createHash } from 'node:crypto';
import type { Notification, NotifyAlert } from '../types.js';

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** Go's time.Time JSON (RFC 3339 with trailing fractional zeros dropped); 0 = Go's zero time. */
export function rfc3339(ms: number): string {
  if (ms === 0) return GO_ZERO_TIME;
  return new Date(ms)
    .toISOString()
    .replace(/\.?0+Z$/, 'Z')
    .replace(/\.Z$/, 'Z');
}

/** Alertmanager's `hashKey`: SHA-256 hex of the group key (PagerDuty dedup_key, threading). */
export function hashGroupKey(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}

/** Alertmanager's webhook alert object, in its field order. */
export function alertJSON(a: NotifyAlert) {
  return {
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: rfc3339(a.startsAt),
    endsAt: rfc3339(a.endsAt),
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
  };
}

/** The alerts a channel shows, honouring `max_alerts` (0 = all). */
export function capAlerts(
  n: Notification,
  max: number,
): { alerts: readonly NotifyAlert[]; truncated: number } {
  if (max <= 0 || n.alerts.length <= max) return { alerts: n.alerts, truncated: n.truncatedAlerts };
  return { alerts: n.alerts.slice(0, max), truncated: n.truncatedAlerts + n.alerts.length - max };
}
