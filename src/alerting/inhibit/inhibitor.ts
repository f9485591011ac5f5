import type { Labels, Matcher, TenantId } from '../../model/index.js';
import { isResolved } from '../../model/index.js';
import type { InhibitRuleConfig } from '../config/schema.js';
import type { AlertProvider, Muter, StoredAlert } from '../types.js';

/** One inhibit rule with its matchers merged (`*_match`, `*_match_re` and `*_matchers`). */
export interface InhibitRule {
  readonly source: readonly Matcher[];
  readonly target: readonly Matcher[];
  readonly equal: readonly string[];
}

/** The rules of a parsed Alertmanager config, matchers of the three spellings merged. */
export function inhibitRules(cfg: readonly InhibitRuleConfig[]): InhibitRule[] {
  return cfg.map((r) => ({
    source: [...(r.source_match ?? []), ...(r.source_match_re ?? []), ...(r.source_matchers ?? [])],
    target: [...(r.target_match ?? []), ...(r.target_match_re ?? []), ...(r.target_matchers ?? [])],
    equal: r.equal ?? [],
  }));
}

function matchAll(ms: readonly Matcher[], ls: Labels): boolean {
  for (const m of ms) if (!m.matches(ls.get(m.name))) return false;
  return true;
}

/** The `equal` labels' values (missing = ''), as one key: sources are indexed by it. */
function equalKey(equal: readonly string[], ls: Labels): string {
  let k = '';
  for (const n of equal) k += ls.get(n) + '\xff';
  return k;
}

/** Resolved sources this long ago are dropped from the cache (clocks only move forward, roughly). */
const PRUNE_GRACE_MS = 5 * 60_000;

/** Per tenant: equal-key → fingerprint → the source alert as last stored. */
type SourceCache = Map<TenantId, Map<string, Map<string, StoredAlert>>>;

/**
 * Alertmanager's inhibitor (inhibit/inhibit.go): an alert matching a rule's target matchers is
 * muted while a FIRING alert matching the source matchers has the same values for the `equal`
 * labels; an alert matching both sides cannot be inhibited by a source that also matches the
 * target side (so it never inhibits itself). Sources are cached per rule, kept up to date from
 * the provider's subscription and indexed by their `equal` values: `mutedBy` does no scan.
 * Like Alertmanager, `mutedBy` returns the first inhibiting alert found (one fingerprint).
 */
export class Inhibitor implements Muter {
  private readonly caches: SourceCache[];
  private readonly seeded = new Set<TenantId>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly rules: readonly InhibitRule[],
    private readonly provider: AlertProvider,
  ) {
    this.caches = rules.map((): SourceCache => new Map());
    this.unsubscribe = provider.subscribe((tenant, alerts) => {
      // An unseeded tenant reads the provider whole on first use (which has these already).
      if (this.seeded.has(tenant)) for (const a of alerts) this.add(a);
    });
  }

  /** Stops following the provider. */
  stop(): void {
    this.unsubscribe();
  }

  private add(a: StoredAlert): void {
    const ls = a.alert.labels;
    this.rules.forEach((r, i) => {
      if (!matchAll(r.source, ls)) return;
      let byTenant = this.caches[i].get(a.tenant);
      if (byTenant === undefined)
        this.caches[i].set(a.tenant, (byTenant = new Map<string, Map<string, StoredAlert>>()));
      const key = equalKey(r.equal, ls);
      let byFp = byTenant.get(key);
      if (byFp === undefined) byTenant.set(key, (byFp = new Map<string, StoredAlert>()));
      byFp.set(a.fingerprint, a);
    });
  }

  private seed(tenant: TenantId): void {
    this.seeded.add(tenant);
    for (const a of this.provider.list(tenant)) this.add(a);
  }

  mutedBy(tenant: TenantId, labels: Labels, now: number): readonly string[] {
    if (!this.seeded.has(tenant)) this.seed(tenant);
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i];
      if (!matchAll(r.target, labels)) continue;
      const sources = this.caches[i].get(tenant)?.get(equalKey(r.equal, labels));
      if (sources === undefined) continue;
      const twoSided = matchAll(r.source, labels);
      for (const [fp, s] of sources) {
        if (isResolved(s.alert, now)) {
          if (s.alert.endsAt + PRUNE_GRACE_MS <= now) sources.delete(fp);
          continue;
        }
        if (twoSided && matchAll(r.target, s.alert.labels)) continue;
        return [fp];
      }
    }
    return [];
  }
}
