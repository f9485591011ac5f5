import type { Alert, Labels, TenantId } from '../../model/index.js';
import { isResolved } from '../../model/index.js';
import type { StoredAlert } from '../types.js';

/** A stored alert plus Alertmanager's `Timeout` flag: its endsAt was set by resolve_timeout. */
export interface HeldAlert extends StoredAlert {
  readonly timeout: boolean;
}

/**
 * Alertmanager's fingerprint of a label set, as 16 lowercase hex digits. `Labels.hash()` is
 * util's cyrb53 over the sorted pairs: stable across processes and versions (it is persisted).
 */
export function fingerprint(labels: Labels): string {
  return labels.hash().toString(16).padStart(16, '0');
}

/**
 * What Alertmanager's API v2 does to a received alert before storing it: startsAt 0 becomes
 * now (or endsAt when only that is given); endsAt 0 becomes now + resolve_timeout, marked timeout.
 */
export function receive(
  tenant: TenantId,
  a: Alert,
  now: number,
  resolveTimeoutMs: number,
): HeldAlert {
  let { startsAt, endsAt } = a;
  if (startsAt === 0) startsAt = endsAt === 0 ? now : endsAt;
  const timeout = endsAt === 0;
  if (timeout) endsAt = now + resolveTimeoutMs;
  return {
    tenant,
    fingerprint: fingerprint(a.labels),
    alert: { ...a, startsAt, endsAt },
    updatedAt: now,
    timeout,
  };
}

/** Alertmanager's provider merges a new version only when the activity ranges overlap. */
export function overlaps(old: Alert, next: Alert): boolean {
  return (
    (next.endsAt > old.startsAt && next.endsAt < old.endsAt) ||
    (next.startsAt > old.startsAt && next.startsAt < old.endsAt)
  );
}

/**
 * Alertmanager's `types.Alert.Merge`: the younger version (by updatedAt; the second on a tie)
 * wins, with the earliest startsAt; if it is resolved, the later of two resolved endsAt wins;
 * if it is not, an older endsAt that is later and not a timeout wins.
 */
export function merge(a: HeldAlert, o: HeldAlert, now: number): HeldAlert {
  if (o.updatedAt < a.updatedAt) return merge(o, a, now);
  let { startsAt, endsAt } = o.alert;
  if (a.alert.startsAt < startsAt) startsAt = a.alert.startsAt;
  if (isResolved(o.alert, now)) {
    if (isResolved(a.alert, now) && a.alert.endsAt > o.alert.endsAt) endsAt = a.alert.endsAt;
  } else if (a.alert.endsAt > o.alert.endsAt && !a.timeout) {
    endsAt = a.alert.endsAt;
  }
  return { ...o, alert: { ...o.alert, startsAt, endsAt } };
}

/** A received version stored over `old` (if any), as Alertmanager's in-memory provider does. */
export function mergeInto(old: HeldAlert | undefined, next: HeldAlert, now: number): HeldAlert {
  return old !== undefined && overlaps(old.alert, next.alert) ? merge(old, next, now) : next;
}
