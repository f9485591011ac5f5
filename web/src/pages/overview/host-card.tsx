/** One host on the Overview: health, the current value of each metric and its last hour. */
import { Link } from 'wouter-preact';
import { Sparkline } from '../../components/chart/index.js';
import type { CardMetric, Health, HostSummary, SeriesPoint } from '../../lib/overview.js';
import { formatValue, type Unit } from '../../lib/units.js';

interface Tile {
  metric: CardMetric;
  label: string;
  unit: Unit;
  color: number;
  /** Percent metrics draw on a fixed 0–1 scale (a flat 3% must not look like a cliff). */
  range?: [number, number];
  /** Why the figure may differ from a familiar tool's (a tooltip on the label). */
  hint?: string;
}

// Colours pair up (read/rx, write/tx); the palette's yellow is skipped (faint on light).
const TILES: Tile[] = [
  { metric: 'cpu', label: 'CPU', unit: 'percentunit', color: 0, range: [0, 1] },
  { metric: 'memory', label: 'Memory', unit: 'percentunit', color: 1, range: [0, 1] },
  { metric: 'load1', label: 'Load 1m', unit: 'none', color: 2 },
  {
    metric: 'rootfs',
    label: 'Disk /',
    unit: 'percentunit',
    color: 3,
    range: [0, 1],
    hint: 'Not available to ordinary users: 1 − available ÷ size. Blocks reserved for root count as used, so this reads a few points above df’s Use% (used ÷ (used + available)).',
  },
  { metric: 'diskRead', label: 'Disk read', unit: 'bytes/s', color: 4 },
  { metric: 'diskWrite', label: 'Disk write', unit: 'bytes/s', color: 5 },
  { metric: 'netRx', label: 'Net rx', unit: 'bytes/s', color: 4 },
  { metric: 'netTx', label: 'Net tx', unit: 'bytes/s', color: 5 },
];

const HEALTH_TEXT: Record<Health, string> = {
  up: 'up',
  down: 'down',
  partial: 'partly down',
  unknown: 'no target',
};

/** Warn / error colours for how full a percent metric or how loaded a host is. */
function level(v: number | undefined, warn: number, bad: number): string {
  if (v === undefined || !Number.isFinite(v)) return '';
  return v >= bad ? 'error' : v >= warn ? 'warn' : '';
}

// The shared Sparkline gaps on non-finite values: null (no sample) becomes NaN.
const toSpark = (points: SeriesPoint[]): [number, number][] =>
  points.map(([t, v]) => [t, v ?? NaN]);

function TileView({ tile, host }: { tile: Tile; host: HostSummary }) {
  const m = host.metrics[tile.metric];
  const cur = m?.current;
  const cls =
    tile.metric === 'load1'
      ? level(host.cpus && cur !== undefined ? cur / host.cpus : undefined, 0.8, 1)
      : tile.unit === 'percentunit'
        ? level(cur, 0.75, 0.9)
        : '';
  return (
    <div class="host-tile" data-metric={tile.metric}>
      <div class="host-tile-head">
        <span class="muted small" title={tile.hint}>
          {tile.label}
        </span>
        {cur === undefined ? (
          <span class="muted small host-collecting">collecting…</span>
        ) : (
          <span class={`host-value ${cls}`}>
            {formatValue(cur, tile.unit)}
            {tile.metric === 'load1' && host.cpus !== undefined && (
              <span class="muted small"> / {host.cpus} CPUs</span>
            )}
          </span>
        )}
      </div>
      {m && (
        <Sparkline
          points={toSpark(m.points)}
          color={tile.color}
          height={32}
          range={tile.range}
          label={`${tile.label} of ${host.instance}, last hour`}
        />
      )}
    </div>
  );
}

export function HostCard({ host }: { host: HostSummary }) {
  return (
    <article class="card host-card" aria-label={`Host ${host.instance}`}>
      <header class="host-card-head">
        <span class={`health-dot health-${host.health}`} aria-hidden="true" />
        <div class="host-names">
          <Link href={`/overview/${encodeURIComponent(host.instance)}`} class="host-link">
            {host.instance}
          </Link>
          {host.hostname !== undefined && <span class="muted small">{host.hostname}</span>}
        </div>
        <span class={`badge health-${host.health}`}>{HEALTH_TEXT[host.health]}</span>
      </header>
      <div class="host-tiles">
        {TILES.map((t) => (
          <TileView key={t.metric} tile={t} host={host} />
        ))}
      </div>
    </article>
  );
}
