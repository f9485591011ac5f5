/**
 * Uptime from state-change events: time up / time known, maintenance excluded. Pure; the engine
 * reads the events (one indexed range query) and the windows.
 *
 * `up` and `degraded` count as up (a degraded service still serves), `down` as down,
 * `maintenance` (a service's state) and any time inside a maintenance window as maintenance,
 * `unknown` and time before the first event as no data.
 */

/** One state change: the subject is in `state` from `at` until the next event. */
export interface StateEvent {
  readonly at: number;
  readonly state: string;
}

export interface Interval {
  readonly start: number;
  readonly end: number;
}

export interface UptimeTotals {
  upMs: number;
  downMs: number;
  maintenanceMs: number;
}

/** up / (up + down), or null without data. */
export function ratioOf(t: UptimeTotals): number | null {
  const known = t.upMs + t.downMs;
  return known === 0 ? null : t.upMs / known;
}

/** Sorts and merges overlapping or touching intervals. */
export function mergeIntervals(ws: readonly Interval[]): Interval[] {
  const s = ws.filter((w) => w.end > w.start).sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const w of s) {
    const last = out[out.length - 1];
    if (last && w.start <= last.end) last.end = Math.max(last.end, w.end);
    else out.push({ start: w.start, end: w.end });
  }
  return out;
}

type Kind = 'up' | 'down' | 'maintenance' | 'none';
interface Piece {
  start: number;
  end: number;
  kind: Kind;
}

function kindOf(state: string): Kind {
  if (state === 'up' || state === 'degraded') return 'up';
  if (state === 'down') return 'down';
  if (state === 'maintenance') return 'maintenance';
  return 'none';
}

/**
 * Totals for each bucket [from, to). `events` sorted by time; the first may lie before every
 * bucket (the state entering the range); the last state lasts until `now`. Buckets MUST lie in
 * [rangeStart, now].
 */
export function uptimeTotals(
  events: readonly StateEvent[],
  maintenance: readonly Interval[],
  rangeStart: number,
  now: number,
  buckets: readonly Interval[],
): UptimeTotals[] {
  const pieces = piecesOf(events, mergeIntervals(maintenance), rangeStart, now);
  return buckets.map((b) => {
    const t: UptimeTotals = { upMs: 0, downMs: 0, maintenanceMs: 0 };
    // First piece ending after b.start (pieces are sorted and disjoint).
    let lo = 0;
    let hi = pieces.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pieces[mid].end <= b.start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < pieces.length && pieces[i].start < b.end; i++) {
      const p = pieces[i];
      const ms = Math.min(p.end, b.end) - Math.max(p.start, b.start);
      if (ms <= 0) continue;
      if (p.kind === 'up') t.upMs += ms;
      else if (p.kind === 'down') t.downMs += ms;
      else if (p.kind === 'maintenance') t.maintenanceMs += ms;
    }
    return t;
  });
}

/** Disjoint sorted pieces covering [rangeStart, now], maintenance windows cut in. */
function piecesOf(
  events: readonly StateEvent[],
  maint: readonly Interval[],
  rangeStart: number,
  now: number,
): Piece[] {
  const segs: Piece[] = [];
  let cur: Kind = 'none';
  let from = rangeStart;
  for (const e of events) {
    if (e.at > from) {
      segs.push({ start: from, end: Math.min(e.at, now), kind: cur });
      from = e.at;
    }
    if (from >= now) break;
    cur = kindOf(e.state);
  }
  if (from < now) segs.push({ start: from, end: now, kind: cur });
  const out: Piece[] = [];
  let m = 0;
  for (const s of segs) {
    let t = s.start;
    while (m < maint.length && maint[m].end <= t) m++;
    let k = m;
    while (t < s.end) {
      const w = maint[k];
      if (!w || w.start >= s.end) {
        out.push({ start: t, end: s.end, kind: s.kind });
        break;
      }
      if (w.start > t) out.push({ start: t, end: w.start, kind: s.kind });
      const e = Math.min(w.end, s.end);
      out.push({ start: Math.max(t, w.start), end: e, kind: 'maintenance' });
      t = e;
      if (w.end <= s.end) k++;
    }
  }
  return out;
}

export const DAY_MS = 86_400_000;
export const UPTIME_WINDOWS = {
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
  '90d': 90 * DAY_MS,
};
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;

export interface DailyUptime {
  /** UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly ratio: number | null;
  readonly downSeconds: number;
  readonly maintenanceSeconds: number;
}

export interface Uptime {
  readonly windows: Readonly<Record<UptimeWindow, number | null>>;
  /** The last 90 UTC days, oldest first; the last one is today so far. */
  readonly daily: readonly DailyUptime[];
}

/** The uptime report over the last 90 days at `now`. */
export function uptimeReport(
  events: readonly StateEvent[],
  maintenance: readonly Interval[],
  now: number,
): Uptime {
  const rangeStart = now - UPTIME_WINDOWS['90d'];
  const names = Object.keys(UPTIME_WINDOWS) as UptimeWindow[];
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const days: Interval[] = [];
  for (let i = 89; i >= 0; i--) {
    const start = today - i * DAY_MS;
    days.push({ start: Math.max(start, rangeStart), end: Math.min(start + DAY_MS, now) });
  }
  const buckets = [...names.map((n) => ({ start: now - UPTIME_WINDOWS[n], end: now })), ...days];
  const totals = uptimeTotals(events, maintenance, rangeStart, now, buckets);
  const windows = Object.fromEntries(names.map((n, i) => [n, ratioOf(totals[i])])) as Record<
    UptimeWindow,
    number | null
  >;
  const daily = days.map((d, i) => {
    const t = totals[names.length + i];
    return {
      day: new Date(today - (89 - i) * DAY_MS).toISOString().slice(0, 10),
      ratio: ratioOf(t),
      downSeconds: t.downMs / 1000,
      maintenanceSeconds: t.maintenanceMs / 1000,
    };
  });
  return { windows, daily };
}

/** SLO status over a rolling window. */
export interface SloReport {
  /** Target availability in percent (e.g. 99.9). */
  readonly target: number;
  /** Window length (ms). */
  readonly window: number;
  /** up / known over the window; null without data. */
  readonly availability: number | null;
  /** Allowed down time over the window: (1 − target) × (window − maintenance). */
  readonly errorBudgetSeconds: number;
  /** 1 − down / budget: 1 untouched, 0 spent, negative overspent; null without data. */
  readonly remainingRatio: number | null;
}

/** The SLO report from the events of the window. */
export function sloReport(
  events: readonly StateEvent[],
  maintenance: readonly Interval[],
  now: number,
  target: number,
  window: number,
): SloReport {
  const [t] = uptimeTotals(events, maintenance, now - window, now, [
    { start: now - window, end: now },
  ]);
  const availability = ratioOf(t);
  const errorBudgetSeconds = ((1 - target / 100) * (window - t.maintenanceMs)) / 1000;
  const remainingRatio =
    availability === null
      ? null
      : errorBudgetSeconds <= 0
        ? t.downMs > 0
          ? 0
          : 1
        : 1 - t.downMs / 1000 / errorBudgetSeconds;
  return { target, window, availability, errorBudgetSeconds, remainingRatio };
}
