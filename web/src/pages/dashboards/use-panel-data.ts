/**
 * A panel's data: its targets' range queries over the dashboard's time range, variables
 * interpolated, legends applied. Live (relative range and a tick from the server push channel):
 * only the span since the last answer (plus two steps) is queried and merged in — one small
 * query per target per tick, not the whole range again.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client.js';
import type { Panel } from '../../api/dashboards.js';
import { rangeQuery } from '../../api/prom.js';
import { labelsKey, mergeSeries, type SeriesPoints } from '../../lib/dashboard/merge.js';
import { formatLegend, interpolate, type VariableValue } from '../../lib/dashboard/template.js';
import { effectiveStep, isRelative, resolveRange, type TimeRange } from '../../lib/time-range.js';

export interface PanelSeries extends SeriesPoints {
  name: string;
  refId: string;
}

export interface PanelData {
  series: PanelSeries[];
  error?: string;
  warnings: string[];
  loading: boolean;
  /** Unix seconds of the window the series cover. */
  start: number;
  end: number;
}

interface Held {
  series: PanelSeries[];
  /** The request that produced `series`: what makes an incremental update valid. */
  key: string;
  end: number;
  step: number;
}

export function usePanelData(
  panel: Panel,
  vars: Readonly<Record<string, VariableValue>>,
  range: TimeRange,
  widthPx: number,
  /** Changes on each live tick (0: not live). */
  tick: number,
  /** Changes on manual refresh. */
  refresh: number,
): PanelData {
  const [data, setData] = useState<PanelData>({
    series: [],
    warnings: [],
    loading: true,
    start: 0,
    end: 0,
  });
  const held = useRef<Held | null>(null);
  const targets = panel.type === 'text' ? [] : panel.targets.filter((t) => t.expr.trim() !== '');

  // What the full answer depends on (a tick alone only extends it).
  // (A tick that brings nothing new must not even flash the loading marker.)
  const key = JSON.stringify([targets, vars, range, Math.round(widthPx / 50)]);

  useEffect(() => {
    if (targets.length === 0) {
      setData({ series: [], warnings: [], loading: false, start: 0, end: 0 });
      return;
    }
    const ctl = new AbortController();
    const now = Date.now();
    const { start, end } = resolveRange(range, now);
    const rangeSec = end - start;
    const step = effectiveStep(range, rangeSec, Math.max(200, widthPx));
    const prev = held.current;
    const incremental =
      prev !== null &&
      prev.key === key &&
      prev.step === step &&
      isRelative(range.from) &&
      range.to.trim() === 'now' &&
      end - prev.end < rangeSec / 2;
    // On the step grid so successive answers share timestamps; rounded up, so the newest
    // sample shows at once (the last point, at most one step ahead, takes the latest sample).
    const qEnd = Math.ceil(end / step) * step;
    const qStart = incremental ? Math.floor((prev.end - 2 * step) / step) * step : start;
    if (!incremental) setData((d) => ({ ...d, loading: true }));
    void (async () => {
      try {
        const answers = await Promise.all(
          targets.map(async (t) => {
            const expr = interpolate(t.expr, vars, { stepSec: step, rangeSec });
            const a = await rangeQuery(expr, qStart, qEnd, step, ctl.signal);
            return { t, a };
          }),
        );
        const fresh: PanelSeries[] = [];
        const warnings: string[] = [];
        for (const { t, a } of answers) {
          warnings.push(...a.warnings);
          for (const s of a.data.result) {
            fresh.push({
              key: `${t.refId}\u0002${labelsKey(s.metric)}`,
              labels: s.metric,
              name: formatLegend(t.legend, s.metric),
              refId: t.refId,
              points: s.values.map(([ts, v]) => [ts, Number(v)] as [number, number]),
            });
          }
        }
        const merged = incremental
          ? (mergeSeries(prev.series, fresh, qStart, start) as PanelSeries[])
          : fresh;
        // Nothing new on this tick: keep the same arrays, so the chart is not redrawn.
        const series = incremental && unchanged(prev.series, merged) ? prev.series : merged;
        held.current = { series, key, end: qEnd, step };
        setData((d) =>
          d.series === series && !d.loading && d.error === undefined
            ? d
            : { series, warnings, loading: false, start, end },
        );
      } catch (err) {
        if (ctl.signal.aborted) return;
        held.current = null;
        setData({
          series: [],
          warnings: [],
          loading: false,
          start,
          end,
          error: err instanceof ApiError || err instanceof Error ? err.message : String(err),
        });
      }
    })();
    return () => ctl.abort();
  }, [key, tick, refresh]);

  return data;
}

/** Same series with the same points (a live tick that brought no new sample). */
function unchanged(a: readonly PanelSeries[], b: readonly PanelSeries[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.key !== y.key || x.points.length !== y.points.length) return false;
    for (let j = 0; j < x.points.length; j++) {
      const p = x.points[j]!;
      const q = y.points[j]!;
      if (p[0] !== q[0] || !Object.is(p[1], q[1])) return false;
    }
  }
  return true;
}
