/**
 * Time ranges as the user writes them and as the URL keeps them: relative (`now-1h` … `now`)
 * or absolute (ISO 8601 or unix milliseconds), a timezone for display (browser local or UTC),
 * and the query step (auto from the range and the chart's width, or explicit).
 * Pure (no DOM), unit-tested in test/web/time-range.test.ts.
 *
 *   const r = rangeFromParams(new URLSearchParams(location.search));   // defaults: now-1h … now
 *   const { start, end } = resolveRange(r, Date.now());               // unix seconds
 *   const step = r.step === 'auto' ? autoStep(end - start, chartWidth) : r.step;
 *   rangeToParams(r)  // → { from, to, tz, step } for the URL
 */

export type Zone = 'local' | 'utc';
/** 'auto' or an explicit step in seconds. */
export type StepSpec = 'auto' | number;

export interface TimeRange {
  /** `now`, `now-<duration>`, an ISO 8601 time or unix milliseconds. */
  from: string;
  to: string;
  tz: Zone;
  step: StepSpec;
}

export const DEFAULT_RANGE: TimeRange = { from: 'now-1h', to: 'now', tz: 'local', step: 'auto' };

/** The picker's quick choices (relative, ending now). */
export const QUICK_RANGES = ['5m', '15m', '1h', '6h', '24h', '7d'] as const;

/** The smallest automatic step (a common scrape interval). */
export const MIN_AUTO_STEP = 15;
/** Prometheus refuses more than 11,000 points per series. */
export const MAX_POINTS = 11_000;

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};

/** Parses a Prometheus duration (`90s`, `1h30m`, `2d`) into seconds; undefined when invalid. */
export function parseDuration(s: string): number | undefined {
  const t = s.trim();
  if (t === '' || !/^(\d+(ms|s|m|h|d|w|y))+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g))
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return total;
}

/** Seconds as the shortest Prometheus duration (`3600` → `1h`, `90` → `1m30s`). */
export function formatDuration(sec: number): string {
  if (sec <= 0) return '0s';
  let ms = Math.round(sec * 1000);
  let out = '';
  for (const [unit, size] of [
    ['y', 31536000000],
    ['w', 604800000],
    ['d', 86400000],
    ['h', 3600000],
    ['m', 60000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    if (ms >= size) {
      out += `${Math.floor(ms / size)}${unit}`;
      ms %= size;
    }
  }
  return out;
}

/** Whether a time spec is relative to now. */
export function isRelative(spec: string): boolean {
  return /^now(-.+)?$/.test(spec.trim());
}

/** A time spec → unix seconds; undefined when it does not parse. */
export function resolveTime(spec: string, nowMs: number): number | undefined {
  const s = spec.trim();
  if (s === 'now') return nowMs / 1000;
  const rel = /^now-(.+)$/.exec(s);
  if (rel) {
    const d = parseDuration(rel[1]!);
    return d === undefined ? undefined : nowMs / 1000 - d;
  }
  if (/^\d{10,}$/.test(s)) return Number(s) / 1000;
  // ISO 8601 only (Date.parse accepts much else, differently per browser).
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.test(s))
    return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t / 1000;
}

/** Why a range cannot be used, or undefined when it can. */
export function rangeError(r: TimeRange, nowMs: number): string | undefined {
  const start = resolveTime(r.from, nowMs);
  const end = resolveTime(r.to, nowMs);
  if (start === undefined) return `cannot parse the start time "${r.from}"`;
  if (end === undefined) return `cannot parse the end time "${r.to}"`;
  if (end <= start) return 'the end time must be after the start time';
  return undefined;
}

/** The range in unix seconds (the default hour when it does not parse). */
export function resolveRange(r: TimeRange, nowMs: number): { start: number; end: number } {
  const start = resolveTime(r.from, nowMs);
  const end = resolveTime(r.to, nowMs);
  if (start === undefined || end === undefined || end <= start)
    return { start: nowMs / 1000 - 3600, end: nowMs / 1000 };
  return { start, end };
}

/** Steps a person reads easily (seconds). */
const NICE_STEPS = [
  1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200,
  86400, 172800, 604800,
];

/** The nice step at or above `sec` (whole days beyond a week). */
export function niceStep(sec: number): number {
  for (const s of NICE_STEPS) if (s >= sec) return s;
  return Math.ceil(sec / 86400) * 86400;
}

/**
 * The automatic step, as Grafana picks it: about one point per `pixelsPerPoint` pixels of the
 * chart, never more than MAX_POINTS points, never below `minStep`, rounded up to a nice step.
 */
export function autoStep(
  rangeSec: number,
  widthPx: number,
  minStep = MIN_AUTO_STEP,
  pixelsPerPoint = 1,
): number {
  const resolution = Math.max(1, Math.floor(widthPx / pixelsPerPoint));
  const raw = Math.max(rangeSec / MAX_POINTS, rangeSec / resolution, minStep);
  return niceStep(raw);
}

/** The step a query uses. */
export function effectiveStep(r: TimeRange, rangeSec: number, widthPx: number): number {
  return r.step === 'auto' ? autoStep(rangeSec, widthPx) : r.step;
}

/** The range for the URL (defaults left out so URLs stay short). */
export function rangeToParams(r: TimeRange): Record<string, string> {
  const p: Record<string, string> = { from: r.from, to: r.to };
  if (r.tz !== 'local') p.tz = r.tz;
  if (r.step !== 'auto') p.step = formatDuration(r.step);
  return p;
}

/** The range from URL query parameters; anything missing or invalid takes the default. */
export function rangeFromParams(q: URLSearchParams, nowMs = Date.now()): TimeRange {
  const from = q.get('from') ?? DEFAULT_RANGE.from;
  const to = q.get('to') ?? DEFAULT_RANGE.to;
  const valid = rangeError({ ...DEFAULT_RANGE, from, to }, nowMs) === undefined;
  const stepSec = parseDuration(q.get('step') ?? '') ?? Number(q.get('step') ?? NaN);
  return {
    from: valid ? from : DEFAULT_RANGE.from,
    to: valid ? to : DEFAULT_RANGE.to,
    tz: q.get('tz') === 'utc' ? 'utc' : 'local',
    step: Number.isFinite(stepSec) && stepSec > 0 ? stepSec : 'auto',
  };
}

/** The relative range ending now for a quick pick (`1h` → now-1h … now). */
export function quickRange(r: TimeRange, span: string): TimeRange {
  return { ...r, from: `now-${span}`, to: 'now' };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Unix seconds → `YYYY-MM-DDTHH:mm:ss` in the zone (the value of a datetime-local input). */
export function toInputValue(sec: number, tz: Zone): string {
  const d = new Date(sec * 1000);
  const [y, mo, da, h, mi, s] =
    tz === 'utc'
      ? [
          d.getUTCFullYear(),
          d.getUTCMonth() + 1,
          d.getUTCDate(),
          d.getUTCHours(),
          d.getUTCMinutes(),
          d.getUTCSeconds(),
        ]
      : [
          d.getFullYear(),
          d.getMonth() + 1,
          d.getDate(),
          d.getHours(),
          d.getMinutes(),
          d.getSeconds(),
        ];
  return `${y}-${pad(mo)}-${pad(da)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
}

/** A datetime-local input's value in the zone → an ISO 8601 time spec (UTC); undefined if bad. */
export function fromInputValue(v: string, tz: Zone): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as number[];
  const ms =
    tz === 'utc'
      ? Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)
      : new Date(y!, mo! - 1, d!, h!, mi!, s!).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A unix time for display in the zone: `2026-11-27 09:30:00` (+ ` UTC`). */
export function formatTime(sec: number, tz: Zone): string {
  return toInputValue(sec, tz).replace('T', ' ') + (tz === 'utc' ? ' UTC' : '');
}

/** A short description of the range for a button: `Last 1h` or `from … to …`. */
export function describeRange(r: TimeRange, nowMs: number): string {
  if (r.to === 'now' && /^now-/.test(r.from)) return `Last ${r.from.slice(4)}`;
  const { start, end } = resolveRange(r, nowMs);
  return `${formatTime(start, r.tz)} → ${formatTime(end, r.tz)}`;
}
