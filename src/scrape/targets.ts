import { formatDuration } from '../config/index.js';
import type { ResolvedScrapeConfig } from './config.js';
import type { TargetGroup } from './discovery.js';

/** Relabels a label set; undefined drops it (the relabel module's compiled program). */
export type RelabelFn = (labels: Record<string, string>) => Record<string, string> | undefined;

/** One target to scrape, or one dropped by relabeling (kept for /api/v1/targets). */
export interface Target {
  /** Labels after relabeling, without `__*` (what every scraped series gets). */
  labels: Record<string, string>;
  /** Labels before relabeling, `__*` included (as /api/v1/targets shows). */
  discoveredLabels: Record<string, string>;
  /** The URL to scrape. */
  url: string;
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
}

export interface TargetSet {
  active: Target[];
  dropped: { discoveredLabels: Record<string, string> }[];
}

const DEFAULT_PORT: Record<string, string> = { http: '80', https: '443' };

/** Parses a Prometheus duration label value (`__scrape_interval__`), or undefined. */
function durationLabel(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const m = /^(\d+)(ms|s|m|h)$/.exec(s);
  if (!m) return undefined;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/**
 * Prometheus's target label population: discovered labels plus the job's defaults
 * (`job`, `__scheme__`, `__metrics_path__`, `__scrape_interval__`, `__scrape_timeout__`,
 * `__param_*`), then `relabel_configs`; a target without `__address__` after relabeling is
 * dropped, `instance` defaults to the address, and `__*` labels are removed from the result
 * (`__param_*` become URL parameters).
 */
export function populateTarget(
  cfg: ResolvedScrapeConfig,
  group: TargetGroup,
  discovered: Record<string, string>,
  relabel: RelabelFn,
): Target | { dropped: Record<string, string> } {
  const base: Record<string, string> = {
    job: cfg.job_name,
    __scheme__: cfg.scheme,
    __metrics_path__: cfg.metrics_path,
    __scrape_interval__: formatDuration(cfg.scrape_interval),
    __scrape_timeout__: formatDuration(cfg.scrape_timeout),
  };
  for (const [k, v] of Object.entries(cfg.params)) if (v.length > 0) base[`__param_${k}`] = v[0];
  const all = { ...base, ...group.labels, ...discovered };
  const out = relabel({ ...all });
  if (out === undefined || out.__address__ === undefined || out.__address__ === '')
    return { dropped: all };
  const scheme = out.__scheme__ || cfg.scheme;
  let address = out.__address__;
  if (!/:\d+$/.test(address) || (address.startsWith('[') && !address.includes(']:')))
    address = `${address}:${DEFAULT_PORT[scheme] ?? '80'}`;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(out)) if (!k.startsWith('__') && v !== '') labels[k] = v;
  if (labels.instance === undefined) labels.instance = out.__address__;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(cfg.params)) for (const x of v) params.append(k, x);
  for (const [k, v] of Object.entries(out))
    if (k.startsWith('__param_')) params.set(k.slice('__param_'.length), v);
  const query = params.toString();
  const path = out.__metrics_path__ || cfg.metrics_path;
  const interval = durationLabel(out.__scrape_interval__) ?? cfg.scrape_interval;
  const timeout = Math.min(durationLabel(out.__scrape_timeout__) ?? cfg.scrape_timeout, interval);
  return {
    labels,
    discoveredLabels: all,
    url: `${scheme}://${address}${path}${query ? `?${query}` : ''}`,
    scrapeIntervalMs: interval,
    scrapeTimeoutMs: timeout,
  };
}

/**
 * All targets of a job from its discovered groups: relabeled, deduplicated by label set (two
 * groups yielding the same target scrape it once), capped by `keep_dropped_targets`.
 */
export function buildTargets(
  cfg: ResolvedScrapeConfig,
  groups: readonly TargetGroup[],
  relabel: RelabelFn,
): TargetSet {
  const active = new Map<string, Target>();
  const dropped: TargetSet['dropped'] = [];
  for (const g of groups) {
    for (const t of g.targets) {
      const r = populateTarget(cfg, g, t, relabel);
      if ('dropped' in r) {
        if (cfg.keep_dropped_targets === 0 || dropped.length < cfg.keep_dropped_targets)
          dropped.push({ discoveredLabels: r.dropped });
        continue;
      }
      const key = JSON.stringify(Object.entries(r.labels).sort()) + r.url;
      if (!active.has(key)) active.set(key, r);
    }
  }
  return { active: [...active.values()], dropped };
}
