/**
 * A uPlot time series chart for Prometheus matrices, with a legend below.
 *
 *   <TimeSeriesChart series={[{ labels, name, points: [[ts, v], …] }]} unit="bytes" height={300} />
 *
 * - `series` are aligned once per new array (pass the same array to avoid rework); a series
 *   without a sample at a time shows a gap.
 * - `stacked` stacks the visible series (hover values stay the series' own).
 * - Theme-aware (colours from `--series-0..7`, re-read on the `argus-theme` event), resizes
 *   with its container, touch: tap or drag horizontally to inspect values.
 * - Legend: click hides/shows a series; shift- or ctrl-click isolates it (again: shows all).
 *   Items are buttons (keyboard: Tab, Enter/Space).
 * - `onHoverTime(ts | null)` reports the time under the cursor (for shared crosshairs).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './chart.css';
import { axisFormatter, formatValue, type Unit } from '../../lib/units.js';
import { formatTime, type Zone } from '../../lib/time-range.js';
import { alignSeries, stack, type Aligned, type ChartSeries } from './aligned.js';
import {
  onThemeChange,
  readColors,
  SERIES_COLORS,
  withAlpha,
  type ChartColors,
} from './theme-colors.js';

export type { ChartSeries } from './aligned.js';

export interface TimeSeriesChartProps {
  series: readonly ChartSeries[];
  unit?: Unit;
  stacked?: boolean;
  /** Plot height in CSS pixels (the legend comes below). Default 300. */
  height?: number;
  /** Timezone of the time axis and hover time. Default local. */
  tz?: Zone;
  onHoverTime?: (ts: number | null) => void;
  /** Accessible name of the chart. */
  label?: string;
  /**
   * The time window to show, `[start, end]` in unix seconds (the query's range); the x axis
   * covers it even where the data does not (a fresh series with one or two points).
   */
  xRange?: [number, number];
}

/** The legend's colour class for series i (the palette repeats after 8). */
export const colorClass = (i: number) => `c${i % SERIES_COLORS}`;

function yAxisSize(self: uPlot, values: string[] | null): number {
  if (!values || values.length === 0) return 40;
  const longest = values.reduce((m, v) => Math.max(m, v.length), 0);
  void self;
  // Room for the widest label at 11px (with the tick marks), so phones do not clip it.
  return Math.min(120, 22 + longest * 7.5);
}

function buildOptions(
  width: number,
  height: number,
  n: number,
  shown: readonly boolean[],
  p: Required<Pick<TimeSeriesChartProps, 'unit' | 'stacked' | 'tz'>>,
  colors: ChartColors,
  onCursor: (idx: number | null) => void,
  /** Read at each redraw (live windows move without rebuilding the plot). */
  window: { current: [number, number] | undefined },
): uPlot.Options {
  const series: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  let below = -1;
  for (let i = 0; i < n; i++) {
    const stroke = colors.series[i % SERIES_COLORS]!;
    series.push({
      stroke,
      width: 1.25,
      show: shown[i] ?? true,
      spanGaps: false,
      // uPlot draws points only where data is sparse (a lone sample is then visible).
      points: { size: 5 },
      fill: p.stacked ? withAlpha(stroke, 0.35) : undefined,
    });
    if (p.stacked && shown[i]) {
      if (below >= 0) bands.push({ series: [i + 1, below + 1] });
      below = i;
    }
  }
  const axis = (): uPlot.Axis => ({
    stroke: colors.muted,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1 },
    font: '11px system-ui, sans-serif',
  });
  return {
    width,
    height,
    series,
    bands,
    legend: { show: false },
    tzDate: p.tz === 'utc' ? (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') : undefined,
    cursor: {
      drag: { x: false, y: false },
      points: { size: 6 },
      focus: { prox: 16 },
    },
    focus: { alpha: 0.4 },
    scales: {
      x: { time: true, range: (u, min, max) => xRange(u, min, max, window.current) },
      y: { range: (_u, min, max) => yRange(min, max, p.stacked) },
    },
    axes: [
      axis(),
      { ...axis(), size: yAxisSize, values: (_u, ticks) => axisFormatter(p.unit)(ticks) },
    ],
    hooks: {
      setCursor: [(u) => onCursor(u.cursor.idx ?? null)],
    },
  };
}

/**
 * The x range: the given window (the query's range), else the data's. One point alone gets a
 * few minutes around it: uPlot's own default for one time value is a day in ms, which with
 * seconds on the axis is almost three years.
 */
function xRange(
  u: uPlot,
  min: number | null,
  max: number | null,
  win: [number, number] | undefined,
): uPlot.Range.MinMax {
  if (win !== undefined && win[1] > win[0]) return win;
  const xs = u.data[0];
  if (xs.length === 1 && xs[0] !== undefined) return [xs[0] - 300, xs[0] + 300];
  return [min ?? 0, max ?? 1];
}

/** Pads the y range a little; includes 0 when stacked (areas start at zero). */
function yRange(min: number | null, max: number | null, stacked: boolean): uPlot.Range.MinMax {
  if (min === null || max === null) return [0, 1];
  let lo = stacked ? Math.min(0, min) : min;
  let hi = max;
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const pad = (hi - lo) * 0.05;
  return [lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad];
}

/** Touch on the plot moves uPlot's cursor (uPlot follows mouse events only). */
function touchCursor(u: uPlot): () => void {
  const over = u.over;
  const move = (e: TouchEvent) => {
    const t = e.touches[0];
    if (!t) return;
    const r = over.getBoundingClientRect();
    u.setCursor({ left: t.clientX - r.left, top: t.clientY - r.top });
  };
  over.addEventListener('touchstart', move, { passive: true });
  over.addEventListener('touchmove', move, { passive: true });
  return () => {
    over.removeEventListener('touchstart', move);
    over.removeEventListener('touchmove', move);
  };
}

export function TimeSeriesChart({
  series,
  unit = 'none',
  stacked = false,
  height = 300,
  tz = 'local',
  onHoverTime,
  label = 'Time series chart',
  xRange: windowProp,
}: TimeSeriesChartProps) {
  const windowRef = useRef(windowProp);
  windowRef.current = windowProp;
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [shown, setShown] = useState<boolean[]>(() => series.map(() => true));
  const [hoverIdx, setHoverIdx] = useState<number | null>(null);
  const [theme, setTheme] = useState(0);
  const hoverCb = useRef(onHoverTime);
  hoverCb.current = onHoverTime;
  const xsRef = useRef<number[]>([]);

  // Aligned once per result; a new result shows every series again.
  const aligned = useMemo<Aligned>(() => alignSeries(series), [series]);
  xsRef.current = aligned[0];
  useEffect(() => setShown(series.map(() => true)), [series]);
  const visible = shown.length === series.length ? shown : series.map(() => true);
  const drawn = useMemo(
    () => (stacked ? stack(aligned, visible) : aligned),
    // Unstacked data does not depend on visibility (uPlot hides series itself).
    stacked ? [aligned, stacked, visible] : [aligned, stacked],
  );

  useEffect(() => onThemeChange(() => setTheme((t) => t + 1)), []);

  // (Re)builds the plot when the shape changes; data-only changes go through setData below.
  useEffect(() => {
    const el = box.current;
    if (!el || series.length === 0) return;
    const onCursor = (idx: number | null) => {
      setHoverIdx(idx);
      hoverCb.current?.(idx === null ? null : (xsRef.current[idx] ?? null));
    };
    const u = new uPlot(
      buildOptions(
        Math.max(50, el.clientWidth),
        height,
        series.length,
        visible,
        { unit, stacked, tz },
        readColors(),
        onCursor,
        windowRef,
      ),
      drawn as uPlot.AlignedData,
      el,
    );
    plot.current = u;
    const untouch = touchCursor(u);
    const ro = new ResizeObserver(() => {
      const w = Math.max(50, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      untouch();
      u.destroy();
      plot.current = null;
    };
    // `drawn` is applied by the effect below; a stacked plot also rebuilds its bands.
  }, [series.length, height, unit, stacked, tz, theme, stacked ? visible.join() : '']);

  useEffect(() => {
    const u = plot.current;
    if (u && u.data !== drawn) u.setData(drawn as uPlot.AlignedData);
  }, [drawn]);

  const toggle = (i: number, isolate: boolean) => {
    let next: boolean[];
    if (isolate) {
      const alone = visible.every((v, j) => v === (j === i));
      next = visible.map((_, j) => alone || j === i);
    } else {
      next = visible.map((v, j) => (j === i ? !v : v));
    }
    setShown(next);
    if (!stacked) next.forEach((v, j) => plot.current?.setSeries(j + 1, { show: v }));
  };

  if (series.length === 0) {
    return (
      <div class="ts-chart ts-chart-empty" role="img" aria-label={`${label}: no data`}>
        No data
      </div>
    );
  }
  const hoverTs = hoverIdx === null ? undefined : aligned[0][hoverIdx];
  return (
    <div class="ts-chart">
      <div class="ts-chart-plot" ref={box} role="img" aria-label={label} />
      <div class="ts-chart-hover" aria-live="off">
        {hoverTs === undefined ? '\u00a0' : formatTime(hoverTs, tz)}
      </div>
      <ul class="ts-legend" aria-label="Legend">
        {series.map((s, i) => {
          const v = hoverIdx === null ? undefined : aligned[i + 1]?.[hoverIdx];
          return (
            <li key={i}>
              <button
                type="button"
                aria-pressed={visible[i] ? 'true' : 'false'}
                title="Click: show/hide · Shift/Ctrl-click: show only this"
                onClick={(e) => toggle(i, e.shiftKey || e.ctrlKey || e.metaKey)}
              >
                <span class={`swatch ${colorClass(i)}`} aria-hidden="true" />
                <span class="name">{s.name}</span>
                {v !== undefined && v !== null && <span class="value">{formatValue(v, unit)}</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
