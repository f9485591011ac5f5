/** One dashboard panel: its frame (title, edit tools), its data and the body of its type. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Panel } from '../../api/dashboards.js';
import type { Move } from '../../lib/dashboard/layout.js';
import type { VariableValue } from '../../lib/dashboard/template.js';
import type { TimeRange } from '../../lib/time-range.js';
import { Markdown } from './markdown.js';
import { BarGaugeView, GaugeView, StatView, TableView, TimeSeriesView } from './panel-views.js';
import { usePanelData } from './use-panel-data.js';

const ROW_PX = 30;
const GAP_PX = 8;

export interface PanelProps {
  panel: Panel;
  vars: Readonly<Record<string, VariableValue>>;
  range: TimeRange;
  tick: number;
  refresh: number;
  editing: boolean;
  /** Position in reading order (phones stack panels by it). */
  order: number;
  onEdit(): void;
  onRemove(): void;
  onMove(m: Move): void;
  onDuplicate(): void;
}

const MOVES: [Move, string, string][] = [
  ['left', '←', 'Move left'],
  ['right', '→', 'Move right'],
  ['up', '↑', 'Move up'],
  ['down', '↓', 'Move down'],
  ['narrower', '−W', 'Narrower'],
  ['wider', '+W', 'Wider'],
  ['shorter', '−H', 'Shorter'],
  ['taller', '+H', 'Taller'],
];

export function PanelView(p: PanelProps) {
  const { panel } = p;
  const box = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);
  const data = usePanelData(panel, p.vars, p.range, width, p.tick, p.refresh);
  const { x, y, w, h } = panel.gridPos;
  // The plot's height: the panel's rows minus its title and the legend's share.
  const chartHeight = Math.max(80, h * ROW_PX + (h - 1) * GAP_PX - 90);
  return (
    <section
      ref={box}
      class={`card panel${h <= 5 ? ' short' : ''}`}
      aria-label={panel.title || 'Panel'}
      data-panel-id={panel.id}
      data-loading={data.loading ? 'true' : 'false'}
      // Grid placement through CSSOM (allowed by the CSP; no style attribute in markup).
      style={{
        gridColumn: `${x + 1} / span ${w}`,
        gridRow: `${y + 1} / span ${h}`,
        order: p.order,
      }}
    >
      <div class="panel-head">
        <h2 class="panel-title" title={panel.description ?? panel.title}>
          {panel.title}
        </h2>
        {data.loading && <span class="muted small">…</span>}
        {p.editing && (
          <div class="panel-tools">
            <button type="button" onClick={p.onEdit}>
              Edit
            </button>
            <button type="button" onClick={p.onDuplicate} aria-label={`Duplicate ${panel.title}`}>
              Copy
            </button>
            {MOVES.map(([m, text, label]) => (
              <button
                key={m}
                type="button"
                aria-label={label}
                title={label}
                onClick={() => p.onMove(m)}
              >
                {text}
              </button>
            ))}
            <button type="button" aria-label={`Remove ${panel.title}`} onClick={p.onRemove}>
              ✕
            </button>
          </div>
        )}
      </div>
      <div class="panel-body">
        {data.error !== undefined ? (
          <p class="panel-error" role="alert">
            {data.error}
          </p>
        ) : panel.type === 'text' ? (
          <Markdown text={panel.text ?? ''} />
        ) : panel.type === 'stat' ? (
          <StatView panel={panel} series={data.series} />
        ) : panel.type === 'gauge' ? (
          <GaugeView panel={panel} series={data.series} />
        ) : panel.type === 'bargauge' ? (
          <BarGaugeView panel={panel} series={data.series} />
        ) : panel.type === 'table' ? (
          <TableView panel={panel} series={data.series} />
        ) : (
          <TimeSeriesView
            panel={panel}
            series={data.series}
            height={chartHeight}
            window={data.end > data.start ? [data.start, data.end] : undefined}
          />
        )}
        {data.warnings.length > 0 && <p class="warn small">{data.warnings.join('; ')}</p>}
      </div>
    </section>
  );
}
