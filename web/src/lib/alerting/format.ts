/**
 * Durations, times and links as the alerting pages show and read them. Pure, no DOM.
 *
 *   parseDuration('1h30m')          // → 5_400_000 (ms)
 *   formatDuration(5_400_000)       // → '1h30m'
 *   relative(Date.parse(iso), now)  // → '5m ago' / 'in 2h'
 */

const UNITS: [string, number][] = [
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** `1w2d3h4m5s` (any subset, in that order; `ms` too) → ms; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  const m = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(s);
  if (s === '' || m === null) return undefined;
  const [, w, d, h, mi, se, ms] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return w! * 604_800_000 + d! * 86_400_000 + h! * 3_600_000 + mi! * 60_000 + se! * 1000 + ms!;
}

/** ms → the largest units, at most two (`2d3h`, `45s`, `0s`); under a second → `ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const neg = ms < 0;
  let rest = Math.round(Math.abs(ms));
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`;
  const parts: string[] = [];
  for (const [u, size] of UNITS) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${u}`);
      rest %= size;
    } else if (parts.length > 0) break;
  }
  return `${neg ? '-' : ''}${parts.join('')}`;
}

/** `5m ago` / `in 2h` / `now`. */
export function relative(t: number, now: number): string {
  const d = now - t;
  if (Math.abs(d) < 1000) return 'now';
  return d > 0 ? `${formatDuration(d)} ago` : `in ${formatDuration(-d)}`;
}

/** ISO text (or ms) → ms; NaN stays NaN (the callers show "—"). */
export function toMs(t: string | number): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

/** A local date-time for <input type="datetime-local"> (minutes), and back. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
export function fromLocalInput(s: string): number | undefined {
  if (s === '') return undefined;
  const t = new Date(s).getTime();
  return Number.isNaN(t) ? undefined : t;
}

/** Only http(s) URLs become links (a runbook_url of `javascript:` stays text). */
export function safeHttpUrl(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** `0.0123` seconds → `12.3ms`; the Rules page's evaluation times. */
export function formatSeconds(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '—';
  if (s < 0.001) return `${(s * 1e6).toFixed(0)}µs`;
  if (s < 1) return `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)}ms`;
  return `${s.toFixed(2)}s`;
}

/** An audit actor as people read it: `user:ann` → `ann`; tokens and others stay as they are. */
export function actorLabel(actor: string): string {
  return actor.startsWith('user:') ? actor.slice('user:'.length) : actor;
}
