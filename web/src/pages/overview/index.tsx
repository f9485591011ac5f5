/**
 * The system overview: a card per node_exporter-style host (Argus's own host collector and
 * every scraped node_exporter), live (reloaded on the server's ticks, every 15 s at the
 * latest), filterable and sortable.
 */
import { useMemo, useState } from 'preact/hooks';
import { useSearchParam } from '../../app/url-state.js';
import { loadHosts } from '../../api/overview.js';
import { hostMatches, sortHosts, stillCollecting, type HostSort } from '../../lib/overview.js';
import { HostCard } from './host-card.js';
import { REFRESH_MS, useRefresh } from './use-refresh.js';
import './overview.css';

/** Right after a start the first samples and rates come within seconds: look again soon. */
const COLLECTING_MS = 3000;
/** …but only for a while (a host without CPU metrics at all would keep it fast forever). */
const COLLECTING_FOR_MS = 120_000;

const SORTS: { value: HostSort; label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'health', label: 'Health (down first)' },
  { value: 'cpu', label: 'CPU (busiest first)' },
  { value: 'memory', label: 'Memory (fullest first)' },
];

export default function OverviewPage() {
  const [opened] = useState(() => Date.now());
  const {
    data: hosts,
    error,
    at,
  } = useRefresh((signal) => loadHosts(Date.now() / 1000, signal), [], {
    interval: (last) =>
      Date.now() - opened < COLLECTING_FOR_MS &&
      (last === undefined || last.length === 0 || stillCollecting(last))
        ? COLLECTING_MS
        : REFRESH_MS,
  });
  const [filter, setFilter] = useSearchParam<string>('q', '');
  const [sort, setSort] = useSearchParam<HostSort>(
    'sort',
    'name',
    SORTS.map((s) => s.value),
  );
  const shown = useMemo(
    () =>
      sortHosts(
        (hosts ?? []).filter((h) => hostMatches(h, filter)),
        sort,
      ),
    [hosts, filter, sort],
  );
  return (
    <section class="page">
      <h1>Overview</h1>
      <div class="toolbar">
        <input
          type="search"
          class="filter-box"
          placeholder="Filter hosts"
          aria-label="Filter hosts"
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
        <label class="inline-label">
          <span class="muted small">Sort</span>
          <select value={sort} onChange={(e) => setSort(e.currentTarget.value as HostSort)}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <span class="muted small" aria-live="polite">
          {hosts === undefined
            ? 'Loading…'
            : `${shown.length} of ${hosts.length} host${hosts.length === 1 ? '' : 's'}`}
          {at !== undefined && ` · updated ${new Date(at).toLocaleTimeString()}`}
        </span>
      </div>
      {error !== undefined && (
        <p class="error" role="alert">
          Cannot load the overview: {error}
        </p>
      )}
      {hosts !== undefined && hosts.length === 0 && (
        <div class="card">
          <h2>Collecting…</h2>
          <p class="muted">
            No host metrics yet. Argus's own host collector writes its first samples within seconds
            of start; scraped node_exporter targets appear after their first scrape.
          </p>
        </div>
      )}
      {hosts !== undefined && hosts.length > 0 && shown.length === 0 && (
        <p class="muted">No host matches “{filter}”.</p>
      )}
      <div class="host-grid">
        {shown.map((h) => (
          <HostCard key={h.instance} host={h} />
        ))}
      </div>
    </section>
  );
}
