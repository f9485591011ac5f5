/** The panel types' bodies: time series, stat, gauge, bar gauge, table (text: markdown.tsx). */
import { Sparkline, TimeSeriesChart } from '../../components/chart/index.js';
import type { Panel } from '../../api/dashboards.js';
import { formatValue, isUnit, type Unit } from '../../lib/units.js';
import type { PanelSeries } from './use-panel-data.js';

type Thresholds = NonNullable<Panel['thresholds']>;

/** The unit a panel asks for, when the UI knows it (unknown ids format as plain numbers). */
export function unitOf(p: Panel): Unit {
  const u = p.unit ?? 'none';
  // Grafana's ids for the same units, common in imported dashboards.
  const alias: Record<string, Unit> = {
    s: 'seconds',
    decbytes: 'bytes',
    Bps: 'bytes/s',
    bps: 'bits/s',
    percent: 'percent',
    percentunit: 'percentunit',
  };
  return isUnit(u) ? u : (alias[u] ?? 'none');
}

/** The colour name of the highest threshold at or below `v` (thresholds sorted by value). */
export function thresholdColor(v: number, t: Thresholds | undefined): string | undefined {
  if (!t || t.length === 0 || !Number.isFinite(v)) return undefined;
  let color: string | undefined;
  for (const th of [...t].sort((a, b) => (a.value ?? -Infinity) - (b.value ?? -Infinity))) {
    if (th.value === null || v >= th.value) color = th.color;
  }
  // Named colours map to theme classes; a #rrggbb has no class (no inline styles): default.
  return color !== undefined && /^[a-z]+$/.test(color) ? color : undefined;
}

function last(s: PanelSeries): number {
  return s.points.length === 0 ? NaN : s.points[s.points.length - 1]![1];
}

const fmt = (p: Panel, v: number) => formatValue(v, unitOf(p), p.decimals);

export function TimeSeriesView({
  panel,
  series,
  height,
  window,
}: ViewProps & { height: number; window?: [number, number] }) {
  return (
    <TimeSeriesChart
      series={series}
      xRange={window}
      unit={unitOf(panel)}
      stacked={panel.options?.stacked === true}
      height={height}
      label={panel.title}
    />
  );
}

interface ViewProps {
  panel: Panel;
  series: PanelSeries[];
}

export function StatView({ panel, series }: ViewProps) {
  if (series.length === 0) return <p class="muted center">No data</p>;
  const shown = series.slice(0, 4);
  return (
    <div class="stat">
      {shown.map((s, i) => {
        const v = last(s);
        const color = thresholdColor(v, panel.thresholds);
        return (
          <div key={s.key}>
            <div class={`stat-value${color ? ` t-${color}` : ''}`}>{fmt(panel, v)}</div>
            {series.length > 1 && <div class="stat-series">{s.name}</div>}
            {panel.options?.graphMode !== 'none' && s.points.length > 1 && (
              <Sparkline points={s.points} color={i} height={32} label={`${s.name} trend`} />
            )}
          </div>
        );
      })}
      {series.length > shown.length && (
        <div class="muted small">+{series.length - shown.length} more series</div>
      )}
    </div>
  );
}

/** One gauge per series (up to 6), side by side, each fitting its share of the panel. */
export function GaugeView({ panel, series }: ViewProps) {
  if (series.length === 0) return <p class="muted center">No data</p>;
  const shown = series.slice(0, 6);
  return (
    <div class="gauges">
      {shown.map((s) => (
        <Gauge key={s.key} panel={panel} s={s} named={series.length > 1} />
      ))}
      {series.length > shown.length && (
        <div class="muted small">+{series.length - shown.length} more series</div>
      )}
    </div>
  );
}

function Gauge({ panel, s, named }: { panel: Panel; s: PanelSeries; named: boolean }) {
  const v = last(s);
  const min = panel.min ?? 0;
  const max = panel.max ?? (unitOf(panel) === 'percentunit' ? 1 : 100);
  const frac = Number.isFinite(v) ? Math.min(1, Math.max(0, (v - min) / (max - min || 1))) : 0;
  // A 240° arc: from 150° to 390° (0° = 3 o'clock, clockwise in SVG).
  const r = 40;
  const a0 = (150 * Math.PI) / 180;
  const a1 = a0 + ((240 * Math.PI) / 180) * frac;
  const end = a0 + (240 * Math.PI) / 180;
  const pt = (a: number) => `${50 + r * Math.cos(a)} ${55 + r * Math.sin(a)}`;
  const arc = (from: number, to: number) =>
    `M ${pt(from)} A ${r} ${r} 0 ${to - from > Math.PI ? 1 : 0} 1 ${pt(to)}`;
  const color = thresholdColor(v, panel.thresholds) ?? 'blue';
  return (
    <div class={`gauge t-${color}`}>
      <svg viewBox="0 0 100 90" role="img" aria-label={`${panel.title}: ${fmt(panel, v)}`}>
        <path class="gauge-track" d={arc(a0, end)} fill="none" stroke-width="8" />
        {frac > 0 && <path class="gauge-value" d={arc(a0, a1)} fill="none" stroke-width="8" />}
        <text x="50" y="60" text-anchor="middle" font-size="14" font-weight="700">
          {fmt(panel, v)}
        </text>
        {named && (
          <text x="50" y="78" text-anchor="middle" font-size="7">
            {s.name.length > 32 ? `${s.name.slice(0, 31)}…` : s.name}
          </text>
        )}
      </svg>
    </div>
  );
}

export function BarGaugeView({ panel, series }: ViewProps) {
  if (series.length === 0) return <p class="muted center">No data</p>;
  const values = series.map(last);
  const max = panel.max ?? Math.max(...values.filter(Number.isFinite), 0);
  const min = panel.min ?? 0;
  return (
    <div class="bars">
      {series.map((s, i) => {
        const v = values[i]!;
        const frac = Number.isFinite(v)
          ? Math.min(1, Math.max(0, (v - min) / (max - min || 1)))
          : 0;
        const color = thresholdColor(v, panel.thresholds) ?? 'blue';
        return (
          <div key={s.key} class={`bar-row t-${color}`}>
            <span class="bar-name" title={s.name}>
              {s.name}
            </span>
            <div
              class="bar-track"
              role="meter"
              aria-valuemin={min}
              aria-valuemax={max}
              aria-valuenow={v}
              aria-label={s.name}
            >
              {/* Width through CSSOM (allowed by the CSP), not a style attribute in markup. */}
              <div class="bar-fill" style={{ width: `${(frac * 100).toFixed(1)}%` }} />
            </div>
            <span>{fmt(panel, v)}</span>
          </div>
        );
      })}
    </div>
  );
}

export function TableView({ panel, series }: ViewProps) {
  if (series.length === 0) return <p class="muted center">No data</p>;
  const names = [
    ...new Set(series.flatMap((s) => Object.keys(s.labels)).filter((k) => k !== '__name__')),
  ].sort();
  const hasName = series.some((s) => s.labels.__name__ !== undefined);
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            {hasName && <th>metric</th>}
            {names.map((n) => (
              <th key={n}>{n}</th>
            ))}
            <th>value</th>
          </tr>
        </thead>
        <tbody>
          {series.map((s) => (
            <tr key={s.key}>
              {hasName && <td>{s.labels.__name__ ?? ''}</td>}
              {names.map((n) => (
                <td key={n}>{s.labels[n] ?? ''}</td>
              ))}
              <td
                class={
                  thresholdColor(last(s), panel.thresholds)
                    ? `t-${thresholdColor(last(s), panel.thresholds)}`
                    : ''
                }
              >
                {fmt(panel, last(s))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
