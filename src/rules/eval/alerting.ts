/**
 * An alerting rule and its alerts' state machine (Prometheus rules/alerting.go): inactive →
 * pending → firing after `for`, kept firing for `keep_firing_for` after the condition clears,
 * resolved alerts kept (and resent) for 15 minutes.
 */
import type { Labels } from '../../model/index.js';
import { METRIC_NAME, staleNaN, type Alert, type TenantId } from '../../model/index.js';
import type { VectorSample } from '../../promql/index.js';
import { RuleEvalError } from '../errors.js';
import { withTemplateDefs } from '../file/parse.js';
import type { RuleLang } from '../file/spec.js';
import { BaseRule, labelsKey, withLabels, type EvalContext } from './rule.js';
import {
  RESOLVED_RETENTION_MS,
  type AlertTemplateData,
  type QueryFn,
  type ResolvedOptions,
} from './types.js';

export type AlertState = 'inactive' | 'pending' | 'firing';

/** One alert of a rule (times in ms; 0 = unset). */
export interface ActiveAlert {
  labels: Labels;
  annotations: Record<string, string>;
  value: number;
  state: AlertState;
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  /** -Infinity until first sent. */
  lastSentAt: number;
  validUntil: number;
  keepFiringSince: number;
}

export const ALERTS = 'ALERTS';
export const ALERTS_FOR_STATE = 'ALERTS_FOR_STATE';

export class AlertingRule extends BaseRule {
  readonly kind = 'alerting';
  /** By label-set key. */
  active = new Map<string, ActiveAlert>();
  /** False until for-state restoration ran; ALERTS series are written only after it. */
  restored = true;
  /** A template problem of the last evaluation (the rule still produced its alerts). */
  templateError: string | null = null;

  constructor(
    name: string,
    exprText: string,
    labels: Readonly<Record<string, string>>,
    readonly annotations: Readonly<Record<string, string>>,
    readonly forMs: number,
    readonly keepFiringForMs: number,
    private readonly tenant: TenantId,
    private readonly queryFn: QueryFn,
    private readonly opts: ResolvedOptions,
    lang: RuleLang = 'promql',
  ) {
    super(name, exprText, labels, lang);
  }

  /** The rule's state in the API: the most severe of its alerts. */
  state(): AlertState {
    let s: AlertState = 'inactive';
    for (const a of this.active.values()) {
      if (a.state === 'firing') return 'firing';
      if (a.state === 'pending') s = 'pending';
    }
    return s;
  }

  private async expand(text: string, data: AlertTemplateData, ts: number): Promise<string> {
    const expand = this.opts.expand;
    if (expand === undefined || !text.includes('{{')) return text;
    try {
      return await expand(`__alert_${this.name}`, withTemplateDefs(text), data, ts, (q) =>
        this.queryFn(this.tenant, q, ts),
      );
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.templateError ??= msg;
      this.opts.onError?.('', this.name, e);
      return `<error expanding template: ${msg}>`;
    }
  }

  async eval(ctx: EvalContext): Promise<VectorSample[]> {
    const { ts } = ctx;
    this.templateError = null;
    const vec = await this.queryFn(this.tenant, this.expr, ctx.queryTs);
    const found = new Map<string, ActiveAlert>();
    for (const s of vec) {
      const data: AlertTemplateData = {
        labels: s.labels.toObject(),
        externalLabels: this.opts.externalLabels,
        externalURL: this.opts.externalURL,
        value: s.v,
      };
      const expanded: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.labels))
        expanded[k] = await this.expand(v, data, ts);
      const labels = withLabels(s.labels, { ...expanded, alertname: this.name }, [METRIC_NAME]);
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.annotations)) {
        annotations[k] = await this.expand(v, data, ts);
      }
      const key = labelsKey(labels);
      if (found.has(key)) {
        throw new RuleEvalError(
          'vector contains metrics with the same labelset after applying alert labels',
        );
      }
      found.set(key, {
        labels,
        annotations,
        value: s.v,
        state: 'pending',
        activeAt: ts,
        firedAt: 0,
        resolvedAt: 0,
        lastSentAt: -Infinity, // never: Go's zero time, before any evaluation time
        validUntil: 0,
        keepFiringSince: 0,
      });
    }
    for (const [key, a] of found) {
      const old = this.active.get(key);
      if (old !== undefined && old.state !== 'inactive') {
        old.value = a.value;
        old.annotations = a.annotations;
        continue;
      }
      this.active.set(key, a);
    }
    let activeCount = 0;
    const out: VectorSample[] = [];
    for (const [key, a] of this.active) {
      if (!found.has(key)) {
        let keepFiring = false;
        if (a.state === 'firing' && this.keepFiringForMs > 0) {
          if (a.keepFiringSince === 0) a.keepFiringSince = ts;
          if (ts - a.keepFiringSince < this.keepFiringForMs) keepFiring = true;
        }
        // Pending alerts vanish; resolved ones are kept a while to be sent as resolved.
        if (
          a.state === 'pending' ||
          (a.resolvedAt !== 0 && ts - a.resolvedAt > RESOLVED_RETENTION_MS)
        ) {
          this.active.delete(key);
        }
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = 0;
      }
      if (a.state === 'pending' && ts - a.activeAt >= this.forMs) {
        a.state = 'firing';
        a.firedAt = ts;
      }
      activeCount++;
      if (this.restored) out.push(...this.seriesOf(a, ctx.queryTs));
    }
    if (ctx.limit > 0 && activeCount > ctx.limit) {
      this.active = new Map();
      throw new RuleEvalError(`exceeded limit of ${ctx.limit} with ${activeCount} alerts`);
    }
    return out;
  }

  /** ALERTS{alertstate} = 1 and ALERTS_FOR_STATE = activeAt (s) for one alert. */
  seriesOf(a: ActiveAlert, t: number): VectorSample[] {
    return [
      { labels: withLabels(a.labels, { [METRIC_NAME]: ALERTS, alertstate: a.state }), t, v: 1 },
      {
        labels: withLabels(a.labels, { [METRIC_NAME]: ALERTS_FOR_STATE }),
        t,
        v: Math.floor(a.activeAt / 1000),
      },
    ];
  }

  /**
   * Alerts due to be sent at `ts` (firing ones every resend delay, resolved ones when they
   * resolve and again every resend delay while retained), marked as sent.
   */
  alertsToSend(ts: number, intervalMs: number): Alert[] {
    const resend = this.opts.resendDelayMs;
    const out: Alert[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'pending') continue;
      const due = a.resolvedAt > a.lastSentAt || a.lastSentAt + resend < ts;
      if (!due) continue;
      a.lastSentAt = ts;
      // Valid for two missed evaluations or sends.
      a.validUntil = ts + 4 * Math.max(resend, intervalMs);
      out.push({
        labels: a.labels,
        annotations: { ...a.annotations },
        startsAt: a.firedAt,
        endsAt: a.resolvedAt !== 0 ? a.resolvedAt : a.validUntil,
        generatorURL: generatorURL(this.opts.externalURL, this.query, this.lang),
        evaluatedAt: ts,
      });
    }
    return out;
  }

  /** Stale markers for the ALERTS series of alerts that existed (used when a group stops). */
  staleSeries(t: number): VectorSample[] {
    const out: VectorSample[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'inactive') continue;
      for (const s of this.seriesOf(a, t)) out.push({ ...s, v: staleNaN });
    }
    return out;
  }

  /** Copies alert state from the same rule of a replaced group. */
  adoptState(from: AlertingRule): void {
    for (const [k, a] of from.active) this.active.set(k, a);
  }
}

/**
 * A link to the rule's expression in the UI: the Explore page for PromQL
 * (`<external URL>explore?q=…`), the Logs page for LogQL (`<external URL>logs?q=…`).
 */
export function generatorURL(externalURL: string, expr: string, lang: RuleLang = 'promql'): string {
  const base = externalURL === '' || externalURL.endsWith('/') ? externalURL : `${externalURL}/`;
  return `${base}${lang === 'logql' ? 'logs' : 'explore'}?q=${encodeURIComponent(expr)}`;
}
