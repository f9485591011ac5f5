import type { CompareOp, LabelFilterExpr } from '../ast.js';
import { compileIpMatcher } from './ip.js';
import { ERROR_LABEL, type LabelsBuilder } from './labels-builder.js';

export const LABEL_FILTER_ERR = 'LabelFilterErr';

export type LabelPredicate = (lbs: LabelsBuilder) => boolean;

function cmp(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
  }
}

/**
 * Loki's label filter semantics: a record that already has `__error__` passes every
 * non-string filter (only `__error__=""`-style string filters remove it); a missing label
 * fails a typed filter; a value that does not convert passes with `__error__=LabelFilterErr`.
 * `and` evaluates both sides (so both may set errors), `or` stops at the first success.
 */
export function compileLabelFilter(e: LabelFilterExpr): LabelPredicate {
  switch (e.kind) {
    case 'and': {
      const l = compileLabelFilter(e.left);
      const r = compileLabelFilter(e.right);
      return (lbs) => {
        const a = l(lbs);
        const b = r(lbs);
        return a && b;
      };
    }
    case 'or': {
      const l = compileLabelFilter(e.left);
      const r = compileLabelFilter(e.right);
      return (lbs) => l(lbs) || r(lbs);
    }
    case 'string': {
      const m = e.matcher;
      return (lbs) => m.matches(lbs.get(m.name) ?? '');
    }
    case 'number':
      return typed(e.name, (v) => parseGoFloat(v), e.op, e.value);
    case 'duration':
      return typed(e.name, parseGoDuration, e.op, e.seconds);
    case 'bytes':
      return typed(e.name, parseHumanBytes, e.op, e.bytes);
    case 'ip': {
      const m = compileIpMatcher(e.range);
      return (lbs) => {
        if (lbs.hasErr()) return true;
        const v = lbs.get(e.name);
        if (v === undefined) return false;
        return m(v.trim()) !== e.negate;
      };
    }
  }
}

function typed(
  name: string,
  conv: (v: string) => number | undefined,
  op: CompareOp,
  want: number,
): LabelPredicate {
  return (lbs) => {
    if (lbs.hasErr() && name !== ERROR_LABEL) return true;
    const v = lbs.get(name);
    if (v === undefined) return false;
    const got = conv(v);
    if (got === undefined) {
      lbs.setErr(LABEL_FILTER_ERR, `cannot convert label ${name}=${JSON.stringify(v)} to a number`);
      return true;
    }
    return cmp(op, got, want);
  };
}

/** strconv.ParseFloat: decimal, exponent, hex, Inf/NaN; no surrounding space. */
export function parseGoFloat(v: string): number | undefined {
  if (v === '' || v.trim() !== v) return undefined;
  const s = v.replace(/_/g, '');
  if (/^[-+]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (/^[-+]?0x[0-9a-f]+$/i.test(s)) return Number(s.replace('+', ''));
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return undefined;
  return Number(s);
}

const DUR_UNITS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Go's time.ParseDuration, in seconds ("1h2m3.5s", "250ms", "-1.5h", "0"). */
export function parseGoDuration(v: string): number | undefined {
  const m = /^([-+]?)((?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(v);
  if (!m) return v === '0' || v === '+0' || v === '-0' ? 0 : undefined;
  let total = 0;
  const re = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
  for (let p = re.exec(v); p; p = re.exec(v)) total += Number(p[1]) * DUR_UNITS[p[2]];
  return m[1] === '-' ? -total : total;
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1 };
for (const [i, p] of ['k', 'm', 'g', 't', 'p', 'e'].entries()) {
  BYTE_UNITS[p] = BYTE_UNITS[p + 'b'] = 1000 ** (i + 1);
  BYTE_UNITS[p + 'i'] = BYTE_UNITS[p + 'ib'] = 1024 ** (i + 1);
}

/** go-humanize ParseBytes: "42", "1.5 KB" (1000), "2KiB" (1024), case-insensitive. */
export function parseHumanBytes(v: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-zA-Z]*)\s*$/.exec(v.replace(/,/g, ''));
  if (!m) return undefined;
  const mult = BYTE_UNITS[m[2].toLowerCase()];
  return mult === undefined ? undefined : Number(m[1]) * mult;
}
