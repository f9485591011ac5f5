/**
 * Targets (service status): the scrape targets by job with health, endpoint, labels, last
 * scrape, duration and last error; filter by text and health; refreshed every 15 s.
 */
import { useMemo } from 'preact/hooks';
import { loadTargets } from '../../api/overview.js';
import { useSearchParam } from '../../app/url-state.js';
import type { Target } from '../../api/prom.js';
import {
  filterTargets,
  formatScrapeDuration,
  groupTargets,
  healthCounts,
  relativeTime,
  shownLabels,
  type TargetHealth,
} from '../../lib/targets.js';
import { useRefresh } from '../overview/use-refresh.js';
import { useNow } from './use-now.js';
import '../overview/overview.css';

const HEALTHS: (TargetHealth | 'all')[] = ['all', 'up', 'down', 'unknown'];

function TargetRow({ t, now }: { t: Target; now: number }) {
  return (
    <tr data-health={t.health}>
      <td data-label="Health">
        <span class={`badge health-${t.health}`}>{t.health}</span>
      </td>
      <td data-label="Endpoint">
        {/^https?:\/\//i.test(t.scrapeUrl) ? (
          <a href={t.scrapeUrl} rel="noreferrer noopener" target="_blank" class="mono">
            {t.scrapeUrl}
          </a>
        ) : (
          <span class="mono">{t.scrapeUrl}</span>
        )}
      </td>
      <td data-label="Labels">
        <div class="target-labels">
          {shownLabels(t.labels).map(([k, v]) => (
            <span key={k} class="target-label">
              {k}="{v}"
            </span>
          ))}
        </div>
      </td>
      <td data-label="Last scrape" title={t.lastScrape}>
        {relativeTime(t.lastScrape, now)}
      </td>
      <td data-label="Duration">{formatScrapeDuration(t.lastScrapeDuration)}</td>
      {/* No "Error:" caption on a phone when there is none. */}
      <td data-label={t.lastError === '' ? undefined : 'Error'}>
        {t.lastError !== '' && <div class="target-error">{t.lastError}</div>}
      </td>
    </tr>
  );
}

export default function TargetsPage() {
  // Scrapes tick the live channel often; the page says "n s ago" anyway.
  const { data: all, error } = useRefresh((signal) => loadTargets(signal), [], {
    minGapMs: 5000,
  });
  const now = useNow(1000);
  const [text, setText] = useSearchParam<string>('q', '');
  const [health, setHealth] = useSearchParam<TargetHealth | 'all'>('health', 'all', HEALTHS);
  const groups = useMemo(
    () => groupTargets(filterTargets(all ?? [], { text, health })),
    [all, text, health],
  );
  const counts = healthCounts(all ?? []);
  // A job's "3/4 up" counts all its targets, whatever the filter shows.
  const totals = useMemo(
    () => new Map(groupTargets(all ?? []).map((g) => [g.job, g] as const)),
    [all],
  );
  return (
    <section class="page">
      <h1>Targets</h1>
      <div class="toolbar">
        <input
          type="search"
          class="filter-box"
          placeholder="Filter by job, endpoint, label, error"
          aria-label="Filter targets"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <label class="inline-label">
          <span class="muted small">Health</span>
          <select
            value={health}
            onChange={(e) => setHealth(e.currentTarget.value as TargetHealth | 'all')}
          >
            {HEALTHS.map((h) => (
              <option key={h} value={h}>
                {h === 'all' ? `all (${all?.length ?? 0})` : `${h} (${counts[h]})`}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error !== undefined && (
        <p class="error" role="alert">
          Cannot load the targets: {error}
        </p>
      )}
      {all === undefined && error === undefined && <p class="muted">Loading…</p>}
      {all !== undefined && all.length === 0 && (
        <div class="card">
          <p class="muted">
            No scrape targets. Add <code>scrape_configs</code> to argus.yml; the built-in host
            collector needs none (see Overview).
          </p>
        </div>
      )}
      {all !== undefined && all.length > 0 && groups.length === 0 && (
        <p class="muted">No target matches the filter.</p>
      )}
      {groups.map((g) => {
        const { up, total } = totals.get(g.job) ?? g;
        return (
          <section key={g.job} class="card" aria-label={`Job ${g.job}`} data-job={g.job}>
            <div class="job-head">
              <h2>{g.job}</h2>
              <span
                class={`badge ${up === total ? 'health-up' : up === 0 ? 'health-down' : 'health-partial'}`}
              >
                {up}/{total} up
              </span>
            </div>
            <div class="table-wrap">
              <table class="target-table">
                <thead>
                  <tr>
                    <th>Health</th>
                    <th>Endpoint</th>
                    <th>Labels</th>
                    <th>Last scrape</th>
                    <th>Duration</th>
                    <th>Error</th>
                  </tr>
                </thead>
                <tbody>
                  {g.targets.map((t, i) => (
                    <TargetRow key={`${i}:${t.scrapeUrl}`} t={t} now={now} />
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </section>
  );
}
