/**
 * The evaluator's seams: how it queries, where its output and alerts go, and its clock. All are
 * injected; the evaluator never builds an engine or a store.
 */
import type { Alert, Labels, TenantId } from '../../model/index.js';
import type { Expr, VectorSample } from '../../promql/index.js';
import type { Appendable, Queryable } from '../../storage/index.js';

/**
 * Runs an instant query for `tenant` at `t` (ms) and returns an instant vector. A scalar
 * result MUST come back as one sample with empty labels (Prometheus's EngineQueryFunc); any
 * other type MUST reject. Rejections become the rule's lastError.
 */
export type QueryFn = (tenant: TenantId, expr: string | Expr, t: number) => Promise<VectorSample[]>;

/**
 * Receives alerts to send (firing, and resolved ones with endsAt in the past). MUST NOT throw
 * synchronously for delivery problems: it queues; the evaluator does not wait.
 */
export interface AlertSink {
  send(tenant: TenantId, alerts: Alert[]): void;
}

/** Timers the evaluator schedules group ticks with (fake in tests). */
export interface Clock {
  /** ms since the epoch. */
  now(): number;
  /** Calls `fn` after `ms`; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const h = setTimeout(fn, Math.max(0, ms));
    h.unref?.();
    return () => clearTimeout(h);
  },
};

/** What alert label/annotation templates see (Prometheus's AlertTemplateData). */
export interface AlertTemplateData {
  labels: Readonly<Record<string, string>>;
  externalLabels: Readonly<Record<string, string>>;
  externalURL: string;
  value: number;
}

/**
 * Expands one template text for an alert (`name` is the template name, `__alert_<alertname>`).
 * Throws on parse or execution errors; the `query` function of templates goes through
 * `query(expr)`.
 */
export type TemplateExpandFn = (
  name: string,
  text: string,
  data: AlertTemplateData,
  timeMs: number,
  query: (expr: string) => Promise<VectorSample[]>,
) => Promise<string>;

export type RuleHealth = 'ok' | 'err' | 'unknown';

/** Options shared by every group of a manager. */
export interface RuleManagerOptions {
  tenant: TenantId;
  query: QueryFn;
  /**
   * Runs LogQL instant queries for groups with `lang: 'logql'` (log rule files), same contract
   * as `query`. Absent: those rules fail every evaluation with a clear error.
   */
  logQuery?: QueryFn;
  appendable: Appendable;
  /** Reads ALERTS_FOR_STATE for restoring `for` state after a restart. */
  queryable?: Queryable;
  sink?: AlertSink;
  /** Template expansion (default: the template module with Prometheus's functions). */
  expand?: TemplateExpandFn;
  clock?: Clock;
  /** Default group interval (Prometheus `evaluation_interval`), ms; default 60s. */
  evaluationIntervalMs?: number;
  /** Default `query_offset` of groups without their own, ms; default 0. */
  queryOffsetMs?: number;
  /** Resend firing (and resolved) alerts this often, ms; default 60s. */
  resendDelayMs?: number;
  /** How long after a restart ALERTS_FOR_STATE is trusted, ms; default 1h. */
  outageToleranceMs?: number;
  /** Least time left before a restored alert may fire, ms; default 10m. */
  forGracePeriodMs?: number;
  externalLabels?: Readonly<Record<string, string>>;
  externalURL?: string;
  /** Called with every evaluation failure (logging); optional. */
  onError?: (group: string, rule: string, err: unknown) => void;
}

/** Resolved option values. */
export interface ResolvedOptions extends Required<
  Omit<RuleManagerOptions, 'queryable' | 'sink' | 'expand' | 'onError' | 'logQuery'>
> {
  logQuery?: QueryFn;
  queryable?: RuleManagerOptions['queryable'];
  sink?: AlertSink;
  expand?: TemplateExpandFn;
  onError?: RuleManagerOptions['onError'];
}

export function resolveOptions(
  o: RuleManagerOptions,
  defaultExpand: TemplateExpandFn,
): ResolvedOptions {
  return {
    ...o,
    expand: o.expand ?? defaultExpand,
    clock: o.clock ?? systemClock,
    evaluationIntervalMs: o.evaluationIntervalMs ?? 60_000,
    queryOffsetMs: o.queryOffsetMs ?? 0,
    resendDelayMs: o.resendDelayMs ?? 60_000,
    outageToleranceMs: o.outageToleranceMs ?? 3_600_000,
    forGracePeriodMs: o.forGracePeriodMs ?? 600_000,
    externalLabels: o.externalLabels ?? {},
    externalURL: o.externalURL ?? '',
  };
}

/** A series the evaluator wrote last time, to mark stale when it goes away. */
export type SeriesKey = Labels;

export const RESOLVED_RETENTION_MS = 15 * 60_000;
