/**
 * One host in detail: CPU by mode (stacked), memory breakdown, load, filesystems, disk I/O
 * per device and network per interface, over a selectable range (1h / 6h / 24h).
 */
import { useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { loadHostPanels, type PanelData } from '../../api/overview.js';
import { TimeSeriesChart } from '../../components/chart/index.js';
import { useRefresh } from './use-refresh.js';
import './overview.css';

const RANGES = [
  { label: '1h', seconds: 3600 },
  { label: '6h', seconds: 6 * 3600 },
  { label: '24h', seconds: 24 * 3600 },
] as const;

/** About 240 points per chart, never finer than 15 s (the collector's default interval). */
const stepFor = (rangeSeconds: number) => Math.max(15, Math.round(rangeSeconds / 240));

function decodeParam(s: string | undefined): string {
  if (s === undefined) return '';
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function Panel({ data }: { data: PanelData }) {
  const { panel, series, error } = data;
  return (
    <section class="card" aria-label={panel.title} data-panel={panel.id}>
      <h2>{panel.title}</h2>
      {error !== undefined ? (
        <p class="error">{error}</p>
      ) : series.length === 0 ? (
        <p class="muted">No data in this range (collecting…).</p>
      ) : (
        <TimeSeriesChart
          series={series}
          unit={panel.unit}
          stacked={panel.stacked}
          height={220}
          label={panel.title}
        />
      )}
    </section>
  );
}

export default function HostPage({ params }: { params: Record<string, string | undefined> }) {
  const instance = decodeParam(params.instance);
  const [range, setRange] = useState<number>(3600);
  const { data, error, at } = useRefresh(
    (signal) => {
      const step = stepFor(range);
      // Ends now (not at the last whole step): a young host's few samples stay in range.
      const end = Math.floor(Date.now() / 1000);
      return loadHostPanels(instance, end - range, end, step, signal);
    },
    [instance, range],
  );
  return (
    <section class="page">
      <p class="small">
        <Link href="/overview">← Overview</Link>
      </p>
      <div class="host-title">
        <h1>{instance}</h1>
        <div class="spacer" />
        <div class="range-buttons" role="group" aria-label="Time range">
          {RANGES.map((r) => (
            <button
              key={r.label}
              aria-pressed={range === r.seconds}
              onClick={() => setRange(r.seconds)}
            >
              {r.label}
            </button>
          ))}
        </div>
      </div>
      <span class="muted small" aria-live="polite">
        {at === undefined ? 'Loading…' : `Updated ${new Date(at).toLocaleTimeString()}`}
      </span>
      {error !== undefined && (
        <p class="error" role="alert">
          Cannot load this host: {error}
        </p>
      )}
      <div class="host-panels">
        {data?.map((d) => (
          <Panel key={d.panel.id} data={d} />
        ))}
      </div>
    </section>
  );
}
