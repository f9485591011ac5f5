/**
 * The histogram of matching lines over time: uPlot bars, stacked by level (coloured as the
 * lines are), with a legend of totals. Dragging across it selects a time range (`onSelect`).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { onThemeChange } from '../../components/chart/index.js';
import { formatTime, type Zone } from '../../lib/time-range.js';
import type { LogLevel } from '../../lib/logs-text.js';

export interface LevelCounts {
  level: LogLevel;
  /** Counts at `x` (0 where the level has none). */
  counts: number[];
}

export interface HistogramData {
  // Same shape as lib/logs-histogram.ts HistogramRows, plus the step.
  /** Bucket start times, unix seconds, ascending. */
  x: number[];
  levels: LevelCounts[];
  step: number;
}

export interface HistogramProps {
  data: HistogramData;
  /** The queried window (the x axis covers it). */
  window: [number, number];
  tz: Zone;
  onSelect: (from: number, to: number) => void;
}

const LEVEL_VAR: Record<LogLevel, string> = {
  error: '--error',
  warn: '--series-1',
  info: '--series-0',
  debug: '--series-7',
  unknown: '--series-4',
};

function colorOf(level: LogLevel): string {
  return (
    getComputedStyle(document.documentElement).getPropertyValue(LEVEL_VAR[level]).trim() || '#888'
  );
}

const HEIGHT = 120;
const COUNT_INCRS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6, 1e7,
];

export function Histogram({ data, window, tz, onSelect }: HistogramProps) {
  const box = useRef<HTMLDivElement>(null);
  const cb = useRef(onSelect);
  cb.current = onSelect;
  const [theme, setTheme] = useState(0);
  useEffect(() => onThemeChange(() => setTheme((t) => t + 1)), []);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // Stacked: series i draws the sum of levels i…n, so each bar shows every level's share.
    const stacks = data.levels.map((_, i) =>
      data.x.map((_x, j) => data.levels.slice(i).reduce((s, l) => s + (l.counts[j] ?? 0), 0)),
    );
    const muted = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim();
    const grid = getComputedStyle(document.documentElement).getPropertyValue('--grid').trim();
    const bars = uPlot.paths.bars!({ size: [0.9, 40], align: 1 });
    const axis = (): uPlot.Axis => ({
      stroke: muted,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      font: '11px system-ui, sans-serif',
    });
    const u = new uPlot(
      {
        width: el.clientWidth || 600,
        height: HEIGHT,
        legend: { show: false },
        tzDate: tz === 'utc' ? (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') : undefined,
        cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
        scales: {
          x: { time: true, range: () => [window[0], window[1]] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        // Counts are whole: no 2.5-line ticks.
        axes: [axis(), { ...axis(), size: 40, incrs: COUNT_INCRS }],
        series: [
          {},
          ...data.levels.map((l) => ({
            label: l.level,
            stroke: colorOf(l.level),
            fill: colorOf(l.level),
            width: 0,
            paths: bars,
            points: { show: false },
          })),
        ],
        hooks: {
          setSelect: [
            (p) => {
              const { left, width } = p.select;
              if (width < 4) return;
              const from = p.posToVal(left, 'x');
              const to = p.posToVal(left + width, 'x');
              p.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              cb.current(from, to);
            },
          ],
        },
      },
      [data.x, ...stacks],
      el,
    );
    const ro = new ResizeObserver(() => {
      const w = el.clientWidth;
      if (w > 0 && w !== u.width) u.setSize({ width: w, height: HEIGHT });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
    };
  }, [data, window[0], window[1], tz, theme]);

  const totals = data.levels.map((l) => ({
    level: l.level,
    total: l.counts.reduce((a, b) => a + b, 0),
  }));
  const all = totals.reduce((a, b) => a + b.total, 0);
  return (
    <figure class="logs-histogram">
      <div
        ref={box}
        class="logs-histogram-plot"
        role="img"
        aria-label={`Matching lines over time: ${all} from ${formatTime(window[0], tz)} to ${formatTime(window[1], tz)}. Drag across it to zoom in.`}
      />
      <figcaption class="logs-histogram-legend small">
        {totals.map((t) => (
          <span key={t.level} class={`logs-legend-item lvl-${t.level}`}>
            <span class="logs-swatch" aria-hidden="true" />
            {/* Without levels, all lines are one kind: say "lines", not "unknown". */}
            {t.level === 'unknown' && totals.length === 1 ? 'lines' : t.level} {t.total}
          </span>
        ))}
        <span class="muted">drag to zoom</span>
      </figcaption>
    </figure>
  );
}
