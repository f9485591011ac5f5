/**
 * Rule templates through the `template` module with Prometheus's function set: the alert data
 * (`.Labels`, `.ExternalLabels`, `.ExternalURL`, `.Value`) as dot, `query` through the rule's
 * QueryFn at the evaluation time.
 */
import type { VectorSample } from '../../promql/index.js';
import {
  TemplateSet,
  expandTemplate,
  prometheusFuncs,
  type TemplateQueryFn,
} from '../../template/index.js';
import type { AlertTemplateData, TemplateExpandFn } from './types.js';

/** Prometheus's alert template expansion (missingkey=zero, as Prometheus). */
export const prometheusExpand: TemplateExpandFn = (name, text, data, timeMs, query) => {
  const q: TemplateQueryFn = async (expr) =>
    (await query(expr)).map((s: VectorSample) => ({
      labels: s.labels.toObject(),
      value: s.v,
      timestamp: s.t,
    }));
  return expandTemplate(name, text, templateDot(data), {
    funcs: prometheusFuncs({ query: q, externalURL: data.externalURL, now: () => timeMs }),
    missingKey: 'zero',
  });
};

/**
 * Dot of an alert template: a class, so the template engine treats it as a Go struct (an
 * unknown field is an error, as in Prometheus, not an empty map value).
 */
export class AlertDot {
  constructor(
    readonly Labels: Readonly<Record<string, string>>,
    readonly ExternalLabels: Readonly<Record<string, string>>,
    readonly ExternalURL: string,
    readonly Value: number,
  ) {}
}

export function templateDot(d: AlertTemplateData): AlertDot {
  return new AlertDot(d.labels, d.externalLabels, d.externalURL, d.value);
}

const parseFuncs = prometheusFuncs();

/** Parse check of one alert template (rule-file validation): Go's error text, or null. */
export function checkAlertTemplate(ruleName: string, text: string): string | null {
  if (!text.includes('{{')) return null;
  try {
    new TemplateSet({ funcs: parseFuncs, missingKey: 'zero' }).parse(`__alert_${ruleName}`, text);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : JSON.stringify(e);
  }
}
