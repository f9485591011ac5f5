import type { Labels } from './labels.js';

/**
 * An alert as it travels from a ruler (Argus's own rule manager, or an external Prometheus
 * posting to the Alertmanager API) into the notification pipeline. The shape is Alertmanager's
 * (`postableAlert`), plus what Argus measures delivery with.
 *
 * Identity is the label set (its fingerprint is `labels.hash()`): the same labels sent again
 * update the same alert. Times are Unix milliseconds.
 */
export interface Alert {
  /** Identifying labels, `alertname` included. */
  readonly labels: Labels;
  /** Non-identifying text (summary, description, runbook_url…); already template-expanded. */
  readonly annotations: Readonly<Record<string, string>>;
  /** When the alert started firing (a ruler's activeAt); 0 = when first received. */
  readonly startsAt: number;
  /**
   * When the alert stops being active. In the past = resolved. 0 = unknown: the receiver applies
   * its `resolve_timeout` (Alertmanager's rule for alerts posted without endsAt).
   */
  readonly endsAt: number;
  /** A link back to the rule/expression that produced it. */
  readonly generatorURL: string;
  /**
   * Argus-only: when the rule evaluation that produced this state change ran (ms), for
   * `argus_alert_delivery_latency_seconds` (evaluation → receiver acceptance). Absent for alerts
   * posted by external rulers (their evaluation time is unknown; latency is measured from receipt).
   */
  readonly evaluatedAt?: number;
}

/** Whether an alert is resolved at `now` (its endsAt has passed). */
export function isResolved(a: Alert, now: number): boolean {
  return a.endsAt !== 0 && a.endsAt <= now;
}
