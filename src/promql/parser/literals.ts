/**
 * Lexical values of PromQL: numbers, Go-style quoted strings and Prometheus durations. Pure
 * functions that return `undefined` or throw LiteralError the parser turns into a positioned
 * PromQLParseError.
 */

import { ArgusError } from '../../util/index.js';

/** A malformed literal; the parser re-throws its message as a positioned PromQLParseError. */
export class LiteralError extends ArgusError {}

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['y', 365 * 24 * 3600_000],
  ['w', 7 * 24 * 3600_000],
  ['d', 24 * 3600_000],
  ['h', 3600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

// Units must appear largest to smallest, each at most once (Prometheus's model.ParseDuration).
const DURATION_RE =
  /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds of a Prometheus duration (`1h30m`, `10s53ms`, `0`), or undefined when invalid. */
export function parseDurationMs(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  const m = DURATION_RE.exec(text);
  if (!m) return undefined;
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const g = m[i + 1];
    if (g !== undefined) ms += Number(g) * UNITS[i][1];
  }
  // Go's time.Duration is int64 nanoseconds; Prometheus rejects what overflows it.
  if (!Number.isSafeInteger(ms) || ms > 9_223_372_036_854) return undefined;
  return ms;
}

/** True when `text` is written as a duration (has a unit) rather than a plain number. */
export function isDurationText(text: string): boolean {
  return /^\d+(?:y|w|d|h|ms|m|s)/.test(text) && DURATION_RE.test(text);
}

/** Prints milliseconds as Prometheus's model.Duration does (`1h30m`, `0s`, `-5m`). */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0) return `-${formatDurationMs(-ms)}`;
  let rest = ms;
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/**
 * The value of a number token: decimal (with `_` separators), hex, exponent, `Inf`/`NaN` in any
 * case, or a duration in seconds (`5m` → 300). Undefined when malformed.
 */
export function parseNumber(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan' || lower === '+nan' || lower === '-nan') return NaN;
  if (isDurationText(text)) {
    const ms = parseDurationMs(text);
    return ms === undefined ? undefined : ms / 1000;
  }
  if (/^0x[0-9a-f]+$/i.test(text)) return Number(text);
  if (!/^(?:\d+(?:_?\d)*(?:\.\d+(?:_?\d)*)?|\.\d+(?:_?\d)*)(?:e[+-]?\d+(?:_?\d)*)?$/i.test(text)) {
    return undefined;
  }
  const n = Number(text.replaceAll('_', ''));
  return Number.isNaN(n) ? undefined : n;
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 92,
  "'": 39,
  '"': 34,
};

/**
 * Unquotes a PromQL string literal: `"…"` and `'…'` with Go escapes (`\n`, `\x41`, `\u00e9`,
 * `\U0001F600`, octal `\101`), or a raw `` `…` ``. Byte escapes build UTF-8 bytes, as Go does.
 * Throws a reason string when malformed.
 */
export function unquoteString(text: string): string {
  const q = text[0];
  if (text.length < 2 || text[text.length - 1] !== q)
    throw new LiteralError('unterminated quoted string');
  const body = text.slice(1, -1);
  if (q === '`') return body;
  if (!body.includes('\\')) return body;
  const bytes: number[] = [];
  const enc = new TextEncoder();
  const pushStr = (s: string): void => {
    for (const b of enc.encode(s)) bytes.push(b);
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      pushStr(s);
      i += s.length - 1;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new LiteralError('unterminated quoted string');
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      if ((e === "'" && q === '"') || (e === '"' && q === "'")) {
        throw new LiteralError(`invalid escape sequence "\\${e}"`);
      }
      bytes.push(simple);
      continue;
    }
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexLen > 0) {
      const h = body.slice(i + 1, i + 1 + hexLen);
      if (h.length !== hexLen || !/^[0-9a-fA-F]+$/.test(h))
        throw new LiteralError(`invalid escape sequence "\\${e}${h}"`);
      const v = parseInt(h, 16);
      if (e === 'x') bytes.push(v);
      else {
        if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000))
          throw new LiteralError(`invalid escape sequence "\\${e}${h}"`);
        pushStr(String.fromCodePoint(v));
      }
      i += hexLen;
      continue;
    }
    if (e >= '0' && e <= '7') {
      const o = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(o) || parseInt(o, 8) > 255)
        throw new LiteralError(`invalid escape sequence "\\${o}"`);
      bytes.push(parseInt(o, 8));
      i += 2;
      continue;
    }
    throw new LiteralError(`unknown escape sequence "\\${e}"`);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Quotes a string as Go's strconv.Quote does (what Prometheus prints). */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\r':
        out += '\\r';
        break;
      default:
        if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
        else if (cp === 0xfffd) out += '\\ufffd';
        else out += ch;
    }
  }
  return out + '"';
}
