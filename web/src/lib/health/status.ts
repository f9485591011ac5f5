/**
 * How health states read in the UI: a word and an icon beside the colour (colour-blind safe),
 * percentages, durations, uptime bars. Pure (no DOM): tested in test/web/health.test.ts.
 */

export type Status = 'up' | 'degraded' | 'down' | 'unknown' | 'maintenance';

const ICONS: Record<Status, string> = {
  up: '✓',
  degraded: '!',
  down: '✕',
  unknown: '?',
  maintenance: '⚒',
};

/** A state's icon (the text says the word; the icon and colour only repeat it). */
export function statusIcon(s: string): string {
  return ICONS[s as Status] ?? '?';
}

/** The CSS class of a state's colour (unknown states read as unknown). */
export function statusClass(s: string): string {
  return `hs-${s in ICONS ? s : 'unknown'}`;
}

/** A ratio (0..1) as a percentage with enough digits to tell 99.9 % from 100 %. */
export function formatRatio(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '—';
  const p = r * 100;
  if (p >= 100) return '100%';
  if (p >= 99) return `${(Math.floor(p * 100) / 100).toFixed(2)}%`;
  return `${(Math.floor(p * 10) / 10).toFixed(1)}%`;
}

/** Seconds as a short duration: 850 ms, 1.2 s, 3 min 20 s, 2 h 5 min, 3 d 4 h. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '—';
  const neg = s < 0 ? '-' : '';
  s = Math.abs(s);
  if (s < 1) return `${neg}${Math.round(s * 1000)} ms`;
  if (s < 60) return `${neg}${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) {
    const r = Math.round(s % 60);
    return `${neg}${m} min${r ? ` ${r} s` : ''}`;
  }
  const h = Math.floor(m / 60);
  if (h < 48) return `${neg}${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  const d = Math.floor(h / 24);
  return `${neg}${d} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

export interface UptimeBar {
  day: string;
  /** `ok` ≥ 99.9 %, `warn` ≥ 95 %, `bad` below, `none` without data. */
  level: 'ok' | 'warn' | 'bad' | 'none';
  /** The bar's title and accessible name: "2026-11-27: 99.95% up". */
  label: string;
}

/** The 90-day uptime bars of a daily uptime list (oldest first). */
export function uptimeBars(
  daily: readonly { day: string; ratio: number | null; maintenance_seconds?: number }[],
): UptimeBar[] {
  return daily.map((d) => {
    if (d.ratio === null)
      return {
        day: d.day,
        level: 'none',
        label: `${d.day}: no data${d.maintenance_seconds ? ' (maintenance)' : ''}`,
      };
    const level = d.ratio >= 0.999 ? 'ok' : d.ratio >= 0.95 ? 'warn' : 'bad';
    return { day: d.day, level, label: `${d.day}: ${formatRatio(d.ratio)} up` };
  });
}

/** An error budget's remaining ratio in words: "72% of the error budget left" / "overspent". */
export function budgetText(remaining: number): string {
  if (!Number.isFinite(remaining)) return '—';
  if (remaining < 0) return `error budget overspent by ${formatRatio(-remaining)}`;
  return `${formatRatio(Math.min(1, remaining))} of the error budget left`;
}

/** The sentence under the overall banner: "Checkout degraded — impacted by database". */
export function impactText(name: string, status: string, impactedBy: readonly string[]): string {
  const base = `${name} ${status}`;
  return impactedBy.length === 0 ? base : `${base} — impacted by ${impactedBy.join(', ')}`;
}

/** Response-time sparkline points (`[unix s, ms]`) from probe results (successful or not). */
export function durationPoints(
  results: readonly { at: number; duration_seconds: number }[],
): [number, number][] {
  return results
    .filter((r) => Number.isFinite(r.duration_seconds))
    .map((r): [number, number] => [r.at / 1000, r.duration_seconds * 1000])
    .sort((a, b) => a[0] - b[0]);
}

/** Success ratio of probe results (null without any). */
export function successRatio(results: readonly { success: boolean }[]): number | null {
  if (results.length === 0) return null;
  return results.filter((r) => r.success).length / results.length;
}

/** The server's detail keys as people say them. */
const DETAIL_WORDS: Record<string, string> = { impactedBy: 'impacted by', checks: 'checks' };

/**
 * A history event's detail in words: `error: …`, lists of `{name, state}` as "site up, db down",
 * other values as JSON. Empty values are left out.
 */
export function eventDetailText(d: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(d)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      const items = v.map((x: unknown) => {
        if (typeof x === 'object' && x !== null && 'name' in x) {
          const o = x as { name: unknown; state?: unknown; status?: unknown };
          const st = o.state ?? o.status;
          return st === undefined ? String(o.name) : `${String(o.name)} ${String(st)}`;
        }
        return typeof x === 'string' ? x : JSON.stringify(x);
      });
      parts.push(`${DETAIL_WORDS[k] ?? k}: ${items.join(', ')}`);
    } else if (k === 'duration' && typeof v === 'number') parts.push(`took ${formatSeconds(v)}`);
    else parts.push(`${DETAIL_WORDS[k] ?? k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return parts.join(' · ');
}
