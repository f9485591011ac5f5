/**
 * Go's time.Time and time.Duration as template values: methods with Go's names (`.Format`,
 * `.Unix`, `.String`) so notification templates written for Alertmanager run unchanged.
 * Millisecond precision (Prometheus's model.Time is milliseconds too).
 */
import { TemplateFuncError } from './errors.js';

const MONTHS =
  'January February March April May June July August September October November December'.split(
    ' ',
  );
const DAYS = 'Sunday Monday Tuesday Wednesday Thursday Friday Saturday'.split(' ');
const ZERO_MS = -62135596800000; // 0001-01-01T00:00:00Z, Go's zero Time.

const pad = (n: number, w: number, c = '0'): string => String(n).padStart(w, c);

export class GoTime {
  /**
   * @param ms Unix milliseconds.
   * @param offset Zone offset east of UTC in seconds.
   * @param zone Zone abbreviation ("UTC", "CET", or "+01" when there is none).
   */
  constructor(
    readonly ms: number,
    readonly offset = 0,
    readonly zone = 'UTC',
    readonly location = 'UTC',
  ) {}

  static fromDate(d: Date): GoTime {
    return new GoTime(d.getTime());
  }

  /** Wall-clock fields in this time's zone. */
  private wall(): Date {
    return new Date(this.ms + this.offset * 1000);
  }

  Format(layout: unknown): string {
    return formatTime(this, String(layout));
  }
  String(): string {
    return formatTime(this, '2006-01-02 15:04:05.999999999 -0700 MST');
  }
  Unix(): bigint {
    return BigInt(Math.floor(this.ms / 1000));
  }
  UnixMilli(): bigint {
    return BigInt(Math.floor(this.ms));
  }
  UnixNano(): bigint {
    return BigInt(Math.floor(this.ms)) * 1_000_000n;
  }
  UTC(): GoTime {
    return new GoTime(this.ms);
  }
  Local(): GoTime {
    return new GoTime(this.ms);
  }
  IsZero(): boolean {
    return this.ms === ZERO_MS;
  }
  Year(): bigint {
    return BigInt(this.wall().getUTCFullYear());
  }
  Month(): string {
    return MONTHS[this.wall().getUTCMonth()];
  }
  Day(): bigint {
    return BigInt(this.wall().getUTCDate());
  }
  Hour(): bigint {
    return BigInt(this.wall().getUTCHours());
  }
  Minute(): bigint {
    return BigInt(this.wall().getUTCMinutes());
  }
  Second(): bigint {
    return BigInt(this.wall().getUTCSeconds());
  }
  Weekday(): string {
    return DAYS[this.wall().getUTCDay()];
  }
  Before(o: unknown): boolean {
    return o instanceof GoTime && this.ms < o.ms;
  }
  After(o: unknown): boolean {
    return o instanceof GoTime && this.ms > o.ms;
  }
  Sub(o: unknown): GoDuration {
    if (!(o instanceof GoTime))
      throw new TemplateFuncError(`cannot subtract ${typeof o} from time`);
    return new GoDuration((this.ms - o.ms) * 1e6);
  }
  Add(d: unknown): GoTime {
    const ns = d instanceof GoDuration ? d.ns : Number(d);
    return new GoTime(this.ms + ns / 1e6, this.offset, this.zone, this.location);
  }
  /** Converts to the IANA zone `name` (Go's time.LoadLocation + In). */
  In(name: string): GoTime {
    return inZone(this, name);
  }
}

/** The zero time (Alertmanager's EndsAt of a firing alert). */
export const ZERO_TIME = new GoTime(ZERO_MS);

export function inZone(t: GoTime, name: string): GoTime {
  if (name === '' || name === 'UTC') return new GoTime(t.ms);
  if (name === 'Local') return new GoTime(t.ms);
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
    }).formatToParts(new Date(t.ms));
  } catch (err) {
    throw new TemplateFuncError(`unknown time zone ${name}`, { cause: err });
  }
  const get = (k: string): number => Number(parts.find((p) => p.type === k)?.value ?? 0);
  const wallMs = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  const offset = Math.round((wallMs - Math.floor(t.ms / 1000) * 1000) / 60000) * 60;
  let zone = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
  // en-US knows American abbreviations (EST), en-GB European ones (CET, BST).
  if (zone === '' || /^GMT|^UTC[+-]/.test(zone)) zone = shortZone(name, t.ms, 'en-GB');
  if (zone === '' || /^GMT|^UTC[+-]/.test(zone)) {
    // Go prints "+01" / "-0330" for zones without an abbreviation.
    const a = Math.abs(offset);
    const hm = `${pad(Math.floor(a / 3600), 2)}${a % 3600 ? pad((a % 3600) / 60, 2) : ''}`;
    zone = offset === 0 ? 'UTC' : `${offset < 0 ? '-' : '+'}${hm}`;
  }
  return new GoTime(t.ms, offset, zone, name);
}

function shortZone(name: string, ms: number, locale: string): string {
  const parts = new Intl.DateTimeFormat(locale, {
    timeZone: name,
    timeZoneName: 'short',
  }).formatToParts(new Date(ms));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
}

const STD =
  /^(January|Jan|Monday|Mon|MST|2006|002|__2|_2|01|02|03|04|05|06|15|1|2|3|4|5|PM|pm|-07:00:00|-070000|-07:00|-0700|-07|Z07:00:00|Z070000|Z07:00|Z0700|Z07|[.,](0+|9+)(?![0-9]))/;

/** Go's Time.Format with the reference time "Mon Jan 2 15:04:05 MST 2006". */
export function formatTime(t: GoTime, layout: string): string {
  const w = new Date(t.ms + t.offset * 1000);
  const Y = w.getUTCFullYear();
  const M = w.getUTCMonth();
  const D = w.getUTCDate();
  const h = w.getUTCHours();
  const frac = ((t.ms % 1000) + 1000) % 1000;
  let out = '';
  let i = 0;
  while (i < layout.length) {
    const m = STD.exec(layout.slice(i));
    if (!m) {
      out += layout[i++];
      continue;
    }
    const tok = m[1];
    i += tok.length;
    const off = t.offset;
    const sign = off < 0 ? '-' : '+';
    const ao = Math.abs(off);
    const oh = pad(Math.floor(ao / 3600), 2);
    const om = pad(Math.floor((ao % 3600) / 60), 2);
    const os = pad(ao % 60, 2);
    if (tok[0] === 'Z' && off === 0) {
      out += 'Z';
      continue;
    }
    switch (tok) {
      case 'January':
        out += MONTHS[M];
        break;
      case 'Jan':
        out += MONTHS[M].slice(0, 3);
        break;
      case 'Monday':
        out += DAYS[w.getUTCDay()];
        break;
      case 'Mon':
        out += DAYS[w.getUTCDay()].slice(0, 3);
        break;
      case 'MST':
        out += t.zone;
        break;
      case '2006':
        out += pad(Y, 4);
        break;
      case '06':
        out += pad(Y % 100, 2);
        break;
      case '01':
        out += pad(M + 1, 2);
        break;
      case '1':
        out += String(M + 1);
        break;
      case '02':
        out += pad(D, 2);
        break;
      case '2':
        out += String(D);
        break;
      case '_2':
        out += pad(D, 2, ' ');
        break;
      case '002':
      case '__2': {
        const yd = Math.floor((Date.UTC(Y, M, D) - Date.UTC(Y, 0, 1)) / 86400000) + 1;
        out += tok === '002' ? pad(yd, 3) : pad(yd, 3, ' ');
        break;
      }
      case '15':
        out += pad(h, 2);
        break;
      case '03':
        out += pad(h % 12 || 12, 2);
        break;
      case '3':
        out += String(h % 12 || 12);
        break;
      case '04':
        out += pad(w.getUTCMinutes(), 2);
        break;
      case '4':
        out += String(w.getUTCMinutes());
        break;
      case '05':
        out += pad(w.getUTCSeconds(), 2);
        break;
      case '5':
        out += String(w.getUTCSeconds());
        break;
      case 'PM':
        out += h >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += h >= 12 ? 'pm' : 'am';
        break;
      case '-07:00:00':
      case 'Z07:00:00':
        out += `${sign}${oh}:${om}:${os}`;
        break;
      case '-070000':
      case 'Z070000':
        out += `${sign}${oh}${om}${os}`;
        break;
      case '-07:00':
      case 'Z07:00':
        out += `${sign}${oh}:${om}`;
        break;
      case '-0700':
      case 'Z0700':
        out += `${sign}${oh}${om}`;
        break;
      case '-07':
      case 'Z07':
        out += `${sign}${oh}`;
        break;
      default: {
        // Fractional seconds: ".000" fixed width, ".999" trims trailing zeros (and the dot).
        const digits = tok.length - 1;
        const s = pad(frac, 3).padEnd(9, '0').slice(0, digits);
        if (tok[1] === '0') out += tok[0] + s;
        else {
          const trimmed = s.replace(/0+$/, '');
          if (trimmed) out += tok[0] + trimmed;
        }
      }
    }
  }
  return out;
}

/** Go's time.Duration (nanoseconds); prints like Go: "1h2m3.5s", "150ms", "0s". */
export class GoDuration {
  constructor(readonly ns: number) {}
  Seconds(): number {
    return this.ns / 1e9;
  }
  Minutes(): number {
    return this.ns / 6e10;
  }
  Hours(): number {
    return this.ns / 3.6e12;
  }
  Milliseconds(): bigint {
    return BigInt(Math.trunc(this.ns / 1e6));
  }
  String(): string {
    return durationString(this.ns);
  }
}

function fracString(v: number, unit: number): string {
  const int = Math.floor(v / unit);
  const rest = v - int * unit;
  if (rest === 0) return String(int);
  const digits = String(unit).length - 1;
  return `${int}.${pad(rest, digits).replace(/0+$/, '')}`;
}

export function durationString(ns0: number): string {
  const ns = Math.round(ns0);
  if (ns === 0) return '0s';
  const neg = ns < 0;
  const a = Math.abs(ns);
  let s: string;
  if (a < 1e3) s = `${a}ns`;
  else if (a < 1e6) s = `${fracString(a, 1e3)}µs`;
  else if (a < 1e9) s = `${fracString(a, 1e6)}ms`;
  else {
    const h = Math.floor(a / 3.6e12);
    const m = Math.floor((a % 3.6e12) / 6e10);
    const sec = a % 6e10;
    s = `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${fracString(sec, 1e9)}s`;
  }
  return neg ? '-' + s : s;
}
