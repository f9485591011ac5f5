/**
 * LogQL literals: Go-quoted strings, Prometheus/Loki durations, humanized byte sizes, numbers.
 * Each throws LiteralError with the reason; the parser adds the position.
 */

export class LiteralError extends Error {}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

/** Unquotes a `"…"` (Go escapes, as Loki's strconv.Unquote) or `` `…` `` (raw) string token. */
export function unquote(tok: string): string {
  const q = tok[0];
  if (tok.length < 2 || tok[tok.length - 1] !== q || (q !== '"' && q !== '`')) {
    if (q === "'")
      throw new LiteralError('single-quoted strings are not supported, use "…" or `…`');
    throw new LiteralError('unterminated quoted string');
  }
  const body = tok.slice(1, -1);
  if (q === '`' || !body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new LiteralError('unterminated quoted string');
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) {
        throw new LiteralError(`invalid escape sequence "\\${e}${hex}" in string`);
      }
      const cp = parseInt(hex, 16);
      if (e !== 'x' && (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))) {
        throw new LiteralError(`invalid escape sequence "\\${e}${hex}" in string`);
      }
      out += String.fromCodePoint(cp);
      i += n;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) {
        throw new LiteralError(`invalid escape sequence "\\${oct}" in string`);
      }
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else {
      throw new LiteralError(`invalid escape sequence "\\${e}" in string`);
    }
  }
  return out;
}

/** Quotes a string so that `unquote` gives it back: `"…"` with Go escapes. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp >= 0xd800 && cp < 0xe000) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** Go/Prometheus duration units in nanoseconds (Loki adds d, w, y to Go's set). */
const DURATION_NS: Readonly<Record<string, number>> = {
  y: 365 * 24 * 3600e9,
  w: 7 * 24 * 3600e9,
  d: 24 * 3600e9,
  h: 3600e9,
  m: 60e9,
  s: 1e9,
  ms: 1e6,
  us: 1e3,
  µs: 1e3,
  ns: 1,
};
const UNIT_ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms', 'us', 'ns'];

/** `1h30m`, `1.5h`, `500ms`, `2d` → nanoseconds (a float for huge values). */
export function parseDurationNs(text: string): number {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|y|w|d|h|m|s)/y;
  let ns = 0;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new LiteralError(`invalid duration ${JSON.stringify(text)}`);
    ns += Number(m[1]) * DURATION_NS[m[2]];
    i = re.lastIndex;
  }
  if (i === 0 || !Number.isFinite(ns))
    throw new LiteralError(`invalid duration ${JSON.stringify(text)}`);
  return ns;
}

/** A range or offset: whole milliseconds. */
export function parseDurationMs(text: string): number {
  const ms = Math.round(parseDurationNs(text)) / 1e6;
  if (!Number.isInteger(ms) || !Number.isSafeInteger(ms)) {
    throw new LiteralError(
      `invalid duration ${JSON.stringify(text)}: want a whole number of milliseconds`,
    );
  }
  return ms;
}

/** Nanoseconds → the canonical duration text (`5400e9` → `1h30m`, `0` → `0s`). */
export function formatDurationNs(ns: number): string {
  if (ns === 0) return '0s';
  let out = '';
  let rest = ns;
  for (const u of UNIT_ORDER) {
    const size = DURATION_NS[u];
    const n = u === 'ns' ? Math.round(rest) : Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out || '0s';
}

export function formatDurationMs(ms: number): string {
  return formatDurationNs(ms * 1e6);
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
  eb: 1e18,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
  eib: 2 ** 60,
};

/** `1KB`, `5MiB`, `10b` → bytes (units as go-humanize: kb = 1000, kib = 1024, case-insensitive). */
export function parseBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]+)$/.exec(text);
  const unit = m ? BYTE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new LiteralError(`invalid bytes ${JSON.stringify(text)}`);
  return Number(m[1]) * unit;
}

/** Bytes → a literal that parseBytes gives back exactly (`1024` → `1KiB`, `1500` → `1500B`). */
export function formatBytes(bytes: number): string {
  for (const [u, size] of BYTE_FORMATS) {
    if (bytes >= size && Number.isInteger(bytes / size)) return `${bytes / size}${u}`;
  }
  return `${bytes}B`;
}

/** Largest first, so 2000000000 prints as 2GB and 1024 as 1KiB. */
const BYTE_FORMATS = [
  ['EiB', 2 ** 60],
  ['EB', 1e18],
  ['PiB', 2 ** 50],
  ['PB', 1e15],
  ['TiB', 2 ** 40],
  ['TB', 1e12],
  ['GiB', 2 ** 30],
  ['GB', 1e9],
  ['MiB', 2 ** 20],
  ['MB', 1e6],
  ['KiB', 2 ** 10],
  ['KB', 1e3],
] as const;

/** A Number token (decimal, exponent or 0x hex). */
export function parseNumber(text: string): number {
  const v = Number(text);
  if (!Number.isFinite(v)) throw new LiteralError(`invalid number ${JSON.stringify(text)}`);
  return v;
}

/** A number as LogQL text that parses back to the same value. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Inf' : '-Inf';
  return String(v);
}
