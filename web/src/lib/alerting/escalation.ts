/**
 * Escalation policies as the Receivers page shows them, read from the Alertmanager config the
 * server reports (`/api/v2/status` config.original, parsed from YAML by the caller): each
 * policy's levels and repeat, and which routes use it. Pure, no DOM; unknown shapes are
 * skipped rather than trusted.
 */

export interface PolicyLevel {
  receiver: string;
  /** As written (`15m`); '' for the first level. */
  delay: string;
}
export interface PolicyView {
  name: string;
  levels: PolicyLevel[];
  repeat: number;
  /** The routes that name it, as `receiver (matchers)`. */
  usedBy: string[];
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : '';

function routeName(r: Record<string, unknown>): string {
  const ms = Array.isArray(r.matchers) ? r.matchers.map(text).filter((s) => s !== '') : [];
  const match = isObj(r.match) ? Object.entries(r.match).map(([k, v]) => `${k}="${text(v)}"`) : [];
  const all = [...ms, ...match];
  const recv = text(r.receiver) || '(inherited receiver)';
  return all.length > 0 ? `${recv} (${all.join(', ')})` : recv;
}

export function escalationPolicies(config: unknown): PolicyView[] {
  if (!isObj(config) || !Array.isArray(config.escalation_policies)) return [];
  const usedBy = new Map<string, string[]>();
  const walk = (r: unknown, inherited: string) => {
    if (!isObj(r)) return;
    const own = text(r.escalation_policy);
    const policy = own || inherited;
    if (own !== '') {
      const l = usedBy.get(own) ?? [];
      l.push(routeName(r));
      usedBy.set(own, l);
    }
    if (Array.isArray(r.routes)) for (const c of r.routes) walk(c, policy);
  };
  walk(config.route, '');
  return config.escalation_policies.filter(isObj).map((p) => {
    const name = text(p.name);
    return {
      name,
      levels: (Array.isArray(p.levels) ? p.levels : [])
        .filter(isObj)
        .map((l) => ({ receiver: text(l.receiver), delay: text(l.delay) })),
      repeat: typeof p.repeat === 'number' ? p.repeat : 0,
      usedBy: usedBy.get(name) ?? [],
    };
  });
}
