/** Evaluates an http check's conditions on a response; each returns what was wrong, or nothing. */
import { RE2JS } from 're2js';
import type { HttpSpec, JsonCondition } from './http-schema.js';
import { lookupJsonPath, parseJsonPath, type PathStep } from './json-path.js';

/** A spec's compiled conditions, cached per parsed spec (probes run every few seconds). */
interface Compiled {
  statusOk: (code: number) => boolean;
  statusText: string;
  regex: RE2JS[];
  notRegex: RE2JS[];
  json: { cond: JsonCondition; steps: PathStep[]; re?: RE2JS }[];
}
const cache = new WeakMap<HttpSpec, Compiled>();

function compile(spec: HttpSpec): Compiled {
  let c = cache.get(spec);
  if (c) return c;
  const ranges = spec.valid_status.map((v): [number, number] => {
    if (typeof v === 'number') return [v, v];
    if (v.endsWith('xx')) return [Number(v[0]) * 100, Number(v[0]) * 100 + 99];
    const [lo, hi = lo] = v.split('-').map(Number);
    return [lo, hi];
  });
  c = {
    statusOk: (code) => ranges.some(([lo, hi]) => code >= lo && code <= hi),
    statusText: spec.valid_status.join(', '),
    regex: spec.body_regex.map((r) => RE2JS.compile(r)),
    notRegex: spec.body_not_regex.map((r) => RE2JS.compile(r)),
    json: spec.json_path.map((cond) => ({
      cond,
      steps: parseJsonPath(cond.path) as PathStep[],
      re: cond.matches === undefined ? undefined : RE2JS.compile(cond.matches),
    })),
  };
  cache.set(spec, c);
  return c;
}

export function checkStatus(spec: HttpSpec, status: number): string | undefined {
  const c = compile(spec);
  return c.statusOk(status) ? undefined : `status ${status}, want one of ${c.statusText}`;
}

export interface BodyVerdict {
  error?: string;
  /** A body_regex / body_not_regex condition failed (blackbox's probe_failed_due_to_regex). */
  regexFailed: boolean;
}

/** Checks the body conditions in order: contains, not contains, regexes, JSON paths. */
export function checkBody(spec: HttpSpec, body: string): BodyVerdict {
  const c = compile(spec);
  for (const s of spec.body_contains)
    if (!body.includes(s)) return { error: `body does not contain ${q(s)}`, regexFailed: false };
  for (const s of spec.body_not_contains)
    if (body.includes(s))
      return { error: `body contains ${q(s)}, want it absent`, regexFailed: false };
  for (const [i, re] of c.regex.entries())
    if (!re.matcher(body).find())
      return { error: `body does not match ${q(spec.body_regex[i])}`, regexFailed: true };
  for (const [i, re] of c.notRegex.entries())
    if (re.matcher(body).find())
      return {
        error: `body matches ${q(spec.body_not_regex[i])}, want no match`,
        regexFailed: true,
      };
  if (c.json.length === 0) return { regexFailed: false };
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    return { error: `body is not JSON: ${(err as Error).message}`, regexFailed: false };
  }
  for (const j of c.json) {
    const error = checkJson(j.cond, lookupJsonPath(doc, j.steps), j.re);
    if (error) return { error: `json ${j.cond.path}: ${error}`, regexFailed: false };
  }
  return { regexFailed: false };
}

function checkJson(cond: JsonCondition, value: unknown, re: RE2JS | undefined): string | undefined {
  const got = value === undefined ? 'missing' : JSON.stringify(value);
  if (cond.exists === false) return value === undefined ? undefined : `is ${got}, want absent`;
  if (value === undefined) return 'missing, want it present';
  if (cond.equals !== undefined && value !== cond.equals)
    return `is ${got}, want ${JSON.stringify(cond.equals)}`;
  if (cond.not_equals !== undefined && value === cond.not_equals)
    return `is ${got}, want anything else`;
  if (cond.contains !== undefined) {
    const ok =
      typeof value === 'string'
        ? value.includes(cond.contains)
        : Array.isArray(value) && value.includes(cond.contains);
    if (!ok) return `is ${truncate(got)}, want it to contain ${q(cond.contains)}`;
  }
  if (re && !re.matcher(typeof value === 'string' ? value : JSON.stringify(value)).find())
    return `is ${truncate(got)}, want a match of ${q(cond.matches!)}`;
  const cmp: [keyof JsonCondition, string, (a: number, b: number) => boolean][] = [
    ['gt', '>', (a, b) => a > b],
    ['gte', '>=', (a, b) => a >= b],
    ['lt', '<', (a, b) => a < b],
    ['lte', '<=', (a, b) => a <= b],
  ];
  for (const [key, op, fn] of cmp) {
    const want = cond[key] as number | undefined;
    if (want === undefined) continue;
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (Number.isNaN(n)) return `is ${truncate(got)}, want a number ${op} ${want}`;
    if (!fn(n, want)) return `is ${n}, want ${op} ${want}`;
  }
  return undefined;
}

function q(s: string): string {
  return JSON.stringify(truncate(s));
}

function truncate(s: string): string {
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}
