/** The health API's JSON views of the engines' values. */
import {
  CHECK_KINDS,
  type CheckDefinition,
  type CheckRun,
  type CheckStatus,
} from '../checks/index.js';
import type { HealthEngine, MaintenanceWindow, ServiceDefinition } from '../health/index.js';
import type { CheckRunView, CheckView, MaintenanceView, PublicStatusView } from '../api/index.js';
import type { TenantId } from '../model/index.js';

export function targetOf(def: CheckDefinition): string {
  const kind = CHECK_KINDS.get(def.kind);
  try {
    return kind ? kind.target(def.spec) : '';
  } catch {
    return '';
  }
}

export function statusFields(
  st: CheckStatus | undefined,
): Pick<
  CheckView,
  | 'state'
  | 'since'
  | 'consecutive_failures'
  | 'consecutive_successes'
  | 'last_run'
  | 'last_error'
  | 'last_error_at'
  | 'next_run_at'
> {
  if (!st) return { state: 'unknown', since: 0, consecutive_failures: 0, consecutive_successes: 0 };
  return {
    state: st.state,
    since: st.since,
    consecutive_failures: st.consecutiveFailures,
    consecutive_successes: st.consecutiveSuccesses,
    ...(st.lastRun ? { last_run: runView(st.lastRun) } : {}),
    ...(st.lastError !== undefined ? { last_error: st.lastError } : {}),
    ...(st.lastErrorAt !== undefined ? { last_error_at: st.lastErrorAt } : {}),
    ...(st.nextRunAt !== undefined ? { next_run_at: st.nextRunAt } : {}),
  };
}

export function runView(run: CheckRun): CheckRunView {
  const r = run.result;
  return {
    at: run.at,
    success: r.success,
    duration_seconds: r.durationSeconds,
    ...(r.error !== undefined ? { error: r.error } : {}),
    metrics: r.metrics.map((m) => ({
      name: m.name,
      value: m.value,
      ...(m.labels ? { labels: { ...m.labels } } : {}),
    })),
    ...(r.detail ? { detail: { ...r.detail } } : {}),
  };
}

export function maintenanceView(w: MaintenanceWindow): MaintenanceView {
  return {
    id: w.id,
    service: w.service,
    starts_at: w.startsAt,
    ends_at: w.endsAt,
    comment: w.comment,
    created_by: w.createdBy,
    source: w.source,
  };
}

/** A service definition as written (durations back in text). */
export function definitionOf(d: ServiceDefinition): Record<string, unknown> {
  const { slo, ...rest } = d;
  return {
    ...rest,
    ...(slo ? { slo: { target: slo.target, window: `${Math.round(slo.window / 1000)}s` } } : {}),
  };
}

/**
 * The public status page of a tenant: its `public: true` services only (name, description,
 * status, uptime, maintenance) — nothing else leaves. Undefined when none is public.
 */
export async function publicStatus(
  engine: HealthEngine,
  tenant: TenantId,
  title: string,
  definition: (service: string) => ServiceDefinition | undefined,
): Promise<PublicStatusView | undefined> {
  const pub = engine.health(tenant).services.filter((s) => definition(s.name)?.public === true);
  if (pub.length === 0) return undefined;
  const now = Date.now();
  const services: PublicStatusView['services'] = [];
  for (const s of pub) {
    const u = await engine.uptime(tenant, 'service', s.name);
    services.push({
      name: s.name,
      description: definition(s.name)?.description ?? '',
      status: s.status,
      uptime_90d: u.windows['90d'],
      daily: u.daily.map((d) => ({ day: d.day, ratio: d.ratio })),
    });
  }
  const names = new Set(pub.map((s) => s.name));
  const windows = (await engine.listMaintenance(tenant, { endsAfter: now })).filter(
    (w) => names.has(w.service) && w.startsAt <= now + 7 * 86_400_000,
  );
  const rank = { down: 3, degraded: 2, up: 1, unknown: 0, maintenance: 0 } as const;
  const worst = pub
    .filter((s) => s.status !== 'maintenance')
    .reduce<PublicStatusView['status']>(
      (a, s) => (rank[s.status] > rank[a] ? s.status : a),
      'unknown',
    );
  return {
    title,
    status: pub.every((s) => s.status === 'maintenance') ? 'maintenance' : worst,
    updated_at: now,
    services,
    maintenance: windows.map((w) => ({
      service: w.service,
      starts_at: w.startsAt,
      ends_at: w.endsAt,
      comment: w.comment,
    })),
    outages: pub
      .filter((s) => s.status === 'down' || s.status === 'degraded')
      .map((s) => ({ service: s.name, status: s.status, since: s.since })),
  };
}
