/** The parsed form of a Prometheus rule file (rulefmt): what the evaluator is built from. */
import type { Pos } from './yaml-nodes.js';

export type { Pos } from './yaml-nodes.js';

interface RuleSpecBase {
  /** `record` or `alert` value. */
  readonly name: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Where the rule's mapping starts in its file. */
  readonly pos: Pos;
}

export interface RecordingRuleSpec extends RuleSpecBase {
  readonly kind: 'recording';
}

export interface AlertingRuleSpec extends RuleSpecBase {
  readonly kind: 'alerting';
  /** ms; 0 = fire at once. */
  readonly forMs: number;
  /** ms; 0 = resolve at once. */
  readonly keepFiringForMs: number;
  readonly annotations: Readonly<Record<string, string>>;
}

export type RuleSpec = RecordingRuleSpec | AlertingRuleSpec;

/** The query language of a group's `expr`s: PromQL (rule_files) or LogQL (log_rule_files). */
export type RuleLang = 'promql' | 'logql';

export interface RuleGroupSpec {
  readonly name: string;
  /** The file it was read from (as given to the loader). */
  readonly file: string;
  /** ms; 0 = the global evaluation interval. */
  readonly intervalMs: number;
  /** ms; undefined = the global rule query offset. */
  readonly queryOffsetMs?: number;
  /** Most alerts (alerting rules) or series (recording rules) per rule; 0 = no limit. */
  readonly limit: number;
  /** Added to every rule's output (Prometheus 3 group labels); rule labels win. */
  readonly labels: Readonly<Record<string, string>>;
  readonly rules: readonly RuleSpec[];
  readonly pos: Pos;
  /**
   * `logql`: the group came from a log rule file (Loki ruler format) and is evaluated through
   * the manager's `logQuery`. Absent = PromQL.
   */
  readonly lang?: RuleLang;
}
