/**
 * A small line for cards: no axes, legend or cursor.
 *
 *   <Sparkline points={[[ts, v], …]} color={2} height={40} label="CPU, last hour" />
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './chart.css';
import { onThemeChange, readColors, SERIES_COLORS, withAlpha } from './theme-colors.js';

export interface SparklineProps {
  /** `[unix seconds, value]`, ascending. */
  points: readonly [number, number][];
  /** Palette index (0–7). */
  color?: number;
  height?: number;
  /** Fixed y range (e.g. [0, 100] for percent); default fits the data. */
  range?: [number, number];
  label?: string;
}

export function Sparkline({
  points,
  color = 0,
  height = 40,
  range,
  label = 'Trend',
}: SparklineProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [theme, setTheme] = useState(0);
  useEffect(() => onThemeChange(() => setTheme((t) => t + 1)), []);
  const data = useMemo<uPlot.AlignedData>(
    () => [points.map((p) => p[0]), points.map((p) => (Number.isFinite(p[1]) ? p[1] : null))],
    [points],
  );
  const [lo, hi] = range ?? [undefined, undefined];

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const stroke = readColors().series[color % SERIES_COLORS]!;
    const u = new uPlot(
      {
        width: Math.max(20, el.clientWidth),
        height,
        legend: { show: false },
        cursor: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        axes: [{ show: false }, { show: false }],
        scales: {
          x: { time: false },
          y: lo === undefined ? {} : { range: [lo, hi!] },
        },
        series: [
          {},
          { stroke, width: 1.5, fill: withAlpha(stroke, 0.15), points: { show: false } },
        ],
        padding: [2, 0, 2, 0],
      },
      data,
      el,
    );
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(20, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [color, height, lo, hi, theme]);

  useEffect(() => {
    if (plot.current && plot.current.data !== data) plot.current.setData(data);
  }, [data]);

  return <div class="sparkline" ref={box} role="img" aria-label={label} />;
}
