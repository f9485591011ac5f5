import { ArgusError } from '../../util/index.js';

/** A time interval definition that is not valid; the message names the field and the value. */
export class TimeIntervalError extends ArgusError {}

/** Inclusive integer range; `times` use [startMinute, endMinute) in minutes of the day. */
export interface Range {
  readonly begin: number;
  readonly end: number;
}

/** One `time_intervals[].time_intervals[]` entry, parsed. An absent field matches everything. */
export interface TimePeriod {
  readonly times?: readonly Range[];
  readonly weekdays?: readonly Range[];
  readonly daysOfMonth?: readonly Range[];
  readonly months?: readonly Range[];
  readonly years?: readonly Range[];
  /** IANA zone name; undefined = UTC (Alertmanager's default); 'Local' = the process's zone. */
  readonly location?: string;
}

/** The raw YAML form (Alertmanager's field names). */
export interface RawTimePeriod {
  times?: { start_time: string; end_time: string }[];
  weekdays?: string[];
  days_of_month?: string[];
  months?: string[];
  years?: string[];
  location?: string;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function bad(msg: string): never {
  throw new TimeIntervalError(msg);
}

function minutes(s: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) return bad(`couldn't parse timestamp ${s}, invalid format`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min !== 0))
    return bad(`couldn't parse timestamp ${s}, invalid format`);
  return h * 60 + min;
}

function splitRange(s: string): [string, string] {
  const parts = s.split(':');
  if (parts.length === 1) return [parts[0], parts[0]];
  if (parts.length !== 2) return bad(`invalid range ${JSON.stringify(s)}: expected "start:end"`);
  return [parts[0], parts[1]];
}

function named(s: string, names: string[], what: string, allowNumbers: boolean): number {
  const i = names.indexOf(s.trim().toLowerCase());
  if (i >= 0) return i;
  if (allowNumbers && /^\d+$/.test(s.trim())) {
    const n = Number(s);
    if (n >= 1 && n <= 12) return n - 1;
    return bad(`${s} is not a valid month: out of range`);
  }
  return bad(`${JSON.stringify(s)} is not a valid ${what}`);
}

function int(s: string, what: string): number {
  if (!/^-?\d+$/.test(s.trim())) return bad(`${JSON.stringify(s)} is not a valid ${what}`);
  return Number(s);
}

function weekdays(s: string): Range {
  const [a, b] = splitRange(s);
  const r = {
    begin: named(a, WEEKDAYS, 'weekday', false),
    end: named(b, WEEKDAYS, 'weekday', false),
  };
  if (r.begin > r.end) bad(`start day cannot be before end day: ${s}`);
  return r;
}

function months(s: string): Range {
  const [a, b] = splitRange(s);
  // Months are 1-12 like Go's time.Month.
  const r = {
    begin: named(a, MONTHS, 'month', true) + 1,
    end: named(b, MONTHS, 'month', true) + 1,
  };
  if (r.begin > r.end) bad(`end month ${b} is before start month ${a}`);
  return r;
}

function daysOfMonth(s: string): Range {
  const [a, b] = splitRange(s);
  const r = { begin: int(a, 'day of the month'), end: int(b, 'day of the month') };
  for (const d of [r.begin, r.end])
    if (d === 0 || d < -31 || d > 31) bad(`${d} is not a valid day of the month: out of range`);
  // Mixed signs (`1:-1`) are checked per month at match time, like Alertmanager.
  if (Math.sign(r.begin) === Math.sign(r.end) && r.begin > r.end)
    bad(`end day must be greater than start day: ${s}`);
  return r;
}

function years(s: string): Range {
  const [a, b] = splitRange(s);
  const r = { begin: int(a, 'year'), end: int(b, 'year') };
  if (r.begin < 0 || r.end < 0) bad(`${s} is not a valid year`);
  if (r.begin > r.end) bad(`end year must be greater than or equal to start year: ${s}`);
  return r;
}

/** True when `name` is a time zone this runtime knows (IANA via Intl), or 'Local'/'UTC'. */
export function isValidLocation(name: string): boolean {
  if (name === 'Local' || name === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Parses and validates one period; throws TimeIntervalError naming the field. */
export function parseTimePeriod(raw: RawTimePeriod): TimePeriod {
  const field = <T>(name: string, f: () => T): T => {
    try {
      return f();
    } catch (err) {
      if (err instanceof TimeIntervalError)
        throw new TimeIntervalError(`${name}: ${err.message}`, { cause: err });
      throw err;
    }
  };
  const out: {
    -readonly [K in keyof TimePeriod]: TimePeriod[K];
  } = {};
  if (raw.times)
    out.times = field('times', () =>
      raw.times!.map((t) => {
        if (t.start_time === undefined || t.end_time === undefined)
          bad('both start and end times must be provided');
        const r = { begin: minutes(t.start_time), end: minutes(t.end_time) };
        if (r.begin >= r.end) bad('start time cannot be equal or greater than end time');
        return r;
      }),
    );
  if (raw.weekdays) out.weekdays = field('weekdays', () => raw.weekdays!.map(weekdays));
  if (raw.days_of_month)
    out.daysOfMonth = field('days_of_month', () => raw.days_of_month!.map(daysOfMonth));
  if (raw.months) out.months = field('months', () => raw.months!.map(months));
  if (raw.years) out.years = field('years', () => raw.years!.map(years));
  if (raw.location !== undefined) {
    if (!isValidLocation(raw.location))
      bad(`location: unknown time zone ${JSON.stringify(raw.location)}`);
    out.location = raw.location;
  }
  return out;
}
