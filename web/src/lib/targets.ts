/**
 * The Targets page's logic: group scrape targets by job, count the healthy ones, filter by
 * text and health, and say "12 s ago". Pure (no DOM), unit-tested in test/web/targets.test.ts.
 *
 *   groupTargets(filterTargets(all, { text: 'node', health: 'down' }))  // → [{job, targets, up, total}]
 */

export type TargetHealth = 'up' | 'down' | 'unknown';

/** The fields of `/api/v1/targets` active targets this page uses. */
export interface TargetLike {
  scrapePool: string;
  scrapeUrl: string;
  labels: Record<string, string>;
  health: TargetHealth;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
}

export interface TargetFilter {
  text: string;
  /** 'all' or one health. */
  health: TargetHealth | 'all';
}

/** Text matches the job, endpoint, any label name=value, or the last error. */
export function filterTargets<T extends TargetLike>(targets: T[], f: TargetFilter): T[] {
  const text = f.text.trim().toLowerCase();
  return targets.filter((t) => {
    if (f.health !== 'all' && t.health !== f.health) return false;
    if (text === '') return true;
    const hay = [
      t.scrapePool,
      t.scrapeUrl,
      t.lastError,
      ...Object.entries(t.labels).map(([k, v]) => `${k}=${v}`),
    ];
    return hay.some((s) => s.toLowerCase().includes(text));
  });
}

export interface JobGroup<T> {
  job: string;
  targets: T[];
  up: number;
  total: number;
}

/** Targets by job (scrape pool), jobs by name, targets by endpoint. */
export function groupTargets<T extends TargetLike>(targets: T[]): JobGroup<T>[] {
  const groups = new Map<string, T[]>();
  for (const t of targets) {
    const g = groups.get(t.scrapePool);
    if (g) g.push(t);
    else groups.set(t.scrapePool, [t]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([job, ts]) => ({
      job,
      targets: ts.sort((a, b) => a.scrapeUrl.localeCompare(b.scrapeUrl)),
      up: ts.filter((t) => t.health === 'up').length,
      total: ts.length,
    }));
}

/** Counts for the health filter's options. */
export function healthCounts(targets: TargetLike[]): Record<TargetHealth, number> {
  const c = { up: 0, down: 0, unknown: 0 };
  for (const t of targets) c[t.health]++;
  return c;
}

/**
 * "12 s ago", "3 min ago", "2 h ago"; "never" for the zero time the API gives a target not
 * yet scraped (0001-01-01T00:00:00Z) or an unparsable one.
 */
export function relativeTime(iso: string, nowMs: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t) || t <= 0) return 'never';
  const s = Math.max(0, Math.round((nowMs - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** A scrape duration in seconds as "12 ms" / "1.25 s". */
export function formatScrapeDuration(sec: number): string {
  if (!(sec > 0)) return '—';
  if (sec < 1) return `${Math.max(1, Math.round(sec * 1000))} ms`;
  return `${sec.toFixed(2)} s`;
}

/** Labels to show for a target: all but the job (the group heading says it). */
export function shownLabels(labels: Record<string, string>): [string, string][] {
  return Object.entries(labels)
    .filter(([k]) => k !== 'job')
    .sort(([a], [b]) => a.localeCompare(b));
}
