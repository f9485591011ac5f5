/**
 * Alerts for down checks, with dependents suppressed in favour of the root cause and services in
 * maintenance muted; and the send schedule (re-send firing alerts every resend interval with
 * endsAt = now + 4 × interval like Prometheus's rule manager, resolved ones once).
 */
import type { CheckStatus } from '../checks/index.js';
import { Labels, type Alert } from '../model/index.js';
import type { ServiceEval } from './aggregate.js';
import type { CheckAlertInfo, ServiceDefinition } from './types.js';

export const ALERT_NAME = 'CheckDown';

/** A firing alert before its send time is known. */
export type AlertBase = Omit<Alert, 'endsAt' | 'evaluatedAt'>;

export interface DesiredInput {
  readonly statuses: readonly CheckStatus[];
  readonly evals: readonly ServiceEval[];
  readonly services: ReadonlyMap<string, ServiceDefinition>;
  readonly checks: ReadonlyMap<string, CheckAlertInfo>;
  /** Evaluation time (ms): dependents' alerts wait for their dependencies' checks to confirm. */
  readonly now?: number;
  /** Keys of alerts already firing (the tracker's): settling never holds those back. */
  readonly firing?: ReadonlySet<string>;
  readonly externalUrl?: string;
}

/**
 * Longest a dependent's alert waits for the checks of its dependencies to confirm they are
 * healthy (see `explainedByDependency`): a stuck dependency check cannot hold alerts forever.
 */
export const SETTLE_CAP_MS = 10 * 60_000;

/** The link to a check's page, or '' without an external URL. */
export function checkURL(externalUrl: string | undefined, check: string): string {
  if (!externalUrl) return '';
  return `${externalUrl.replace(/\/+$/, '')}/health/checks/${encodeURIComponent(check)}`;
}

/**
 * The alerts that should be firing now, by label-set key: one per down check per service it
 * belongs to (one without `service` for checks in no service), minus those of services in
 * maintenance or impacted by a down dependency.
 */
export function desiredAlerts(inp: DesiredInput): Map<string, AlertBase> {
  const evalBy = new Map(inp.evals.map((e) => [e.name, e]));
  const servicesOf = new Map<string, string[]>();
  for (const s of [...inp.services.values()].sort((a, b) => (a.name < b.name ? -1 : 1)))
    for (const c of new Set(s.checks)) {
      const l = servicesOf.get(c);
      if (l) l.push(s.name);
      else servicesOf.set(c, [s.name]);
    }
  // Who each root cause impacts, for its alert's `impacted` annotation.
  const impacts = new Map<string, string[]>();
  for (const e of inp.evals)
    for (const r of e.impactedBy) {
      const l = impacts.get(r);
      if (l) l.push(e.name);
      else impacts.set(r, [e.name]);
    }
  const statusBy = new Map(inp.statuses.map((st) => [st.name, st]));
  const out = new Map<string, AlertBase>();
  for (const st of inp.statuses) {
    if (st.state !== 'down') continue;
    const svcs = servicesOf.get(st.name) ?? [];
    const targets: (string | undefined)[] = svcs.length === 0 ? [undefined] : [];
    for (const s of svcs) {
      const e = evalBy.get(s);
      if (!e || e.maintenance || e.impactedBy.length > 0) continue;
      targets.push(s);
    }
    for (const s of targets) {
      const a = alertFor(inp, st, s, s === undefined ? [] : (impacts.get(s) ?? []));
      const key = a.labels.toString();
      if (s !== undefined && inp.now !== undefined) {
        // Settling holds only what has not fired yet: never resolve an alert to re-fire it.
        const why = explainedByDependency(inp, statusBy, s, st, inp.now);
        if (why === 'down' || (why === 'settling' && !inp.firing?.has(key))) continue;
      }
      out.set(key, a);
    }
  }
  return out;
}

/**
 * Whether `st` (down, in `service`) should not alert (yet) because a dependency may explain it.
 * A dependent's check often notices an outage a probe before the database's own check does, and
 * is still failing a probe after the database came back; alerting then would send fifty alerts
 * around the one for the database. So a dependent's alert is held back while, among the checks
 * of the services it depends on (transitively), one
 * - is down (a degraded dependency counts too: its alert is the one that fires), or
 * - has not run since `st` went down, or is failing but still under its failure threshold, or
 * - recovered after `st` went down, and `st` has not been probed since.
 * Holding for the last two reasons ends after SETTLE_CAP_MS.
 */
function explainedByDependency(
  inp: DesiredInput,
  statusBy: ReadonlyMap<string, CheckStatus>,
  service: string,
  st: CheckStatus,
  now: number,
): 'down' | 'settling' | undefined {
  const settling = now - st.since < SETTLE_CAP_MS;
  let why: 'settling' | undefined;
  const seen = new Set<string>();
  const stack = [...(inp.services.get(service)?.depends_on ?? [])];
  while (stack.length > 0) {
    const dep = stack.pop() as string;
    if (seen.has(dep)) continue;
    seen.add(dep);
    const def = inp.services.get(dep);
    if (!def) continue;
    stack.push(...def.depends_on);
    for (const c of def.checks) {
      const ds = statusBy.get(c);
      if (!ds) continue;
      if (ds.state === 'down') return 'down';
      // Disabled or never scheduled: nothing will confirm anything.
      if (!settling || ds.nextRunAt === undefined) continue;
      if ((ds.lastRun?.at ?? 0) < st.since || ds.consecutiveFailures > 0) why = 'settling';
      if (ds.since > st.since && (st.lastRun?.at ?? 0) <= ds.since) why = 'settling';
    }
  }
  // Recovering (a success, still under success_threshold): wait for the verdict.
  if (settling && st.consecutiveSuccesses > 0) why = 'settling';
  return why;
}

function alertFor(
  inp: DesiredInput,
  st: CheckStatus,
  service: string | undefined,
  impacted: readonly string[],
): AlertBase {
  const info = inp.checks.get(st.name);
  const def = service === undefined ? undefined : inp.services.get(service);
  const labels = Labels.fromObject({
    ...def?.labels,
    ...info?.labels,
    alertname: ALERT_NAME,
    check: st.name,
    ...(service === undefined ? {} : { service }),
    severity: info?.severity ?? def?.severity ?? 'critical',
    kind: info?.kind ?? st.kind,
    instance: info?.target ?? st.target,
  });
  const annotations: Record<string, string> = {
    summary: `${st.name} is down`,
    description: st.lastError ?? '',
  };
  if (impacted.length > 0) annotations.impacted = impacted.join(', ');
  return {
    labels,
    annotations,
    startsAt: st.since,
    generatorURL: checkURL(inp.externalUrl, st.name),
  };
}

interface Tracked {
  alert: AlertBase;
  sig: string;
  lastSentAt: number;
  /** When it stopped being desired; 0 while firing. Kept until its resolution is delivered. */
  resolvedAt: number;
}

/** A batch to send and the keys it covers (report the outcome with delivered/failed). */
export interface AlertBatch {
  readonly alerts: Alert[];
  readonly keys: string[];
}

/** Per-tenant send schedule. Not thread-safe: one evaluation at a time per tenant. */
export class AlertTracker {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly resendMs: number) {}

  /** Keys of alerts currently firing (sent or due). */
  firing(): string[] {
    return [...this.tracked].filter(([, t]) => t.resolvedAt === 0).map(([k]) => k);
  }

  /** What to send at `now` given the alerts that should fire. */
  next(desired: ReadonlyMap<string, AlertBase>, now: number): AlertBatch {
    const alerts: Alert[] = [];
    const keys: string[] = [];
    for (const [k, d] of desired) {
      const sig = JSON.stringify([d.annotations, d.generatorURL]);
      const t = this.tracked.get(k);
      if (t && t.resolvedAt === 0 && t.sig === sig && now - t.lastSentAt < this.resendMs) continue;
      const startsAt = t && t.resolvedAt === 0 ? t.alert.startsAt : d.startsAt;
      const alert = { ...d, startsAt };
      this.tracked.set(k, { alert, sig, lastSentAt: now, resolvedAt: 0 });
      alerts.push({ ...alert, endsAt: now + 4 * this.resendMs, evaluatedAt: now });
      keys.push(k);
    }
    for (const [k, t] of this.tracked) {
      if (desired.has(k)) continue;
      if (t.resolvedAt === 0) t.resolvedAt = now;
      alerts.push({ ...t.alert, endsAt: t.resolvedAt, evaluatedAt: now });
      keys.push(k);
    }
    return { alerts, keys };
  }

  /** The batch was accepted: resolved alerts in it are done. */
  delivered(b: AlertBatch): void {
    for (const k of b.keys) if (this.tracked.get(k)?.resolvedAt) this.tracked.delete(k);
  }

  /** The batch failed: firing alerts in it are due again at the next evaluation. */
  failed(b: AlertBatch): void {
    for (const k of b.keys) {
      const t = this.tracked.get(k);
      if (t && t.resolvedAt === 0) t.lastSentAt = -Infinity;
    }
  }
}
