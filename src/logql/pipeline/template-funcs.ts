import { GoTime, TemplateFuncError, prometheusFuncs, type FuncMap } from '../../template/index.js';
import { parseGoDuration, parseHumanBytes } from './label-filter.js';

/** What `__line__` / `__timestamp__` read: the record being formatted. */
export interface CurrentRecord {
  line: string;
  ts: bigint;
}

const str = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'
      ? String(v)
      : v === undefined || v === null
        ? ''
        : JSON.stringify(v);

const num = (v: unknown): number => {
  const n = typeof v === 'number' ? v : Number(str(v).trim());
  return Number.isNaN(n) ? 0 : n;
};

const int = (v: unknown): number => Math.trunc(num(v));

/** Go int results print as integers (a JS number would print as a float64: 1.7e+09). */
const big = (n: number): bigint => BigInt(Math.trunc(n));

const ms = (t: unknown): number => (t instanceof GoTime ? t.ms : num(t));

function replaceN(s: string, old: string, neu: string, n: number): string {
  if (n < 0) return s.split(old).join(neu);
  let out = s;
  let from = 0;
  for (let k = 0; k < n; k++) {
    const i = out.indexOf(old, from);
    if (i < 0) break;
    out = out.slice(0, i) + neu + out.slice(i + old.length);
    from = i + neu.length + (old === '' ? 1 : 0);
  }
  return out;
}

const trimSet = (s: string, set: string, left: boolean, right: boolean): string => {
  let a = 0;
  let b = s.length;
  while (left && a < b && set.includes(s[a])) a++;
  while (right && b > a && set.includes(s[b - 1])) b--;
  return s.slice(a, b);
};

// Prometheus's reReplaceAll is Go's Regexp.ReplaceAllString (RE2, Go `$1`/`${name}` expansion).
const reReplaceAll = prometheusFuncs().reReplaceAll;

function goRegexReplace(re: string, src: string, repl: string, literal: boolean): string {
  return String(reReplaceAll.call(NO_CTX, re, literal ? repl.replace(/\$/g, '$$$$') : repl, src));
}

const NO_CTX = {
  execute: (): Promise<string> => Promise.reject(new TemplateFuncError('no nested templates here')),
};

/**
 * The template functions of Loki's line_format/label_format (pkg/logql/log/fmt.go's
 * functionMap): Go strings helpers, the common sprig ones (with the piped value last),
 * regexReplaceAll, math, and `__line__` / `__timestamp__`.
 */
export function logqlFuncs(cur: CurrentRecord): FuncMap {
  return {
    __line__: () => cur.line,
    __timestamp__: () => new GoTime(Number(cur.ts / 1_000_000n)),
    // sprig's date: `{{ __timestamp__ | date "2006-01-02" }}`.
    date: (layout, t) => (t instanceof GoTime ? t : new GoTime(num(t) * 1000)).Format(str(layout)),
    ToLower: (s) => str(s).toLowerCase(),
    ToUpper: (s) => str(s).toUpperCase(),
    Replace: (s, o, n, c) => replaceN(str(s), str(o), str(n), int(c)),
    Trim: (s, cut) => trimSet(str(s), str(cut), true, true),
    TrimLeft: (s, cut) => trimSet(str(s), str(cut), true, false),
    TrimRight: (s, cut) => trimSet(str(s), str(cut), false, true),
    TrimPrefix: (s, p) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
    TrimSuffix: (s, p) =>
      str(p) !== '' && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s),
    TrimSpace: (s) => str(s).trim(),
    lower: (s) => str(s).toLowerCase(),
    upper: (s) => str(s).toUpperCase(),
    title: (s) => str(s).replace(/(^|\s)(\S)/g, (_m, a: string, b: string) => a + b.toUpperCase()),
    trim: (s) => str(s).trim(),
    trimAll: (cut, s) => trimSet(str(s), str(cut), true, true),
    trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
    trimSuffix: (p, s) =>
      str(p) !== '' && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s),
    trunc: (n, s) => {
      const k = int(n);
      const t = str(s);
      return k >= 0 ? t.slice(0, k) : t.slice(Math.max(0, t.length + k));
    },
    substr: (a, b, s) => {
      const t = str(s);
      const start = int(a);
      const end = int(b);
      if (start < 0) return t.slice(0, end);
      if (end < 0 || end > t.length) return t.slice(start);
      return t.slice(start, end);
    },
    contains: (sub, s) => str(s).includes(str(sub)),
    hasPrefix: (p, s) => str(s).startsWith(str(p)),
    hasSuffix: (p, s) => str(s).endsWith(str(p)),
    replace: (o, n, s) => str(s).split(str(o)).join(str(n)),
    repeat: (n, s) => str(s).repeat(Math.max(0, int(n))),
    indent: (n, s) => str(s).replace(/^/gm, ' '.repeat(Math.max(0, int(n)))),
    nindent: (n, s) => '\n' + str(s).replace(/^/gm, ' '.repeat(Math.max(0, int(n)))),
    regexReplaceAll: (re, s, repl) => goRegexReplace(str(re), str(s), str(repl), false),
    regexReplaceAllLiteral: (re, s, repl) => goRegexReplace(str(re), str(s), str(repl), true),
    default: (d, v) =>
      v === undefined || v === null || v === '' || v === 0 || v === false ? d : v,
    urlencode: (s) => encodeURIComponent(str(s)),
    urldecode: (s) => {
      try {
        return decodeURIComponent(str(s).replace(/\+/g, ' '));
      } catch (err) {
        throw new TemplateFuncError(`invalid URL escape in ${JSON.stringify(str(s))}`, {
          cause: err,
        });
      }
    },
    b64enc: (s) => Buffer.from(str(s)).toString('base64'),
    b64dec: (s) => Buffer.from(str(s), 'base64').toString('utf8'),
    int: (v) => big(int(v)),
    float64: (v) => num(v),
    add: (...a) => big(a.reduce<number>((x, y) => x + int(y), 0)),
    sub: (a, b) => big(int(a) - int(b)),
    mul: (...a) => big(a.reduce<number>((x, y) => x * int(y), 1)),
    div: (a, b) => {
      if (int(b) === 0) throw new TemplateFuncError('integer divide by zero');
      return big(Math.trunc(int(a) / int(b)));
    },
    mod: (a, b) => {
      if (int(b) === 0) throw new TemplateFuncError('integer divide by zero');
      return big(int(a) % int(b));
    },
    addf: (...a) => a.reduce<number>((x, y) => x + num(y), 0),
    subf: (a, ...b) => b.reduce<number>((x, y) => x - num(y), num(a)),
    mulf: (...a) => a.reduce<number>((x, y) => x * num(y), 1),
    divf: (a, ...b) => b.reduce<number>((x, y) => x / num(y), num(a)),
    max: (...a) => big(Math.max(...a.map(int))),
    min: (...a) => big(Math.min(...a.map(int))),
    maxf: (...a) => Math.max(...a.map(num)),
    minf: (...a) => Math.min(...a.map(num)),
    ceil: (v) => Math.ceil(num(v)),
    floor: (v) => Math.floor(num(v)),
    round: (v, p) => {
      const m = 10 ** int(p);
      return Math.round(num(v) * m) / m;
    },
    alignLeft: (n, s) => str(s).padEnd(int(n)).slice(0, int(n)),
    alignRight: (n, s) => {
      const t = str(s);
      const k = int(n);
      return t.length >= k ? t.slice(t.length - k) : t.padStart(k);
    },
    count: (sub, s) =>
      big(str(sub) === '' ? [...str(s)].length + 1 : str(s).split(str(sub)).length - 1),
    bytes: (s) => parseHumanBytes(str(s)) ?? 0,
    duration: (s) => parseGoDuration(str(s)) ?? 0,
    duration_seconds: (s) => parseGoDuration(str(s)) ?? 0,
    unixEpoch: (t) => big(Math.floor(ms(t) / 1000)),
    unixEpochMillis: (t) => big(ms(t)),
    unixEpochNanos: (t) => (t instanceof GoTime ? cur.ts : BigInt(Math.round(ms(t))) * 1_000_000n),
    fromJson: (s) => {
      try {
        return JSON.parse(str(s)) as unknown;
      } catch (err) {
        throw new TemplateFuncError(`cannot parse JSON: ${(err as Error).message}`, { cause: err });
      }
    },
  };
}
