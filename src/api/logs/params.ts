import type { LogTime } from '../../storage/index.js';
import { ApiError } from '../errors.js';
import { parseDurationMs } from '../../promql/index.js';

/**
 * Parameters of the Loki query API, read as Loki's `loghttp` package reads them (times in ns,
 * seconds or RFC3339; durations as Go/Prometheus durations or float seconds). Errors are
 * `ApiError('bad_data')`: the routes answer them as Loki does, 400 with the message as text.
 */

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/** Loki's default window of queries without `start`/`since`. */
export const DEFAULT_SINCE_MS = 3_600_000;
/** Loki's default `limit`. */
export const DEFAULT_LIMIT = 100;
/** Loki's largest `delay_for` of a tail, seconds. */
export const MAX_DELAY_FOR_S = 5;
/** Loki (like Prometheus) caps a range query at 11,000 steps. */
export const MAX_POINTS = 11_000;

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;
const INT64_MAX = 2n ** 63n - 1n;

function bad(msg: string): ApiError {
  return new ApiError('bad_data', msg);
}

/** `now` (ms) as ns. */
export function msToNs(ms: number): LogTime {
  return BigInt(Math.round(ms)) * NS_PER_MS;
}

/**
 * One time parameter, ns out. As Loki: an integer of at most 10 digits is seconds, a longer one
 * ns; a number with a `.` is float seconds (ms precision); else RFC3339 (ns precision).
 */
export function parseLokiTime(name: string, s: string): LogTime {
  if (s.includes('.') && FLOAT.test(s)) {
    const f = Number(s);
    if (Number.isFinite(f) && Math.abs(f) < 9.2e9) return msToNs(f * 1000);
  } else if (INT.test(s)) {
    const n = BigInt(s);
    const digits = s.replace(/^[+-]/, '').length;
    if (n <= INT64_MAX && n >= -INT64_MAX) return digits <= 10 ? n * NS_PER_S : n;
  } else {
    const m = RFC3339.exec(s);
    if (m !== null) {
      const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[8]}`);
      if (Number.isFinite(ms)) return msToNs(ms) + BigInt((m[7] ?? '').padEnd(9, '0') || '0');
    }
  }
  throw bad(
    `invalid ${name}: cannot parse ${JSON.stringify(s)} as a timestamp (want ns like 1700000000000000000, seconds like 1700000000.5, or RFC3339 like 2023-11-14T22:13:20Z)`,
  );
}

/** A duration: float seconds (`15`, `0.5`) or a Prometheus duration (`1m30s`); ms out. */
export function parseLokiDuration(name: string, s: string): number {
  let ms: number | undefined;
  if (FLOAT.test(s)) ms = Math.round(Number(s) * 1000);
  else ms = parseDurationMs(s);
  if (ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > 9.2e15)
    throw bad(`invalid ${name}: cannot parse ${JSON.stringify(s)} to a valid duration`);
  return ms;
}

function get(p: URLSearchParams, name: string): string | undefined {
  const v = p.get(name);
  return v === null || v === '' ? undefined : v;
}

/** `limit`: a positive integer (Loki refuses 0 and negatives); default 100 (or `max` if lower). */
export function parseLokiLimit(p: URLSearchParams, max: number): number {
  const s = get(p, 'limit');
  if (s === undefined) return Math.min(DEFAULT_LIMIT, max);
  if (!INT.test(s) || !Number.isSafeInteger(Number(s)))
    throw bad(`invalid limit: cannot parse ${JSON.stringify(s)} as an integer`);
  const n = Number(s);
  if (n <= 0) throw bad('limit must be a positive value');
  if (n > max)
    throw bad(`max entries limit per query exceeded, limit > max_entries_limit (${n} > ${max})`);
  return n;
}

/** `direction`: forward or backward (any case); default backward. */
export function parseDirection(p: URLSearchParams): 'forward' | 'backward' {
  const s = get(p, 'direction');
  if (s === undefined) return 'backward';
  const d = s.toLowerCase();
  if (d === 'forward' || d === 'backward') return d;
  throw bad(`invalid direction '${s}': want forward or backward`);
}

/**
 * `start`, `end` and `since` as Loki's `bounds`: end defaults to now, start to end - since
 * (since defaults to 1 h). `[start, end)`; end before start is an error.
 */
export function parseBounds(p: URLSearchParams, nowMs: number): { start: LogTime; end: LogTime } {
  const e = get(p, 'end');
  const end = e === undefined ? msToNs(nowMs) : parseLokiTime('end', e);
  const since = get(p, 'since');
  const sinceMs = since === undefined ? DEFAULT_SINCE_MS : parseLokiDuration('since', since);
  if (sinceMs < 0) throw bad(`invalid since: want a duration >= 0, got ${JSON.stringify(since)}`);
  const s = get(p, 'start');
  const start = s === undefined ? end - msToNs(sinceMs) : parseLokiTime('start', s);
  if (end < start) throw bad('end timestamp must not be before or equal to start time');
  return { start, end };
}

/** Loki's default step: ceil((end-start)/250) whole seconds, at least 1 s; ms out. */
export function defaultStepMs(start: LogTime, end: LogTime): number {
  const rangeS = Number(end - start) / 1e9;
  return Math.max(1, Math.ceil(rangeS / 250)) * 1000;
}

/** A range query's `step` (ms) and `interval` (ms, 0 when absent), checked as Loki does. */
export function parseStepInterval(
  p: URLSearchParams,
  start: LogTime,
  end: LogTime,
): { stepMs: number; intervalMs: number } {
  const s = get(p, 'step');
  const stepMs = s === undefined ? defaultStepMs(start, end) : parseLokiDuration('step', s);
  if (stepMs <= 0)
    throw bad(
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  if (Number(end - start) / 1e6 / stepMs > MAX_POINTS)
    throw bad(
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  const i = get(p, 'interval');
  const intervalMs = i === undefined ? 0 : parseLokiDuration('interval', i);
  if (intervalMs < 0) throw bad('interval must be >= 0');
  return { stepMs, intervalMs };
}

/** A tail's `delay_for`, seconds (0..5); default 0. */
export function parseDelayFor(p: URLSearchParams): number {
  const s = get(p, 'delay_for');
  if (s === undefined) return 0;
  if (!INT.test(s)) throw bad(`invalid delay_for: cannot parse ${JSON.stringify(s)} as an integer`);
  const n = Number(s);
  if (n < 0) throw bad('delay_for must be >= 0');
  if (n > MAX_DELAY_FOR_S) throw bad(`delay_for can't be greater than ${MAX_DELAY_FOR_S}`);
  return n;
}

/** The `query` parameter (required). */
export function requiredQuery(p: URLSearchParams): string {
  const q = get(p, 'query');
  if (q === undefined) throw bad('query parameter is required (a LogQL expression)');
  return q;
}

/** An optional string parameter. */
export function optional(p: URLSearchParams, name: string): string | undefined {
  return get(p, name);
}
