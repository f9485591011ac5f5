/**
 * Building a notification's template data (Alertmanager's template.Data) from a group's alerts.
 */
import { isResolved, type Labels } from '../../model/index.js';
import type { StoredAlert } from '../types.js';
import type { NotifyAlert } from '../notify/types.js';

/** Alertmanager's AlertSlice order: by `job`, then `instance` (present first), then labels. */
export function compareAlerts(a: Labels, b: Labels): number {
  for (const k of ['job', 'instance']) {
    const ah = a.has(k);
    const bh = b.has(k);
    if (!ah && !bh) continue;
    if (!ah) return 1;
    if (!bh) return -1;
    const av = a.get(k);
    const bv = b.get(k);
    if (av !== bv) return av < bv ? -1 : 1;
  }
  const as = text(a);
  const bs = text(b);
  return as < bs ? -1 : as > bs ? 1 : 0;
}

/** Labels are immutable: each set is rendered once, however often a sort compares it. */
const texts = new WeakMap<Labels, string>();

function text(l: Labels): string {
  let s = texts.get(l);
  if (s === undefined) texts.set(l, (s = l.toString()));
  return s;
}

/**
 * The label set as an object, made once per (immutable) Labels and shared by the notifications
 * that carry the alert, as its annotations object already is: nothing writes to them.
 */
const objects = new WeakMap<Labels, Readonly<Record<string, string>>>();

function labelsObject(l: Labels): Readonly<Record<string, string>> {
  let o = objects.get(l);
  if (o === undefined) objects.set(l, (o = l.toObject()));
  return o;
}

export function toNotifyAlert(
  s: StoredAlert,
  now: number,
  ackedBy?: NotifyAlert['acknowledged'],
): NotifyAlert {
  const a = s.alert;
  return {
    status: isResolved(a, now) ? 'resolved' : 'firing',
    labels: labelsObject(a.labels),
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    generatorURL: a.generatorURL,
    fingerprint: s.fingerprint,
    ...(ackedBy ? { acknowledged: ackedBy } : {}),
  };
}

/** The key/value pairs every record has in common. */
export function common(
  records: readonly Readonly<Record<string, string>>[],
): Record<string, string> {
  if (records.length === 0) return {};
  const out: Record<string, string> = { ...records[0] };
  for (const r of records.slice(1))
    for (const k of Object.keys(out)) if (r[k] !== out[k]) delete out[k];
  return out;
}
