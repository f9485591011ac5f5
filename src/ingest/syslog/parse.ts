/**
 * Syslog message parsing: RFC 5424 and RFC 3164 (BSD), auto-detected from what follows `<PRI>`
 * (a version digit and a space means 5424). Never throws: a message that cannot be parsed is
 * kept whole as the line with `error` set, so nothing a sender emits is lost.
 */

export const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;

export const SEVERITIES = [
  'emerg',
  'alert',
  'crit',
  'err',
  'warning',
  'notice',
  'info',
  'debug',
] as const;

/** Severity → the `level` every log input normalises to (logs-common's severity: crit → fatal). */
export const LEVELS = [
  'fatal',
  'fatal',
  'fatal',
  'error',
  'warn',
  'info',
  'info',
  'debug',
] as const;

export interface SyslogMessage {
  format: 'rfc5424' | 'rfc3164' | 'unknown';
  /** 0..23; user (1) when the message has no PRI (RFC 3164 §4.3.3). */
  facility: number;
  /** 0..7; notice (5) when the message has no PRI. */
  severity: number;
  /** ns since the epoch; undefined when the message has none (use the receive time). */
  ts?: bigint;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  /** `[sd-id, param, value]` triples in message order. */
  sd: [string, string, string][];
  /** MSG (5424: UTF-8 BOM removed), or the whole input when unparsable. */
  msg: string;
  /** Why the message was not fully understood; undefined when it was. */
  error?: string;
}

const NIL = '-';
const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/** Parses one syslog message (framing already removed, trailing newlines stripped). */
export function parseSyslog(text: string, now: Date = new Date()): SyslogMessage {
  // Every property set up front: one object shape for all messages (hot path).
  const m: SyslogMessage = {
    format: 'unknown',
    facility: 1,
    severity: 5,
    ts: undefined,
    hostname: undefined,
    appName: undefined,
    procId: undefined,
    msgId: undefined,
    sd: [],
    msg: text,
    error: undefined,
  };
  // <PRI>: 1-3 digits, 0..191.
  let i = 0;
  if (text.charCodeAt(0) !== 60 /* < */) {
    m.error = 'no PRI';
    return m;
  }
  let pri = 0;
  i = 1;
  while (i < text.length && i <= 4 && isDigit(text.charCodeAt(i))) {
    pri = pri * 10 + text.charCodeAt(i) - 48;
    i++;
  }
  if (i === 1 || i > 4 || text.charCodeAt(i) !== 62 /* > */ || pri > 191) {
    m.error = 'invalid PRI';
    return m;
  }
  m.facility = pri >> 3;
  m.severity = pri & 7;
  i++;
  // RFC 5424: VERSION (1-3 digits, non-zero) then SP.
  let j = i;
  while (j < text.length && j - i < 3 && isDigit(text.charCodeAt(j))) j++;
  if (j > i && text.charCodeAt(j) === 32 && text.charCodeAt(i) !== 48) {
    parse5424(text, j + 1, m);
  } else {
    parse3164(text, i, m, now);
  }
  return m;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The token starting at `i` up to the next space (or the end). */
function token(text: string, i: number): [string, number] {
  let j = text.indexOf(' ', i);
  if (j < 0) j = text.length;
  return [text.slice(i, j), j];
}

function parse5424(text: string, start: number, m: SyslogMessage): void {
  m.format = 'rfc5424';
  // Five SP-separated header fields, sliced without intermediate arrays (hot path).
  let i = start;
  let j = text.indexOf(' ', i);
  const ts = j < 0 ? undefined : text.slice(i, j);
  const h1 = j + 1;
  const h2 = j < 0 ? -1 : text.indexOf(' ', h1);
  const p1 = h2 + 1;
  const p2 = h2 < 0 ? -1 : text.indexOf(' ', p1);
  const q1 = p2 + 1;
  const q2 = p2 < 0 ? -1 : text.indexOf(' ', q1);
  const r1 = q2 + 1;
  j = q2 < 0 ? -1 : text.indexOf(' ', r1);
  if (ts === undefined || j < 0) {
    m.error = 'truncated header';
    m.msg = '';
    return;
  }
  const host = text.slice(h1, h2);
  const app = text.slice(p1, p2);
  const proc = text.slice(q1, q2);
  const msgId = text.slice(r1, j);
  i = j + 1;
  if (ts !== NIL) {
    const t = parseRfc3339Cached(ts);
    if (t === undefined) m.error = `invalid timestamp ${JSON.stringify(ts)}`;
    else m.ts = t;
  }
  if (host !== NIL && host !== '') m.hostname = host;
  if (app !== NIL && app !== '') m.appName = app;
  if (proc !== NIL && proc !== '') m.procId = proc;
  if (msgId !== NIL && msgId !== '') m.msgId = msgId;
  // STRUCTURED-DATA: NILVALUE or one or more [SD-ID *(SP PARAM="VALUE")].
  if (text.charCodeAt(i) === 45 /* - */) {
    i++;
  } else if (text.charCodeAt(i) === 91 /* [ */) {
    const end = parseSd(text, i, m);
    if (end < 0) {
      m.error = 'invalid STRUCTURED-DATA';
      m.msg = text.slice(i);
      return;
    }
    i = end;
  } else {
    m.error = 'invalid STRUCTURED-DATA';
    m.msg = text.slice(i);
    return;
  }
  if (text.charCodeAt(i) === 32) i++;
  let msg = text.slice(i);
  if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1);
  m.msg = msg;
}

/** SP, `]`, `=` and `"` end an SD-NAME. */
function isSdDelim(c: number): boolean {
  return c === 32 || c === 93 || c === 61 || c === 34;
}

/** Parses SD-ELEMENTs from `i` (at `[`); returns the index after the last `]`, -1 if invalid. */
function parseSd(text: string, i: number, m: SyslogMessage): number {
  while (text.charCodeAt(i) === 91) {
    i++;
    let j = i;
    while (j < text.length && !isSdDelim(text.charCodeAt(j))) j++;
    const id = text.slice(i, j);
    if (id === '') return -1;
    i = j;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 93 /* ] */) {
        i++;
        break;
      }
      if (c !== 32) return -1;
      i++;
      j = i;
      while (j < text.length && !isSdDelim(text.charCodeAt(j))) j++;
      const name = text.slice(i, j);
      if (name === '' || text.charCodeAt(j) !== 61 || text.charCodeAt(j + 1) !== 34) return -1;
      i = j + 2;
      // PARAM-VALUE: `"`, `\` and `]` are escaped with `\`; a `\` before anything else is kept.
      let value = '';
      let from = i;
      for (;;) {
        if (i >= text.length) return -1;
        const d = text.charCodeAt(i);
        if (d === 34) break;
        if (d === 92 /* \ */) {
          const n = text.charCodeAt(i + 1);
          if (n === 34 || n === 92 || n === 93) {
            value += text.slice(from, i);
            from = i + 1;
            i += 2;
            continue;
          }
        }
        i++;
      }
      value += text.slice(from, i);
      i++;
      m.sd.push([id, name, value]);
    }
  }
  return i;
}

/** RFC 3339 (as RFC 5424 restricts it) → ns since the epoch; undefined when invalid. */
export function parseRfc3339(s: string): bigint | undefined {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
  if (s.length < 20 || s[4] !== '-' || s[7] !== '-' || (s[10] !== 'T' && s[10] !== 't'))
    return undefined;
  if (s[13] !== ':' || s[16] !== ':') return undefined;
  const num = (a: number, b: number): number => {
    let v = 0;
    for (let k = a; k < b; k++) {
      const c = s.charCodeAt(k);
      if (!isDigit(c)) return NaN;
      v = v * 10 + c - 48;
    }
    return v;
  };
  const year = num(0, 4);
  const month = num(5, 7);
  const day = num(8, 10);
  const hour = num(11, 13);
  const minute = num(14, 16);
  const second = num(17, 19);
  let i = 19;
  let fracNs = 0;
  if (s[i] === '.') {
    const from = ++i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    if (i === from || i - from > 9) return undefined;
    fracNs = num(from, i) * 10 ** (9 - (i - from));
  }
  let offsetMin = 0;
  if (s[i] === 'Z' || s[i] === 'z') {
    if (i + 1 !== s.length) return undefined;
  } else if ((s[i] === '+' || s[i] === '-') && s.length === i + 6 && s[i + 3] === ':') {
    offsetMin = (num(i + 1, i + 3) * 60 + num(i + 4, i + 6)) * (s[i] === '-' ? -1 : 1);
  } else return undefined;
  if (
    !(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59) ||
    !(second <= 60) ||
    Number.isNaN(offsetMin)
  )
    return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMin * 60_000;
  if (!Number.isFinite(ms) || Number.isNaN(fracNs)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt(fracNs);
}

// Messages of one second share their whole-second part: cache its conversion (hot path).
let lastSecKey = '';
let lastSecNs = 0n;

/** `parseRfc3339` with the date-time-to-seconds step cached across calls. */
export function parseRfc3339Cached(s: string): bigint | undefined {
  const dot = s.charCodeAt(19) === 46; /* . */
  let k = 20;
  if (dot) while (k < s.length && isDigit(s.charCodeAt(k))) k++;
  else k = 19;
  const fracLen = dot ? k - 20 : 0;
  const key = s.slice(0, 19) + s.slice(k);
  if (key === lastSecKey && fracLen <= 9) {
    let f = 0;
    for (let x = 20; x < k; x++) f = f * 10 + s.charCodeAt(x) - 48;
    if (dot && fracLen === 0) return undefined;
    return lastSecNs + BigInt(f * 10 ** (9 - fracLen));
  }
  const ns = parseRfc3339(key);
  if (ns === undefined) return undefined;
  const full = dot ? parseRfc3339(s) : ns;
  if (full === undefined) return undefined;
  lastSecKey = key;
  lastSecNs = ns;
  return full;
}

/**
 * RFC 3164: `TIMESTAMP SP HOSTNAME SP TAG[PID]: MSG`. TIMESTAMP is `Mmm dd hh:mm:ss` in the
 * receiver's local time zone (the year inferred: the latest that is not in the future) or, as
 * rsyslog's forwarding templates send, RFC 3339. Missing parts are tolerated: no timestamp
 * (the receive time is used), no hostname (a `tag:` right after the timestamp).
 */
function parse3164(text: string, i: number, m: SyslogMessage, now: Date): void {
  m.format = 'rfc3164';
  const bsd = parseBsdTime(text, i, now);
  if (bsd !== undefined) {
    m.ts = bsd;
    i += 15;
    if (text.charCodeAt(i) === 32) i++;
  } else if (isDigit(text.charCodeAt(i)) && text[i + 4] === '-') {
    const [tok, j] = token(text, i);
    const t = parseRfc3339(tok);
    if (t !== undefined) {
      m.ts = t;
      i = j + 1;
    }
  }
  // HOSTNAME: the next token, unless it is already the TAG (ends with `:` or has `[`).
  if (m.ts !== undefined) {
    const [tok, j] = token(text, i);
    if (tok !== '' && !tok.endsWith(':') && !tok.includes('[') && j < text.length) {
      m.hostname = tok;
      i = j + 1;
    }
  }
  // TAG: the first word (up to 48 chars) ended by `[`, `:` or SP, as rsyslog reads it (its
  // forwarding template sends `app msg` without a colon for messages received as RFC 5424).
  let j = i;
  while (j < text.length && j - i <= 48) {
    const c = text.charCodeAt(j);
    if (c === 91 || c === 58 || c === 32) break;
    j++;
  }
  const end = text.charCodeAt(j);
  if (j > i && (end === 91 || end === 58 || end === 32)) {
    m.appName = text.slice(i, j);
    if (text.charCodeAt(j) === 91) {
      const close = text.indexOf(']', j);
      if (close > j && close - j <= 129) {
        m.procId = text.slice(j + 1, close);
        j = close + 1;
      }
    }
    if (text.charCodeAt(j) === 58) j++;
    if (text.charCodeAt(j) === 32) j++;
    i = j;
  }
  m.msg = text.slice(i);
}

/** `Mmm dd hh:mm:ss` at `i` (day space-padded or zero-padded) → ns; undefined if not one. */
function parseBsdTime(text: string, i: number, now: Date): bigint | undefined {
  if (text.length < i + 15 || text[i + 3] !== ' ' || text[i + 9] !== ':' || text[i + 12] !== ':')
    return undefined;
  const mon = MONTHS.indexOf(text.slice(i, i + 3));
  if (mon < 0 || mon % 3 !== 0) return undefined;
  const two = (k: number): number => {
    const a = text.charCodeAt(k);
    const b = text.charCodeAt(k + 1);
    if (!isDigit(b)) return NaN;
    if (a === 32) return b - 48;
    return isDigit(a) ? (a - 48) * 10 + b - 48 : NaN;
  };
  const day = two(i + 4);
  const h = two(i + 7);
  const min = two(i + 10);
  const sec = two(i + 13);
  if (!(day >= 1 && day <= 31 && h <= 23 && min <= 59 && sec <= 60)) return undefined;
  let d = new Date(now.getFullYear(), mon / 3, day, h, min, sec);
  // A December message received on 1 January belongs to last year (a day of clock skew allowed).
  if (d.getTime() > now.getTime() + 86_400_000)
    d = new Date(now.getFullYear() - 1, mon / 3, day, h, min, sec);
  return BigInt(d.getTime()) * 1_000_000n;
}
