/**
 * Byte-level helpers for the exposition parsers: character classes, number parsing straight
 * from the body's bytes, UTF-8 validation and label-value unescaping. No string is built on the
 * fast paths; callers pass `[start, end)` spans of the body.
 */

export const SP = 0x20;
export const TAB = 0x09;
export const NL = 0x0a;
export const CR = 0x0d;
export const HASH = 0x23;
export const QUOTE = 0x22;
export const BSLASH = 0x5c;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const COMMA = 0x2c;
export const EQ = 0x3d;

/** [a-zA-Z_:] */
export function isMetricNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}

/** [a-zA-Z0-9_:] */
export function isMetricNameChar(c: number): boolean {
  return isMetricNameStart(c) || (c >= 0x30 && c <= 0x39);
}

/** [a-zA-Z_] */
export function isLabelNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

/** [a-zA-Z0-9_] */
export function isLabelNameChar(c: number): boolean {
  return isLabelNameStart(c) || (c >= 0x30 && c <= 0x39);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

/** Case-insensitive match of `b[s, e)` against a lower-case ASCII word. */
function wordIs(b: Buffer, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if ((b[s + i] | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * Parses a float from `b[s, e)`: `[sign] digits [. digits] [e [sign] digits]` (at least one
 * digit), and, when `special`, `[sign] inf|infinity` and `nan` in any case. Hex, octal, binary
 * and `_` separators are refused (OpenMetrics ABNF; Go's ParseFloat is laxer, see the docs).
 * Returns undefined when the span is not a number.
 *
 * Fast path (Clinger): a mantissa of at most 15 significant digits scaled by 10^k, |k| <= 22,
 * is exact in one multiplication or division, so no string is built. Others go through Number().
 */
export function parseFloatSpan(
  b: Buffer,
  s: number,
  e: number,
  special: boolean,
): number | undefined {
  let i = s;
  let neg = false;
  if (i < e && (b[i] === 0x2b || b[i] === 0x2d)) {
    neg = b[i] === 0x2d;
    i++;
  }
  if (i >= e) return undefined;
  const c0 = b[i] | 0x20;
  if (c0 === 0x69 /* i */ || c0 === 0x6e /* n */) {
    if (!special) return undefined;
    if (wordIs(b, i, e, 'inf') || wordIs(b, i, e, 'infinity')) return neg ? -Infinity : Infinity;
    if (i === s && wordIs(b, i, e, 'nan')) return NaN;
    return undefined;
  }
  let mant = 0;
  let sig = 0; // significant digits in mant
  let exp = 0;
  let digits = 0;
  while (i < e && isDigit(b[i])) {
    if (mant !== 0 || b[i] !== 0x30) {
      if (sig < 15) {
        mant = mant * 10 + (b[i] - 0x30);
        sig++;
      } else exp++;
    }
    digits++;
    i++;
  }
  if (i < e && b[i] === 0x2e) {
    i++;
    while (i < e && isDigit(b[i])) {
      if (mant !== 0 || b[i] !== 0x30) {
        if (sig < 15) {
          mant = mant * 10 + (b[i] - 0x30);
          sig++;
          exp--;
        }
      } else exp--;
      digits++;
      i++;
    }
  }
  if (digits === 0) return undefined;
  const slow = sig >= 15;
  if (i < e && (b[i] | 0x20) === 0x65) {
    i++;
    let eneg = false;
    if (i < e && (b[i] === 0x2b || b[i] === 0x2d)) {
      eneg = b[i] === 0x2d;
      i++;
    }
    if (i >= e || !isDigit(b[i])) return undefined;
    let x = 0;
    while (i < e && isDigit(b[i])) {
      if (x < 100000) x = x * 10 + (b[i] - 0x30);
      i++;
    }
    exp += eneg ? -x : x;
  }
  if (i !== e) return undefined;
  if (mant === 0) return neg ? -0 : 0;
  if (slow || exp > 22 || exp < -22) return Number(b.toString('latin1', s, e));
  const v = exp >= 0 ? mant * POW10[exp] : mant / POW10[-exp];
  return neg ? -v : v;
}

/** Parses `[sign] digits` from `b[s, e)` (text-format millisecond timestamps), or undefined. */
export function parseIntSpan(b: Buffer, s: number, e: number): number | undefined {
  let i = s;
  let neg = false;
  if (i < e && (b[i] === 0x2b || b[i] === 0x2d)) {
    neg = b[i] === 0x2d;
    i++;
  }
  if (i >= e) return undefined;
  let v = 0;
  for (; i < e; i++) {
    const c = b[i];
    if (!isDigit(c)) return undefined;
    v = v * 10 + (c - 0x30);
  }
  if (v > Number.MAX_SAFE_INTEGER) return Number(b.toString('latin1', s, e));
  return neg ? -v : v;
}

/**
 * Length of the well-formed UTF-8 sequence starting at `b[i]` (a byte >= 0x80), or 0 when it is
 * malformed (bad lead byte, truncated, overlong, surrogate, > U+10FFFF).
 */
export function utf8SeqLen(b: Buffer, i: number, e: number): number {
  const c = b[i];
  if (c < 0xc2) return 0;
  if (c < 0xe0) return i + 1 < e && (b[i + 1] & 0xc0) === 0x80 ? 2 : 0;
  if (c < 0xf0) {
    if (i + 2 >= e) return 0;
    const c1 = b[i + 1];
    if ((c1 & 0xc0) !== 0x80 || (b[i + 2] & 0xc0) !== 0x80) return 0;
    if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
    if (c === 0xed && c1 >= 0xa0) return 0; // surrogate
    return 3;
  }
  if (c < 0xf5) {
    if (i + 3 >= e) return 0;
    const c1 = b[i + 1];
    if ((c1 & 0xc0) !== 0x80 || (b[i + 2] & 0xc0) !== 0x80 || (b[i + 3] & 0xc0) !== 0x80) return 0;
    if (c === 0xf0 && c1 < 0x90) return 0; // overlong
    if (c === 0xf4 && c1 >= 0x90) return 0; // > U+10FFFF
    return 4;
  }
  return 0;
}

/** Code points in the (valid UTF-8) span `b[s, e)`. */
export function countCodePoints(b: Buffer, s: number, e: number): number {
  let n = 0;
  for (let i = s; i < e; i++) if ((b[i] & 0xc0) !== 0x80) n++;
  return n;
}

/**
 * Decodes an escaped span (label value or HELP text): `\\` -> `\`, `\n` -> newline, and for
 * label values `\"` -> `"`; any other backslash stays as is (as Prometheus does).
 */
export function unescape(b: Buffer, s: number, e: number, quote: boolean): string {
  let out = '';
  let from = s;
  for (let i = s; i < e - 1; i++) {
    if (b[i] !== BSLASH) continue;
    const n = b[i + 1];
    let rep: string | undefined;
    if (n === BSLASH) rep = '\\';
    else if (n === 0x6e) rep = '\n';
    else if (quote && n === QUOTE) rep = '"';
    if (rep === undefined) continue;
    out += b.toString('utf8', from, i) + rep;
    i++;
    from = i + 1;
  }
  return out + b.toString('utf8', from, e);
}

/** `b[s, e)` for an error message: quoted, cut at 40 bytes. */
export function quoteSpan(b: Buffer, s: number, e: number): string {
  const cut = e - s > 40;
  const text = b.toString('utf8', s, cut ? s + 40 : e);
  return JSON.stringify(text) + (cut ? '…' : '');
}
