/** The functions Prometheus gives rule templates (template/template.go NewTemplateExpander). */
import { queryEscape } from './builtins.js';
import { TemplateFuncError } from './errors.js';
import type { FuncMap, TemplateFunc } from './exec.js';
import { GoDuration } from './go-time.js';
import {
  floatToTime,
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  humanizeTimestamp,
  toFloat,
} from './humanize.js';
import { parsePromDuration } from './prom-duration.js';
import { regexMatch, regexReplaceAll } from './regex.js';
import { str, stripDomain, stripPort, titleCase } from './strings.js';
import { isMap, mapGet, typeName } from './values.js';

/** One sample of a query result as templates see it: `.Labels.x`, `.Value`. */
export class QuerySample {
  constructor(
    readonly Labels: Readonly<Record<string, string>>,
    readonly Value: number,
  ) {}
}

/** Runs an instant PromQL query at the evaluation time (injected: no promql import here). */
export type TemplateQueryFn = (
  expr: string,
) => Promise<
  readonly { labels: Readonly<Record<string, string>>; value: number; timestamp?: number }[]
>;

export interface PromFuncOptions {
  readonly query?: TemplateQueryFn;
  /** e.g. "http://prometheus.example:9090/prefix"; feeds externalURL and pathPrefix. */
  readonly externalURL?: string;
  /** Evaluation time in Unix milliseconds (for `now`). */
  readonly now?: () => number;
}

function sample(v: unknown, fn: string): QuerySample {
  if (v instanceof QuerySample) return v;
  if (isMap(v) && !(v instanceof Map))
    return new QuerySample(
      (mapGet(v, 'Labels') ?? {}) as Record<string, string>,
      Number(mapGet(v, 'Value')),
    );
  throw new TemplateFuncError(
    `wrong type for value; expected sample; got ${typeName(v)} (in ${fn})`,
  );
}

function samples(v: unknown, fn: string): QuerySample[] {
  if (!Array.isArray(v))
    throw new TemplateFuncError(
      `wrong type for value; expected []sample; got ${typeName(v)} (in ${fn})`,
    );
  return v.map((s) => sample(s, fn));
}

function urlPath(u: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(u)?.[1] ?? '';
}

const one =
  <T>(f: (v: unknown) => T): TemplateFunc =>
  (v: unknown) =>
    f(v);

export function prometheusFuncs(opts: PromFuncOptions = {}): FuncMap {
  const ext = opts.externalURL ?? '';
  const funcs: Record<string, TemplateFunc> = {
    query: async (q: unknown) => {
      if (!opts.query) throw new TemplateFuncError('query is not available in this context');
      const res = await opts.query(str(q, 'query'));
      return res.map((s) => new QuerySample(s.labels, s.value));
    },
    first: (v: unknown) => {
      const s = samples(v, 'first');
      if (s.length === 0) throw new TemplateFuncError('first() called on vector with no elements');
      return s[0];
    },
    label: (name: unknown, s: unknown) => sample(s, 'label').Labels[str(name, 'label')] ?? '',
    value: (s: unknown) => sample(s, 'value').Value,
    strvalue: (s: unknown) => sample(s, 'strvalue').Labels['__value__'] ?? '',
    args: (...a: unknown[]) => Object.fromEntries(a.map((v, i) => [`arg${i}`, v])),
    tmpl: async function (this, name: unknown, data: unknown) {
      return this.execute(str(name, 'tmpl'), data);
    },
    safeHtml: one((v) => str(v, 'safeHtml')),
    match: (p: unknown, t: unknown) => regexMatch(str(p, 'match'), str(t, 'match')),
    reReplaceAll: (p: unknown, r: unknown, t: unknown) =>
      regexReplaceAll(str(p, 'reReplaceAll'), str(r, 'reReplaceAll'), str(t, 'reReplaceAll')),
    title: one((v) => titleCase(str(v, 'title'), false)),
    toUpper: one((v) => str(v, 'toUpper').toUpperCase()),
    toLower: one((v) => str(v, 'toLower').toLowerCase()),
    graphLink: one((e) => `/graph?g0.expr=${queryEscape(str(e, 'graphLink'))}&g0.tab=0`),
    tableLink: one((e) => `/graph?g0.expr=${queryEscape(str(e, 'tableLink'))}&g0.tab=1`),
    sortByLabel: (label: unknown, v: unknown) => {
      const l = str(label, 'sortByLabel');
      const key = (s: QuerySample): string => s.Labels[l] ?? '';
      return samples(v, 'sortByLabel').sort((a, b) =>
        key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0,
      );
    },
    humanize: one(humanize),
    humanize1024: one(humanize1024),
    humanizeDuration: one(humanizeDuration),
    humanizePercentage: one(humanizePercentage),
    humanizeTimestamp: one(humanizeTimestamp),
    toTime: one((v) => floatToTime(toFloat(v))),
    toDuration: one((v) => new GoDuration(Math.round(toFloat(v) * 1e9))),
    pathPrefix: () => urlPath(ext),
    externalURL: () => ext,
    parseDuration: one((v) => parsePromDuration(str(v, 'parseDuration'))),
    stripPort: one((v) => stripPort(str(v, 'stripPort'))),
    stripDomain: one((v) => stripDomain(str(v, 'stripDomain'))),
    now: () => (opts.now ? opts.now() : Date.now()) / 1000,
  };
  return Object.freeze(funcs);
}
