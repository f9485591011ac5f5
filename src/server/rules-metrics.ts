import { Counter, Gauge, type Registry } from 'prom-client';
import type { TenantId } from '../model/index.js';
import type { RuleManager } from '../rules/index.js';

/**
 * Rule evaluation metrics, read at /metrics time (Prometheus's prometheus_rule_* under Argus's
 * prefix): evaluations, failures and missed iterations per group, last duration and time.
 */
export function rulesMetrics(
  registry: Registry,
  managers: () => ReadonlyMap<TenantId, RuleManager>,
): void {
  if (registry.getSingleMetric('argus_rule_evaluations_total')) return;
  const labelNames = ['tenant', 'rule_group'] as const;
  const each = (
    fn: (
      labels: { tenant: string; rule_group: string },
      s: ReturnType<RuleManager['stats']>[number],
    ) => void,
  ) => {
    for (const [tenant, m] of managers())
      for (const s of m.stats()) fn({ tenant, rule_group: `${s.file};${s.group}` }, s);
  };
  const counter = (
    name: string,
    help: string,
    get: (s: ReturnType<RuleManager['stats']>[number]) => number,
  ) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        each((l, s) => this.inc(l, get(s)));
      },
    });
  counter('argus_rule_evaluations_total', 'Rule evaluations, by group.', (s) => s.evaluations);
  counter(
    'argus_rule_evaluation_failures_total',
    'Rule evaluations that failed, by group.',
    (s) => s.failures,
  );
  counter(
    'argus_rule_group_iterations_missed_total',
    'Group evaluations skipped because the previous one was still running.',
    (s) => s.missedIterations,
  );
  const gauge = (
    name: string,
    help: string,
    get: (s: ReturnType<RuleManager['stats']>[number]) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        each((l, s) => this.set(l, get(s)));
      },
    });
  gauge(
    'argus_rule_group_last_duration_seconds',
    'How long the last evaluation of the group took.',
    (s) => s.evaluationTimeMs / 1000,
  );
  gauge(
    'argus_rule_group_last_evaluation_timestamp_seconds',
    'When the group was last evaluated (0 = never).',
    (s) => s.lastEvaluation / 1000,
  );
  gauge(
    'argus_rule_group_interval_seconds',
    "The group's evaluation interval.",
    (s) => s.intervalMs / 1000,
  );
  gauge('argus_rule_group_rules', 'Rules in the group.', (s) => {
    const m = [...managers().values()]
      .flatMap((x) => x.groups())
      .find((g) => g.file === s.file && g.name === s.group);
    return m?.rules.length ?? 0;
  });
}
