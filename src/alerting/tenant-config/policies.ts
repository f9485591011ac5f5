/**
 * Escalation policies as the API edits them: the `escalation_policies` list and which route
 * carries which policy, read from a parsed config and written back into its YAML document
 * (only those parts change; the rest of the text, comments included, stays as it was).
 */
import { parseDocument } from 'yaml';
import { formatDuration } from '../../config/index.js';
import { formatMatcher } from '../matchers/format.js';
import type { AlertmanagerConfig } from '../config/parse.js';
import type { RawRoute } from '../config/schema.js';
import { TenantConfigInvalidError } from './load.js';

export interface PolicyLevel {
  receiver: string;
  /** A duration as in the YAML (`15m`); the first level's is usually `0s`. */
  delay: string;
}
export interface PolicyView {
  name: string;
  levels: PolicyLevel[];
  repeat: number;
}
/** One node of the routing tree. `id` is its config path: `route`, `route.routes[0]`, … */
export interface RouteView {
  id: string;
  matchers: string[];
  receiver: string | null;
  /** The policy set on this route itself (null: none, or inherited from a parent). */
  escalation_policy: string | null;
  /** The policy in force for it (its own or the nearest parent's). */
  effective_policy: string | null;
}
export interface PoliciesView {
  policies: PolicyView[];
  routes: RouteView[];
}
export interface PolicyEdit {
  policies: readonly PolicyView[];
  /** Routes to attach a policy to (`policy: null` detaches). */
  attach: readonly { route: string; policy: string | null }[];
}

function routes(r: RawRoute, id: string, inherited: string | null, out: RouteView[]): void {
  const effective = r.escalation_policy ?? inherited;
  out.push({
    id,
    matchers: [...(r.match ?? []), ...(r.match_re ?? []), ...(r.matchers ?? [])].map(formatMatcher),
    receiver: r.receiver ?? null,
    escalation_policy: r.escalation_policy ?? null,
    effective_policy: effective,
  });
  (r.routes ?? []).forEach((c, i) => routes(c, `${id}.routes[${i}]`, effective, out));
}

/** The policies of a parsed config and its routing tree, depth first. */
export function policiesView(config: AlertmanagerConfig): PoliciesView {
  const out: RouteView[] = [];
  routes(config.route, 'route', null, out);
  return {
    policies: (config.escalation_policies ?? []).map((p) => ({
      name: p.name,
      levels: p.levels.map((l) => ({ receiver: l.receiver, delay: formatDuration(l.delay) })),
      repeat: p.repeat,
    })),
    routes: out,
  };
}

/** `route.routes[0].routes[2]` → ['route', 'routes', 0, 'routes', 2]; undefined if malformed. */
export function routePath(id: string): (string | number)[] | undefined {
  if (!/^route(\.routes\[\d+\])*$/.test(id)) return undefined;
  const path: (string | number)[] = ['route'];
  for (const m of id.matchAll(/\.routes\[(\d+)\]/g)) path.push('routes', Number(m[1]));
  return path;
}

/**
 * `yaml` with its `escalation_policies` replaced by `edit.policies` and each `attach` applied.
 * The result is not validated here (the caller loads it, which names any broken reference).
 */
export function editPolicies(yaml: string, edit: PolicyEdit): string {
  const doc = parseDocument(yaml);
  const problems: string[] = [];
  if (edit.policies.length === 0) doc.delete('escalation_policies');
  else
    doc.set(
      'escalation_policies',
      doc.createNode(
        edit.policies.map((p) => ({
          name: p.name,
          levels: p.levels.map((l) => ({ receiver: l.receiver, delay: l.delay })),
          ...(p.repeat > 0 ? { repeat: p.repeat } : {}),
        })),
      ),
    );
  edit.attach.forEach((a, i) => {
    const path = routePath(a.route);
    if (path === undefined || !doc.hasIn(path)) {
      problems.push(`attach[${i}].route: no route ${JSON.stringify(a.route)} in the config`);
      return;
    }
    if (a.policy === null) doc.deleteIn([...path, 'escalation_policy']);
    else doc.setIn([...path, 'escalation_policy'], a.policy);
  });
  if (problems.length > 0) throw new TenantConfigInvalidError(problems);
  return doc.toString();
}
