/**
 * The notification seam: what a receiver's integration (a channel plugin: email, webhook,
 * Slack, PagerDuty, Teams, Telegram) is handed, and what it reports back. Channels know nothing
 * of routing, grouping, retries or the outbox: the notifier calls `send` once per attempt and
 * records the receipt.
 */
import type { TenantId } from '../../model/index.js';

/** One alert as notifications carry it (Alertmanager's template `Alert`). Times in ms. */
export interface NotifyAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: number;
  /** 0 while firing with no known end. */
  readonly endsAt: number;
  readonly generatorURL: string;
  /** Alertmanager's fingerprint: 16 lowercase hex digits of the label set's hash. */
  readonly fingerprint: string;
  /** Argus: who acknowledged it and when (absent = not acknowledged). */
  readonly acknowledged?: { readonly by: string; readonly at: number };
}

/**
 * One notification of one aggregation group to one receiver: Alertmanager's template `Data`
 * (what its webhook posts and templates see) plus Argus's ids and links.
 */
export interface Notification {
  /** Unique, stable across retries of this notification: channels send it as an idempotency key. */
  readonly id: string;
  readonly tenant: TenantId;
  readonly receiver: string;
  /** The aggregation group's key (Alertmanager's `groupKey`, e.g. `{}/{team="db"}:{alertname="X"}`). */
  readonly groupKey: string;
  /** `firing` when any alert fires. */
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly NotifyAlert[];
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  /** `global.external_url` (Argus's own address when unset). */
  readonly externalURL: string;
  /** Alerts left out by an integration's `max_alerts`. */
  readonly truncatedAlerts: number;
  /** Argus: a signed one-click link that acknowledges this group's firing alerts. */
  readonly ackURL?: string;
  /** Argus: the escalation level that sent this (0 = the route's own receiver). */
  readonly escalationLevel: number;
  /**
   * Argus: this notification tells the receiver the group was acknowledged (PagerDuty sends an
   * `acknowledge` event; other channels may say so or skip it — see `Channel.sendsAcks`).
   */
  readonly ackUpdate: boolean;
  /** When the earliest rule evaluation behind it ran (ms), for the delivery-latency histogram. */
  readonly evaluatedAt?: number;
}

/** What one delivery attempt did. */
export interface DeliveryResult {
  /** The receiver accepted it (2xx, SMTP 250). */
  readonly ok: boolean;
  /** Worth trying again (5xx, 429, timeouts, connection errors); false for 4xx and bad config. */
  readonly retryable: boolean;
  /** HTTP status or SMTP reply code, when there was one. */
  readonly status?: number;
  /** What went wrong, in words an operator can act on (no secrets). */
  readonly error?: string;
}

/** One configured integration of a receiver (e.g. the receiver "ops"'s second webhook). */
export interface Channel {
  /** The integration type: `email`, `webhook`, `slack`, `pagerduty`, `msteams`, `telegram`. */
  readonly kind: string;
  /** `<receiver>/<kind>[<index>]`, e.g. `ops/webhook[1]`: unique, used in receipts and metrics. */
  readonly name: string;
  /** Whether resolved notifications go out (`send_resolved`). */
  readonly sendResolved: boolean;
  /** Whether it is told about acknowledgements (`ackUpdate` notifications). */
  readonly sendsAcks: boolean;
  /**
   * One attempt. Must not throw for delivery failures (return `ok: false`); must honour `signal`
   * (the notifier aborts at the attempt's timeout).
   */
  send(n: Notification, signal: AbortSignal): Promise<DeliveryResult>;
}
