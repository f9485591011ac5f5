/**
 * Status aggregation and root causes: pure functions of check states, the dependency graph and
 * the maintenance windows in force.
 *
 * Decisions:
 * - A service with no checks at all is `unknown` (its dependencies' status is shown through
 *   `impactedBy`, not folded into its own).
 * - A dependency counts as down for root causes when its checks say so even while it is in
 *   maintenance: planned database work then mutes the database's alerts and suppresses its
 *   dependents' in its favour, instead of letting fifty services page.
 */
import type { CheckState } from '../checks/index.js';
import type { MaintenanceWindow, ServiceStatus } from './types.js';
import type { ServiceRefs } from './validate.js';

/** The status from check states alone (no maintenance). */
export function statusOfChecks(
  states: readonly CheckState[],
): Exclude<ServiceStatus, 'maintenance'> {
  let up = 0;
  let down = 0;
  for (const s of states) {
    if (s === 'up') up++;
    else if (s === 'down') down++;
  }
  if (up + down === 0) return 'unknown';
  if (up === 0) return 'down';
  return down > 0 ? 'degraded' : 'up';
}

/**
 * For each service, its root causes: the dependencies (transitively) that are down and have no
 * down dependency of their own, sorted. `down` is the set of services down by their checks.
 * Cycles (an invalid set) are tolerated: each node is visited once per walk.
 */
export function rootCauses(
  services: readonly Pick<ServiceRefs, 'name' | 'depends_on'>[],
  down: ReadonlySet<string>,
): Map<string, string[]> {
  const deps = new Map(services.map((s) => [s.name, s.depends_on]));
  // Whether a service has a down dependency somewhere below it.
  const hasDownBelow = new Map<string, boolean>();
  const below = (n: string, path: Set<string>): boolean => {
    const known = hasDownBelow.get(n);
    if (known !== undefined) return known;
    if (path.has(n)) return false;
    path.add(n);
    let r = false;
    for (const d of deps.get(n) ?? []) {
      if (!deps.has(d)) continue;
      if (down.has(d) || below(d, path)) r = true;
    }
    path.delete(n);
    hasDownBelow.set(n, r);
    return r;
  };
  const out = new Map<string, string[]>();
  for (const s of services) {
    const roots = new Set<string>();
    const seen = new Set<string>([s.name]);
    const todo = [...s.depends_on];
    while (todo.length > 0) {
      const d = todo.pop()!;
      if (seen.has(d) || !deps.has(d)) continue;
      seen.add(d);
      if (down.has(d) && !below(d, new Set())) roots.add(d);
      todo.push(...deps.get(d)!);
    }
    out.set(s.name, [...roots].sort());
  }
  return out;
}

/** One service's evaluated health (ServiceHealth without `since`). */
export interface ServiceEval {
  readonly name: string;
  /** The status from its checks, ignoring maintenance. */
  readonly raw: Exclude<ServiceStatus, 'maintenance'>;
  readonly status: ServiceStatus;
  readonly checks: readonly { readonly name: string; readonly state: CheckState }[];
  readonly impactedBy: readonly string[];
  readonly maintenance?: MaintenanceWindow;
}

/** Evaluates every service, sorted by name. */
export function evaluateServices(
  services: readonly ServiceRefs[],
  checkState: (check: string) => CheckState,
  maintenanceOf: (service: string) => MaintenanceWindow | undefined,
): ServiceEval[] {
  const raw = new Map<string, Exclude<ServiceStatus, 'maintenance'>>();
  const checks = new Map<string, { name: string; state: CheckState }[]>();
  for (const s of services) {
    const cs = s.checks.map((name) => ({ name, state: checkState(name) }));
    checks.set(s.name, cs);
    raw.set(s.name, statusOfChecks(cs.map((c) => c.state)));
  }
  const down = new Set([...raw].filter(([, st]) => st === 'down').map(([n]) => n));
  const roots = rootCauses(services, down);
  return [...services]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => {
      const m = maintenanceOf(s.name);
      const r = raw.get(s.name)!;
      return {
        name: s.name,
        raw: r,
        status: m ? 'maintenance' : r,
        checks: checks.get(s.name)!,
        impactedBy: roots.get(s.name)!,
        ...(m ? { maintenance: m } : {}),
      };
    });
}

// A service whose state is not known yet (no checks, or none probed) does not make the whole
// tenant "unknown" while the others are known to be up.
const RANK: Record<ServiceStatus, number> = {
  maintenance: 0,
  unknown: 1,
  up: 2,
  degraded: 3,
  down: 4,
};

/**
 * The tenant's overall status: the worst service status (down > degraded > up > unknown),
 * maintenance ignored; `maintenance` when every service is in maintenance, `unknown` with none.
 * Root causes: services down (not in maintenance) with no down dependency of their own.
 */
export function overall(evals: readonly ServiceEval[]): {
  status: ServiceStatus;
  rootCauses: string[];
} {
  if (evals.length === 0) return { status: 'unknown', rootCauses: [] };
  let status: ServiceStatus = 'maintenance';
  for (const e of evals) if (RANK[e.status] > RANK[status]) status = e.status;
  const rootCauses = evals
    .filter((e) => e.status === 'down' && e.impactedBy.length === 0)
    .map((e) => e.name);
  return { status, rootCauses };
}

/** The window in force at `now` among `windows` (the one ending last), if any. */
export function activeWindow(
  windows: readonly MaintenanceWindow[],
  now: number,
): MaintenanceWindow | undefined {
  let best: MaintenanceWindow | undefined;
  for (const w of windows)
    if (w.startsAt <= now && now < w.endsAt && (!best || w.endsAt > best.endsAt)) best = w;
  return best;
}
