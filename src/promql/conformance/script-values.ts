/**
 * The lexical pieces of the PromQL test-script language (FORMAT.md §2, §3.1): durations, value
 * sequences (`1+2x3`, `_x4`, `stale`, `{{…}}`), bare numbers and PromQL string literals.
 */
import { ArgusError } from '../../util/index.js';

/** A script that does not follow the format; the message names file:line. */
export class ScriptParseError extends ArgusError {}

/** One position of a value sequence. Stale markers are a kind, not a NaN, so no bits can be lost. */
export type SeqValue =
  | { readonly kind: 'float'; readonly v: number }
  | { readonly kind: 'stale' }
  | { readonly kind: 'omitted' }
  /** A native-histogram literal, kept opaque (Argus does not evaluate native histograms yet). */
  | { readonly kind: 'histogram'; readonly text: string; readonly counterResetHintSet: boolean };

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};
const DURATION_RE = /^(?:\d+(?:ms|[smhdwy]))+$/;
const DURATION_PART = /(\d+)(ms|[smhdwy])/g;

/** A Prometheus duration (`1m30s`, `0`) in ms; units must go from largest to smallest. */
export function parseDuration(s: string): number {
  if (s === '0') return 0;
  if (!DURATION_RE.test(s)) throw new Error(`cannot parse duration ${JSON.stringify(s)}`);
  let ms = 0;
  let last = Infinity;
  for (const m of s.matchAll(DURATION_PART)) {
    const unit = UNIT_MS[m[2]];
    if (unit >= last)
      throw new Error(`cannot parse duration ${JSON.stringify(s)}: units out of order`);
    last = unit;
    ms += Number(m[1]) * unit;
  }
  return ms;
}

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|inf(?:inity)?|nan)$/i;
const INT_RE = /^([+-]?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|0[0-7]*|[1-9]\d*)$/i;

/** A float as Go's strconv.ParseFloat reads it (decimal, exponent, Inf/NaN in any case), or null. */
export function parseFloatStrict(s: string): number | null {
  if (!FLOAT_RE.test(s)) return null;
  const body = s.replace(/^[+-]/, '').toLowerCase();
  const neg = s.startsWith('-');
  if (body === 'nan') return NaN;
  if (body.startsWith('inf')) return neg ? -Infinity : Infinity;
  return Number(s);
}

/** A scalar expectation line: an integer in any Go base (`0x10`, `017`) or a float; else null. */
export function parseNumber(s: string): number | null {
  const m = INT_RE.exec(s);
  if (m) {
    const body = m[2].toLowerCase();
    let n: number;
    if (body.startsWith('0x')) n = parseInt(body.slice(2), 16);
    else if (body.startsWith('0o')) n = parseInt(body.slice(2), 8);
    else if (body.startsWith('0b')) n = parseInt(body.slice(2), 2);
    else if (body.length > 1 && body.startsWith('0')) n = parseInt(body.slice(1), 8);
    else n = parseInt(body, 10);
    return m[1] === '-' ? -n : n;
  }
  return parseFloatStrict(s);
}

// A value item: base, then either `xN`, or `+B xN` / `-B xN`. Hex only with a letter digit
// (`0x1F`): the corpus writes `0x59` meaning "0 repeated 59 more times".
const NUM = String.raw`[+-]?(?:0x[0-9a-fA-F]*[a-fA-F][0-9a-fA-F]*|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|[Ii]nf|NaN|nan)`;
const UNSIGNED = String.raw`(?:0x[0-9a-fA-F]*[a-fA-F][0-9a-fA-F]*|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|[Ii]nf|NaN)`;
const ITEM_RE = new RegExp(`^(${NUM})(?:x(\\d+)|([+-])(${UNSIGNED})x(\\d+))?$`);

function num(s: string): number {
  const t = s.replace(/^[+-]/, '');
  const neg = s.startsWith('-');
  let v: number;
  if (/^0x/i.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^inf$/i.test(t)) v = Infinity;
  else if (/^nan$/i.test(t)) v = NaN;
  else v = Number(t);
  return neg ? -v : v;
}

/** Splits a value list into items, keeping `{{…}}` literals (which contain spaces) whole. */
export function splitItems(s: string): string[] {
  const items: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    if (i >= s.length) break;
    let j = i;
    while (j < s.length && s[j] !== ' ' && s[j] !== '\t') {
      if (s.startsWith('{{', j)) {
        const close = s.indexOf('}}', j + 2);
        if (close < 0) throw new Error(`unterminated histogram literal in ${JSON.stringify(s)}`);
        j = close + 2;
      } else j++;
    }
    items.push(s.slice(i, j));
    i = j;
  }
  return items;
}

function histogramItem(item: string): SeqValue[] {
  // `{{H}}`, `{{H}}xN`, `{{H1}}+{{H2}}xN`, `{{H1}}-{{H2}}xN`: kept opaque, expanded only in count.
  const m = /^(\{\{.*?\}\})(?:x(\d+)|[+-](\{\{.*?\}\})x(\d+))?$/.exec(item);
  if (!m) throw new Error(`cannot parse histogram item ${JSON.stringify(item)}`);
  const n = m[2] !== undefined ? Number(m[2]) + 1 : m[4] !== undefined ? Number(m[4]) + 1 : 1;
  const one: SeqValue = {
    kind: 'histogram',
    text: m[3] !== undefined ? item : m[1],
    counterResetHintSet: m[1].includes('counter_reset_hint:'),
  };
  return new Array<SeqValue>(n).fill(one);
}

/** Expands one value item (FORMAT.md §3.1) into its positions. */
export function expandItem(item: string): SeqValue[] {
  if (item === '_') return [{ kind: 'omitted' }];
  if (item === 'stale') return [{ kind: 'stale' }];
  const om = /^_x(\d+)$/.exec(item);
  if (om) return new Array<SeqValue>(Number(om[1])).fill({ kind: 'omitted' });
  if (item.startsWith('{{')) return histogramItem(item);
  const m = ITEM_RE.exec(item);
  if (!m) throw new Error(`cannot parse value ${JSON.stringify(item)}`);
  const base = num(m[1]);
  if (m[2] !== undefined) {
    return new Array<SeqValue>(Number(m[2]) + 1).fill({ kind: 'float', v: base });
  }
  if (m[3] !== undefined) {
    const step = (m[3] === '-' ? -1 : 1) * num(m[4]);
    const n = Number(m[5]);
    const out: SeqValue[] = [];
    // Accumulate like the Go parser (k additions), so long sequences match its rounding.
    let v = base;
    for (let k = 0; k <= n; k++) {
      out.push({ kind: 'float', v });
      v += step;
    }
    return out;
  }
  return [{ kind: 'float', v: base }];
}

/** Expands a whole value list. */
export function expandValues(s: string): SeqValue[] {
  const out: SeqValue[] = [];
  for (const item of splitItems(s)) out.push(...expandItem(item));
  return out;
}

const SIMPLE_ESC: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/**
 * Reads a PromQL string literal (Go escapes in "…" and '…', raw in `…`) starting at `s[i]`.
 * Returns the value and the index after the closing quote. `\x`/octal escapes are bytes,
 * decoded as UTF-8 together with the rest (invalid sequences become U+FFFD).
 */
export function readString(s: string, i: number): { value: string; end: number } {
  const q = s[i];
  if (q === '`') {
    const close = s.indexOf('`', i + 1);
    if (close < 0) throw new Error('unterminated raw string');
    return { value: s.slice(i + 1, close), end: close + 1 };
  }
  if (q !== '"' && q !== "'") throw new Error(`expected a quoted string at char ${i + 1}`);
  const bytes: number[] = [];
  const enc = new TextEncoder();
  const pushStr = (t: string): void => {
    for (const b of enc.encode(t)) bytes.push(b);
  };
  let j = i + 1;
  for (;;) {
    if (j >= s.length) throw new Error('unterminated string');
    const c = s[j];
    if (c === q) break;
    if (c !== '\\') {
      const cp = s.codePointAt(j) ?? 0;
      const ch = String.fromCodePoint(cp);
      pushStr(ch);
      j += ch.length;
      continue;
    }
    const e = s[j + 1];
    if (e in SIMPLE_ESC) {
      pushStr(SIMPLE_ESC[e]);
      j += 2;
    } else if (e === 'x') {
      bytes.push(parseInt(s.slice(j + 2, j + 4), 16));
      j += 4;
    } else if (e >= '0' && e <= '7') {
      bytes.push(parseInt(s.slice(j + 1, j + 4), 8));
      j += 4;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      pushStr(String.fromCodePoint(parseInt(s.slice(j + 2, j + 2 + n), 16)));
      j += 2 + n;
    } else throw new Error(`unknown escape \\${e}`);
  }
  return { value: new TextDecoder().decode(new Uint8Array(bytes)), end: j + 1 };
}
