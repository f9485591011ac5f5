/**
 * One host in detail: CPU by mode (stacked), memory breakdown, load, filesystems, disk I/O
 * per device and network per interface, over the shared time-range picker's range (kept in
 * the URL), live while the range ends now.
 */
import { useMemo } from 'preact/hooks';
import { Link, useLocation, useSearch } from 'wouter-preact';
import { loadHostPanels, type PanelData } from '../../api/overview.js';
import { TimeSeriesChart } from '../../components/chart/index.js';
import { TimeRangePicker } from '../../components/time/index.js';
import {
  effectiveStep,
  isRelative,
  rangeFromParams,
  rangeToParams,
  resolveRange,
  type TimeRange,
  type Zone,
} from '../../lib/time-range.js';
import { useRefresh } from './use-refresh.js';
import './overview.css';

/** Steps for about this many points per chart (the panels are about this wide). */
const CHART_POINTS = 240;

function decodeParam(s: string | undefined): string {
  if (s === undefined) return '';
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function Panel({ data, tz, window }: { data: PanelData; tz: Zone; window?: [number, number] }) {
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
          tz={tz}
          xRange={window}
          label={panel.title}
        />
      )}
    </section>
  );
}

export default function HostPage({ params }: { params: Record<string, string | undefined> }) {
  const instance = decodeParam(params.instance);
  const search = useSearch();
  const [location, navigate] = useLocation();
  // The range lives in the URL (`?from=now-6h&to=now`): a copied link shows the same view.
  const range = useMemo(() => rangeFromParams(new URLSearchParams(search)), [search]);
  const setRange = (r: TimeRange) =>
    navigate(`${location}?${new URLSearchParams(rangeToParams(r)).toString()}`, {
      replace: true,
    });
  const live = isRelative(range.to);
  const { data, error, at } = useRefresh(
    (signal) => {
      const { start, end } = resolveRange(range, Date.now());
      const step = effectiveStep(range, end - start, CHART_POINTS);
      return loadHostPanels(instance, Math.floor(start), Math.floor(end), step, signal);
    },
    [instance, range.from, range.to, range.step],
    // Points are `step` apart: a redraw every 2 s at most is plenty; a fixed past range
    // does not change.
    { live, minGapMs: 2000, interval: live ? undefined : 24 * 3600_000 },
  );
  // The charts span the chosen range even where data does not (a fresh start has minutes).
  const window = useMemo((): [number, number] | undefined => {
    if (at === undefined) return undefined;
    const { start, end } = resolveRange(range, at);
    return [start, end];
  }, [at, range]);
  return (
    <section class="page">
      <p class="small">
        <Link href="/overview">← Overview</Link>
      </p>
      <div class="host-title">
        <h1>{instance}</h1>
        <div class="spacer" />
        <TimeRangePicker value={range} onChange={setRange} />
      </div>
      <span class="muted small" aria-live="polite">
        {at === undefined
          ? 'Loading…'
          : `${live ? 'Live · updated' : 'Loaded'} ${new Date(at).toLocaleTimeString()}`}
      </span>
      {error !== undefined && (
        <p class="error" role="alert">
          Cannot load this host: {error}
        </p>
      )}
      <div class="host-panels">
        {data?.map((d) => (
          <Panel key={d.panel.id} data={d} tz={range.tz} window={window} />
        ))}
      </div>
    </section>
  );
}
