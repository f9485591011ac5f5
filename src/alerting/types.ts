/**
 * Seams between the parts of the notification pipeline (Alertmanager's architecture, per
 * tenant): alerts come in through an AlertProvider, the dispatcher groups them by route and
 * asks the Muters (silences, inhibition, time intervals) before each notification.
 */
import type { Alert, Labels, TenantId } from '../model/index.js';

/** An alert as the pipeline holds it: the last version received, and when. */
export interface StoredAlert {
  readonly tenant: TenantId;
  /** 16 lowercase hex digits of the label set's hash (Alertmanager's fingerprint, as text). */
  readonly fingerprint: string;
  readonly alert: Alert;
  /** When this version was received (ms). */
  readonly updatedAt: number;
}

/**
 * Where alerts live between rulers and the dispatcher. `put` is durable when it resolves (an
 * API answer after it can promise the alert is not lost by a crash). Alerts resolved longer ago
 * than the retention are dropped.
 */
export interface AlertProvider {
  /**
   * Adds or updates alerts (merging as Alertmanager does: a resolved or newer version wins;
   * `startsAt` keeps the earliest of an ongoing alert; endsAt 0 gets now + resolve_timeout).
   */
  put(tenant: TenantId, alerts: readonly Alert[], now: number): Promise<StoredAlert[]>;
  get(tenant: TenantId, fingerprint: string): StoredAlert | undefined;
  /** Every alert held for a tenant, firing and recently resolved. */
  list(tenant: TenantId): StoredAlert[];
  /** Called after every put with the alerts as stored (the dispatcher subscribes). */
  subscribe(fn: (tenant: TenantId, alerts: readonly StoredAlert[]) => void): () => void;
}

/** Why an alert is not notified right now (Alertmanager's alert status `silencedBy`/`inhibitedBy`). */
export interface Muter {
  /** The ids of what mutes `labels` at `now` (silence ids, inhibiting alerts' fingerprints); empty = not muted. */
  mutedBy(tenant: TenantId, labels: Labels, now: number): readonly string[];
}
