/**
 * Typed loads for the Overview, host detail and Targets pages over the Prometheus API.
 * The card load is batched: one range query per metric over all hosts, plus three instant
 * queries, issued together (a fixed number however many hosts).
 */
import {
  buildHosts,
  CARD_METRICS,
  cardQueries,
  CPU_COUNT_QUERY,
  NODENAME_QUERY,
  parseSample,
  rateWindow,
  type CardMetric,
  type HostSummary,
  type RawSeries,
} from '../lib/overview.js';
import { hostPanels, type HostPanel } from '../lib/host-panels.js';
import { instantQuery, rangeQuery, targets, type Target, type VectorSample } from './prom.js';

/** Sparkline resolution: 120 points over the last hour. */
export const CARD_RANGE_SECONDS = 3600;
export const CARD_STEP_SECONDS = 30;

async function vector(query: string, time: number, signal?: AbortSignal) {
  const a = await instantQuery(query, time, signal);
  return a.data.resultType === 'vector' ? a.data.result : [];
}

const numeric = (r: VectorSample[]) =>
  r.map((s) => ({ metric: s.metric, value: parseSample(s.value[1]) }));

/** All host cards, their sparklines over the last hour ending `nowSec`. */
export async function loadHosts(nowSec: number, signal?: AbortSignal): Promise<HostSummary[]> {
  const step = CARD_STEP_SECONDS;
  // The grid ends now, not at the last whole step: a fresh host's first rate (two samples
  // 15 s apart) must not wait up to a step longer to show.
  const end = Math.floor(nowSec);
  const start = end - CARD_RANGE_SECONDS;
  const queries = cardQueries(rateWindow(step));
  const [ranges, up, cpus, nodenames] = await Promise.all([
    Promise.all(
      CARD_METRICS.map(async (m) => {
        const a = await rangeQuery(queries[m], start, end, step, signal);
        return [m, a.data.result] as const;
      }),
    ),
    vector('up', nowSec, signal),
    vector(CPU_COUNT_QUERY, nowSec, signal),
    vector(NODENAME_QUERY, nowSec, signal),
  ]);
  const metrics: Partial<Record<CardMetric, RawSeries[]>> = {};
  for (const [m, r] of ranges) metrics[m] = r;
  return buildHosts({
    range: { start, end, step },
    metrics,
    up: numeric(up),
    cpus: numeric(cpus),
    nodenames,
  });
}

/** One chart series (the shared chart's `ChartSeries` shape). */
export interface PanelSeries {
  name: string;
  labels: Record<string, string>;
  points: [number, number][];
}

export interface PanelData {
  panel: HostPanel;
  series: PanelSeries[];
  error?: string;
}

/** The host page's panels for `instance` over `start..end` (unix seconds). */
export async function loadHostPanels(
  instance: string,
  start: number,
  end: number,
  step: number,
  signal?: AbortSignal,
): Promise<PanelData[]> {
  const panels = hostPanels(instance, rateWindow(step));
  return Promise.all(
    panels.map(async (panel) => {
      try {
        const answers = await Promise.all(
          panel.queries.map((q) => rangeQuery(q.expr, start, end, step, signal)),
        );
        // Queries keep their order (a stack reads used, buffers, cached, free); the series
        // of one query are sorted by name.
        const series = answers.flatMap((a, i) => {
          const q = panel.queries[i]!;
          return a.data.result
            .map((s): PanelSeries => ({
              name: q.legend(s.metric),
              labels: s.metric,
              points: s.values.map(([t, v]) => [t, parseSample(v)]),
            }))
            .sort((x, y) => x.name.localeCompare(y.name));
        });
        return { panel, series };
      } catch (err) {
        if (signal?.aborted) throw err;
        return { panel, series: [], error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}

/** The active scrape targets. */
export async function loadTargets(signal?: AbortSignal): Promise<Target[]> {
  return (await targets(signal)).activeTargets;
}
