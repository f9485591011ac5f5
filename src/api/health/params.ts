import { parseDuration } from '../../config/index.js';
import { badParam } from '../errors.js';
import { parseTime } from '../params.js';

const MS = /^\d{13,}$/;
const NOW = /^now(?:-(.+))?$/;

/**
 * A time parameter: milliseconds since the epoch (13+ digits), unix seconds (decimals allowed)
 * or RFC 3339 as the query API takes them, or `now` / `now-<duration>` (`now-6h`). ms out.
 */
export function parseHealthTime(name: string, s: string, now: number): number {
  if (MS.test(s)) {
    const ms = Number(s);
    if (Number.isSafeInteger(ms)) return ms;
  }
  const rel = NOW.exec(s);
  if (rel !== null) {
    if (rel[1] === undefined) return now;
    const d = parseDuration(rel[1]);
    if (d === undefined)
      throw badParam(name, `cannot parse ${JSON.stringify(s)}: want now-<duration> like now-6h`);
    return now - d;
  }
  return parseTime(name, s);
}

/**
 * `from`/`to` of a range query: `to` defaults to now, `from` to `to - defaultSpan`; from must not
 * be after to, and the span is capped (the error names the cap).
 */
export function rangeParams(
  p: URLSearchParams,
  now: number,
  defaultSpanMs: number,
  maxSpanMs: number,
): { from: number; to: number } {
  const f = p.get('from');
  const t = p.get('to');
  const to = t === null || t === '' ? now : parseHealthTime('to', t, now);
  const from = f === null || f === '' ? to - defaultSpanMs : parseHealthTime('from', f, now);
  if (from > to) throw badParam('from', `from (${from}) must not be after to (${to})`);
  if (to - from > maxSpanMs)
    throw badParam(
      'from',
      `the range ${humanSpan(to - from)} is longer than the maximum ${humanSpan(maxSpanMs)}: narrow from/to`,
    );
  return { from, to };
}

/** `limit`: 1..max, default `def`. */
export function limitParam(p: URLSearchParams, def: number, max: number): number {
  const s = p.get('limit');
  if (s === null || s === '') return def;
  if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > max)
    throw badParam('limit', `want an integer from 1 to ${max}, got ${JSON.stringify(s)}`);
  return Number(s);
}

export function humanSpan(ms: number): string {
  const h = ms / 3_600_000;
  if (h >= 48 && Number.isInteger(h / 24)) return `${h / 24}d`;
  if (h >= 1 && Number.isInteger(h)) return `${h}h`;
  return `${Math.round(ms / 1000)}s`;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A time in a JSON body: ms since the epoch or an RFC 3339 string; undefined when invalid. */
export function bodyTime(v: number | string): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (!RFC3339.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}
