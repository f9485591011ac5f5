/** What recording and alerting rules share: identity, parsed expression, health. */
import { Labels, METRIC_NAME } from '../../model/index.js';
import { formatExpr, type Expr, type VectorSample } from '../../promql/index.js';
import { parseRuleExpr } from '../expr.js';
import type { RuleLang } from '../file/spec.js';
import type { RuleHealth } from './types.js';

/** Where one evaluation runs. */
export interface EvalContext {
  /** The group's tick (ms): activeAt, resends and lastEvaluation use it. */
  ts: number;
  /** `ts - query_offset`: the query time and the timestamp of written samples. */
  queryTs: number;
  /** The group's `limit` (0 = none). */
  limit: number;
}

/** A label-set key for maps (exact, unlike the 53-bit hash). */
export function labelsKey(l: Labels): string {
  return l.flat.join('\xff');
}

/** `base` with `set` applied: empty values delete, as Prometheus's labels.Builder. */
export function withLabels(
  base: Labels,
  set: Readonly<Record<string, string>>,
  del: string[] = [],
): Labels {
  const o = base.toObject();
  for (const n of del) delete o[n];
  for (const [k, v] of Object.entries(set)) o[k] = v;
  return Labels.fromObject(o);
}

function errorText(err: unknown): string {
  return typeof err === 'string' ? err : JSON.stringify(err);
}

export abstract class BaseRule {
  /** Parsed PromQL; a LogQL rule keeps its text (the LogQL QueryFn parses it). */
  readonly expr: Expr | string;
  /** The expression as Prometheus prints it (API `query`); a LogQL rule's text as written. */
  readonly query: string;
  health: RuleHealth = 'unknown';
  lastError: string | null = null;
  /** ms; 0 = never. */
  lastEvaluation = 0;
  evaluationTimeMs = 0;

  constructor(
    readonly name: string,
    exprText: string,
    /** Group labels merged under the rule's own. */
    readonly labels: Readonly<Record<string, string>>,
    readonly lang: RuleLang = 'promql',
  ) {
    if (lang === 'logql') {
      this.expr = exprText;
      this.query = exprText.trim();
    } else {
      const e = parseRuleExpr(exprText);
      this.expr = e;
      this.query = formatExpr(e);
    }
  }

  abstract readonly kind: 'recording' | 'alerting';

  /** Rule identity across reloads (name, query and labels, as the brief and Prometheus's CopyState). */
  identity(): string {
    const l = Object.entries(this.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify([this.kind, this.lang, this.name, this.query, l]);
  }

  /** Evaluates and returns the samples to write at ctx.queryTs. Throws on failure. */
  abstract eval(ctx: EvalContext): Promise<VectorSample[]>;

  setHealth(err: unknown, ts: number, tookMs: number): void {
    this.lastEvaluation = ts;
    this.evaluationTimeMs = tookMs;
    if (err === undefined) {
      this.health = 'ok';
      this.lastError = null;
    } else {
      this.health = 'err';
      this.lastError = err instanceof Error ? err.message : errorText(err);
    }
  }
}

export { METRIC_NAME };
