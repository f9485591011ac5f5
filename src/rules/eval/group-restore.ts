/**
 * Restoring `for` state after a restart (Prometheus Group.RestoreForState): each pending or
 * firing alert takes its activeAt from the last ALERTS_FOR_STATE sample written before the
 * outage, shifted so it does not fire sooner than `for_grace_period` after the restart.
 */
import { Matcher, METRIC_NAME, isStaleNaN, type TenantId } from '../../model/index.js';
import type { Queryable } from '../../storage/index.js';
import { ALERTS_FOR_STATE, type AlertingRule } from './alerting.js';
import { labelsKey } from './rule.js';

export function restoreForState(
  rules: readonly AlertingRule[],
  queryable: Queryable,
  tenant: TenantId,
  ts: number,
  outageToleranceMs: number,
  gracePeriodMs: number,
): void {
  const q = queryable.querier(tenant, ts - outageToleranceMs, ts);
  try {
    for (const rule of rules) {
      try {
        restoreRule(rule, q, ts, gracePeriodMs);
      } finally {
        rule.restored = true;
      }
    }
  } finally {
    q.close();
  }
}

function restoreRule(
  rule: AlertingRule,
  q: ReturnType<Queryable['querier']>,
  ts: number,
  gracePeriodMs: number,
): void {
  const hold = rule.forMs;
  // A `for` shorter than the grace period restarts from scratch.
  if (hold < gracePeriodMs) return;
  const matchers = [
    new Matcher('=', METRIC_NAME, ALERTS_FOR_STATE),
    new Matcher('=', 'alertname', rule.name),
  ];
  for (const [k, v] of Object.entries(rule.labels)) {
    if (!v.includes('{{')) matchers.push(new Matcher('=', k, v));
  }
  const series = new Map<string, { t: number; v: number }>();
  for (const s of q.select(matchers)) {
    const it = s.iterator();
    let last: { t: number; v: number } | undefined;
    while (it.next()) last = { t: it.t, v: it.v };
    if (last !== undefined) series.set(labelsKey(s.labels.without(METRIC_NAME)), last);
  }
  if (series.size === 0) return;
  for (const [key, a] of rule.active) {
    const last = series.get(key);
    if (last === undefined || isStaleNaN(last.v)) continue;
    const downAt = Math.floor(last.t / 1000) * 1000;
    let activeAt = last.v * 1000;
    const remaining = hold - (downAt - activeAt);
    if (remaining <= 0) {
      // Was firing when it went down: the next evaluation decides.
    } else if (remaining < gracePeriodMs) {
      activeAt = ts + gracePeriodMs - hold;
    } else {
      activeAt += ts - downAt;
    }
    a.activeAt = activeAt;
  }
}
