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

const DURATION_UNITS: Readonly<Record<string, number>> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const UNIT_ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];

/** `1h30m`, `500ms`, `2d` → milliseconds (units in decreasing order, each at most once). */
export function parseDurationMs(text: string): number {
  const re = /(\d+)(ms|y|w|d|h|m|s)/y;
  let ms = 0;
  let last = -1;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    const order = m ? UNIT_ORDER.indexOf(m[2]) : -1;
    if (!m || order <= last) throw new LiteralError(`invalid duration ${JSON.stringify(text)}`);
    last = order;
    ms += Number(m[1]) * DURATION_UNITS[m[2]];
    i = re.lastIndex;
  }
  if (i === 0 || !Number.isSafeInteger(ms)) {
    throw new LiteralError(`invalid duration ${JSON.stringify(text)}`);
  }
  return ms;
}

/** Milliseconds → the shortest canonical duration (`90m` → `1h30m`, `0` → `0s`). */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  let out = '';
  let rest = ms;
  for (const u of UNIT_ORDER) {
    const size = DURATION_UNITS[u];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out;
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
  for (const [u, size] of [
    ['EiB', 2 ** 60],
    ['PiB', 2 ** 50],
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
    ['EB', 1e18],
    ['PB', 1e15],
    ['TB', 1e12],
    ['GB', 1e9],
    ['MB', 1e6],
    ['KB', 1e3],
  ] as const) {
    if (bytes >= size && Number.isInteger(bytes / size)) return `${bytes / size}${u}`;
  }
  return `${bytes}B`;
}

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
