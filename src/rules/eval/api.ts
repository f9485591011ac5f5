/** The `GET /api/v1/rules` and `/api/v1/alerts` data in Prometheus's JSON shape. */
import { AlertingRule, type ActiveAlert } from './alerting.js';
import type { RuleManager } from './manager.js';

/** Go's zero time.Time in JSON. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

const iso = (ms: number): string => (ms === 0 ? ZERO_TIME : new Date(ms).toISOString());

/** A float as Go's strconv.FormatFloat(v, 'e', -1, 64) (Prometheus's alert `value`). */
export function formatGoExp(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const s = v.toExponential();
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (!m) return s;
  return `${m[1]}e${m[2]}${m[3].padStart(2, '0')}`;
}

export interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  keepFiringSince?: string;
  value: string;
}

export function apiAlert(a: ActiveAlert): ApiAlert {
  return {
    labels: a.labels.toObject(),
    annotations: a.annotations,
    state: a.state,
    ...(a.activeAt !== 0 ? { activeAt: iso(a.activeAt) } : {}),
    ...(a.keepFiringSince !== 0 ? { keepFiringSince: iso(a.keepFiringSince) } : {}),
    value: formatGoExp(a.value),
  };
}

export interface RulesFilter {
  type?: 'alert' | 'record';
  ruleName?: readonly string[];
  ruleGroup?: readonly string[];
  file?: readonly string[];
  excludeAlerts?: boolean;
}

/** `{ groups: [...] }` as Prometheus's API `data` for /api/v1/rules. */
export function rulesApiData(m: RuleManager, f: RulesFilter = {}): { groups: unknown[] } {
  const has = (list: readonly string[] | undefined, v: string): boolean =>
    list === undefined || list.length === 0 || list.includes(v);
  const groups: unknown[] = [];
  for (const g of m.groups()) {
    if (!has(f.ruleGroup, g.name) || !has(f.file, g.file)) continue;
    const rules: unknown[] = [];
    for (const r of g.rules) {
      if (!has(f.ruleName, r.name)) continue;
      const common = {
        name: r.name,
        query: r.query,
        labels: r.labels,
        health: r.health,
        ...(r.lastError !== null ? { lastError: r.lastError } : {}),
        evaluationTime: r.evaluationTimeMs / 1000,
        lastEvaluation: iso(r.lastEvaluation),
      };
      // An additive field (Prometheus clients ignore unknown ones): tells LogQL rules apart.
      const lang = r.lang === 'logql' ? { lang: 'logql' } : {};
      if (r instanceof AlertingRule) {
        if (f.type === 'record') continue;
        const alerts = [...r.active.values()].filter((a) => a.state !== 'inactive');
        rules.push({
          state: r.state(),
          name: r.name,
          query: r.query,
          duration: r.forMs / 1000,
          keepFiringFor: r.keepFiringForMs / 1000,
          labels: r.labels,
          annotations: r.annotations,
          ...(f.excludeAlerts === true ? {} : { alerts: alerts.map(apiAlert) }),
          health: common.health,
          ...(r.lastError !== null ? { lastError: r.lastError } : {}),
          evaluationTime: common.evaluationTime,
          lastEvaluation: common.lastEvaluation,
          type: 'alerting',
          ...lang,
        });
      } else {
        if (f.type === 'alert') continue;
        rules.push({ ...common, type: 'recording', ...lang });
      }
    }
    if (rules.length === 0 && (f.type !== undefined || (f.ruleName?.length ?? 0) > 0)) continue;
    groups.push({
      name: g.name,
      file: g.file,
      rules,
      interval: g.intervalMs / 1000,
      limit: g.spec.limit,
      evaluationTime: g.evaluationTimeMs / 1000,
      lastEvaluation: iso(g.lastEvaluation),
    });
  }
  return { groups };
}

/** `{ alerts: [...] }` for /api/v1/alerts. */
export function alertsApiData(m: RuleManager): { alerts: ApiAlert[] } {
  return { alerts: m.activeAlerts().map(apiAlert) };
}
