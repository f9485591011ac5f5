/**
 * The Rules page's logic: filter rule groups by text and state, count rules per state, and
 * the Explore link of a rule's query. Pure, no DOM.
 */

export type RuleState = 'inactive' | 'pending' | 'firing';

export interface RuleLike {
  name: string;
  query: string;
  type: 'alerting' | 'recording';
  state?: RuleState;
  health: string;
  lastError?: string;
  labels?: Record<string, string>;
}

export interface RuleGroupLike<R extends RuleLike> {
  name: string;
  file: string;
  rules: R[];
}

export interface RuleFilter {
  text: string;
  /** 'all', a state (alerting rules only), or 'error' (unhealthy rules). */
  state: RuleState | 'all' | 'error';
}

export function ruleMatches(r: RuleLike, group: string, f: RuleFilter): boolean {
  if (f.state === 'error' && r.health !== 'err') return false;
  if (f.state !== 'all' && f.state !== 'error' && r.state !== f.state) return false;
  const t = f.text.trim().toLowerCase();
  if (t === '') return true;
  const hay = [
    r.name,
    r.query,
    group,
    r.lastError ?? '',
    ...Object.entries(r.labels ?? {}).map(([k, v]) => `${k}=${v}`),
  ];
  return hay.some((s) => s.toLowerCase().includes(t));
}

/** Groups with only their matching rules; groups with none left go. */
export function filterRuleGroups<R extends RuleLike, G extends RuleGroupLike<R>>(
  groups: readonly G[],
  f: RuleFilter,
): G[] {
  return groups
    .map((g) => ({ ...g, rules: g.rules.filter((r) => ruleMatches(r, g.name, f)) }))
    .filter((g) => g.rules.length > 0);
}

export function stateCounts(
  groups: readonly RuleGroupLike<RuleLike>[],
): Record<RuleState | 'error', number> {
  const c = { inactive: 0, pending: 0, firing: 0, error: 0 };
  for (const g of groups)
    for (const r of g.rules) {
      if (r.state !== undefined) c[r.state]++;
      if (r.health === 'err') c.error++;
    }
  return c;
}

/** Explore with the query filled in (Explore reads `?q=`). */
export function exploreHref(query: string): string {
  return `/explore?${new URLSearchParams({ q: query }).toString()}`;
}

/** Groups managed through `/api/argus/v1/rule-groups` report this pseudo file. */
export const API_RULES_FILE = 'api';

/** A group from a rule file is read-only in the UI (edit the file; Argus reloads it). */
export function isFileProvisioned(g: { file: string }): boolean {
  return g.file !== '' && g.file !== API_RULES_FILE && !isBuiltIn(g);
}

/** A group created and edited through the API (stored per tenant). */
export function isApiManaged(g: { file: string }): boolean {
  return g.file === API_RULES_FILE;
}

/** Argus's own rules (self-monitoring, watchdog) name their "file" in angle brackets. */
export function isBuiltIn(g: { file: string }): boolean {
  return g.file.startsWith('<');
}
