/** The functions Alertmanager gives notification templates (template/template.go DefaultFuncs). */
import { TemplateFuncError } from './errors.js';
import type { FuncMap, TemplateFunc } from './exec.js';
import { GoDuration, GoTime, inZone } from './go-time.js';
import { humanizeDuration } from './humanize.js';
import { regexMatch, regexReplaceAll } from './regex.js';
import { queryUnescape, str, titleCase } from './strings.js';
import { isMap, mapEntries, methodOf, typeName } from './values.js';

function time(v: unknown, fn: string): GoTime {
  if (v instanceof GoTime) return v;
  if (v instanceof Date) return GoTime.fromDate(v);
  throw new TemplateFuncError(
    `wrong type for value; expected time.Time; got ${typeName(v)} (in ${fn})`,
  );
}

/** encoding/json.Marshal: sorted map keys, <, > and & escaped as \u003c etc. */
export function goJson(v: unknown): string {
  const norm = (x: unknown): unknown => {
    if (typeof x === 'bigint') return Number(x);
    if (x instanceof GoTime) return new Date(x.ms).toISOString().replace('.000Z', 'Z');
    if (x instanceof Date) return x.toISOString();
    if (x instanceof GoDuration) return x.ns;
    if (typeof x === 'number' && !Number.isFinite(x))
      throw new TemplateFuncError(`json: unsupported value: ${String(x)}`);
    if (Array.isArray(x)) return x.map(norm);
    if (isMap(x)) return Object.fromEntries(mapEntries(x).map(([k, e]) => [String(k), norm(e)]));
    if (x !== null && typeof x === 'object') {
      if (methodOf(x, 'String') === undefined || Object.keys(x).length > 0)
        return Object.fromEntries(Object.entries(x).map(([k, e]) => [k, norm(e)]));
    }
    return x;
  };
  return (JSON.stringify(norm(v)) ?? 'null')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
}

export function alertmanagerFuncs(opts: { now?: () => number } = {}): FuncMap {
  const now = opts.now ?? Date.now;
  const funcs: Record<string, TemplateFunc> = {
    toUpper: (s: unknown) => str(s, 'toUpper').toUpperCase(),
    toLower: (s: unknown) => str(s, 'toLower').toLowerCase(),
    title: (s: unknown) => titleCase(str(s, 'title'), true),
    trimSpace: (s: unknown) => str(s, 'trimSpace').trim(),
    join: (sep: unknown, s: unknown) => {
      if (!Array.isArray(s))
        throw new TemplateFuncError(`wrong type for value; expected []string; got ${typeName(s)}`);
      return s.map((x) => str(x, 'join')).join(str(sep, 'join'));
    },
    match: (p: unknown, t: unknown) => regexMatch(str(p, 'match'), str(t, 'match')),
    safeHtml: (s: unknown) => str(s, 'safeHtml'),
    safeUrl: (s: unknown) => str(s, 'safeUrl'),
    urlUnescape: (s: unknown) => queryUnescape(str(s, 'urlUnescape')),
    reReplaceAll: (p: unknown, r: unknown, t: unknown) =>
      regexReplaceAll(str(p, 'reReplaceAll'), str(r, 'reReplaceAll'), str(t, 'reReplaceAll')),
    stringSlice: (...s: unknown[]) => s.map((x) => str(x, 'stringSlice')),
    date: (layout: unknown, t: unknown) => time(t, 'date').Format(str(layout, 'date')),
    tz: (name: unknown, t: unknown) => inZone(time(t, 'tz'), str(name, 'tz')),
    since: (t: unknown) => new GoDuration((now() - time(t, 'since').ms) * 1e6),
    humanizeDuration: (v: unknown) => humanizeDuration(v),
    toJson: (v: unknown) => goJson(v),
  };
  return Object.freeze(funcs);
}
