import type { Range, TimePeriod } from './parse.js';

interface Parts {
  year: number;
  month: number; // 1-12
  day: number;
  weekday: number; // 0 = Sunday
  minuteOfDay: number;
}

const WEEKDAY: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(location: string): Intl.DateTimeFormat {
  let f = formatters.get(location);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      // 'Local' is the process's zone, as in Go's time.Local.
      timeZone: location === 'Local' ? undefined : location,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(location, f);
  }
  return f;
}

/** Wall-clock fields of instant `ms` in `location` (Intl does the IANA/DST work). */
export function wallClock(ms: number, location: string): Parts {
  const p: Record<string, string> = {};
  for (const part of formatter(location).formatToParts(ms)) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    weekday: WEEKDAY[p.weekday],
    minuteOfDay: Number(p.hour) * 60 + Number(p.minute),
  };
}

function inRanges(v: number, rs: readonly Range[]): boolean {
  return rs.some((r) => v >= r.begin && v <= r.end);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function inDaysOfMonth(p: Parts, rs: readonly Range[]): boolean {
  const n = daysIn(p.year, p.month);
  for (const r of rs) {
    // Negative days count from the month's end: -1 is its last day.
    let begin = r.begin < 0 ? n + r.begin + 1 : r.begin;
    let end = r.end < 0 ? n + r.end + 1 : r.end;
    if (begin > n) continue;
    begin = Math.max(-n, Math.min(begin, n));
    end = Math.max(-n, Math.min(end, n));
    if (p.day >= begin && p.day <= end) return true;
  }
  return false;
}

/** Whether instant `ms` falls in the period (every given field must match, in its location). */
export function periodContains(tp: TimePeriod, ms: number): boolean {
  const p = wallClock(ms, tp.location ?? 'UTC');
  if (tp.times && !tp.times.some((r) => p.minuteOfDay >= r.begin && p.minuteOfDay < r.end))
    return false;
  if (tp.daysOfMonth && !inDaysOfMonth(p, tp.daysOfMonth)) return false;
  if (tp.months && !inRanges(p.month, tp.months)) return false;
  if (tp.weekdays && !inRanges(p.weekday, tp.weekdays)) return false;
  if (tp.years && !inRanges(p.year, tp.years)) return false;
  return true;
}

/** Whether `date` falls in any of the periods (a named time interval is such a list). */
export function contains(periods: readonly TimePeriod[], date: Date | number): boolean {
  const ms = typeof date === 'number' ? date : date.getTime();
  return periods.some((tp) => periodContains(tp, ms));
}
