/** Prometheus's number formatting for templates (template/template.go), byte-for-byte. */
import { TemplateFuncError } from './errors.js';
import { formatFloat } from './float-format.js';
import { GoDuration, GoTime } from './go-time.js';
import { typeName } from './values.js';

const g4 = (v: number): string => formatFloat(v, 'g', 4);

/** strconv.ParseFloat's accepted syntax (decimal, hex float, inf/nan), with Go's error text. */
export function parseGoFloat(s: string): number {
  const t = s.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  if (/^[+-]?(\d[\d_]*\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t) && !t.includes('_')) {
    const v = Number(t);
    if (!Number.isFinite(v))
      throw new TemplateFuncError(
        `strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`,
      );
    return v;
  }
  const hex = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?p([+-]?\d+)$/.exec(t);
  if (hex && (hex[2] || hex[3])) {
    const frac = hex[3] ?? '';
    const v =
      (parseInt((hex[2] ?? '') + frac || '0', 16) / 16 ** frac.length) * 2 ** Number(hex[4]);
    return hex[1] === '-' ? -v : v;
  }
  throw new TemplateFuncError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
}

/** Prometheus's convertToFloat: floats, ints, numeric strings and durations (as seconds). */
export function toFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return parseGoFloat(v);
  if (v instanceof GoDuration) return v.Seconds();
  throw new TemplateFuncError(`can't convert ${typeName(v)} to float`);
}

function scaled(v: number, base: number, prefixes: readonly string[]): string {
  let prefix = '';
  for (const p of prefixes) {
    if (Math.abs(v) < base) break;
    prefix = p;
    v /= base;
  }
  return g4(v) + prefix;
}

const SMALL = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

function small(v: number, unit: string): string {
  let prefix = '';
  for (const p of SMALL) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix + unit;
}

/** 1234567 → "1.235M", 0.00123 → "1.23m". */
export function humanize(input: unknown): string {
  const v = toFloat(input);
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) return scaled(v, 1000, ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']);
  return small(v, '');
}

/** 1048576 → "1Mi". */
export function humanize1024(input: unknown): string {
  const v = toFloat(input);
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  return scaled(v, 1024, ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']);
}

/** Seconds → "1d 2h 3m 4s", "1.234s", "100ms". */
export function humanizeDuration(input: unknown): string {
  let v = toFloat(input);
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v) + 's';
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const total = Math.trunc(v);
    const seconds = total % 60;
    const minutes = Math.trunc(total / 60) % 60;
    const hours = Math.trunc(total / 3600) % 24;
    const days = Math.trunc(total / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  return small(v, 's');
}

/** 0.1234 → "12.34%". */
export function humanizePercentage(input: unknown): string {
  return g4(toFloat(input) * 100) + '%';
}

/** Prometheus's floatToTime: seconds → time at millisecond precision, or an overflow error. */
export function floatToTime(v: number): GoTime {
  const ns = v * 1e9;
  if (ns > 9223372036854775807 || ns < -9223372036854775808)
    throw new TemplateFuncError(
      `${formatFloat(v, 'g', -1)} cannot be represented as a nanoseconds timestamp since it overflows int64`,
    );
  return new GoTime(Math.trunc(ns / 1e6));
}

/** Unix seconds → "2015-06-23 13:19:44.128 +0000 UTC". */
export function humanizeTimestamp(input: unknown): string {
  const v = toFloat(input);
  if (!Number.isFinite(v)) return g4(v);
  return floatToTime(v).String();
}
