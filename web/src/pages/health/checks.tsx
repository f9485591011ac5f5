/**
 * Checks: every check with its state, last run and last error; a text filter and a state
 * filter kept in the URL (`?q=`, `?state=`). Editors get "New check".
 */
import { useMemo, useState } from 'preact/hooks';
import { checks } from '../../api/health.js';
import { useSearchParam } from '../../app/url-state.js';
import {
  filterChecks,
  STATE_FILTERS,
  truncate,
  type StateFilter,
} from '../../lib/health/checks-filter.js';
import { formatSeconds } from '../../lib/health/status.js';
import { useRefresh } from '../overview/use-refresh.js';
import { useNow } from '../targets/use-now.js';
import { CheckEditor } from './check-editor.js';
import { Ago, CheckLink, ServiceLink, StatusBadge, useEditor } from './parts.js';

export function ChecksSection() {
  const editor = useEditor();
  const [q, setQ] = useSearchParam<string>('q', '');
  const [state, setState] = useSearchParam<StateFilter>('state', 'all', STATE_FILTERS);
  const [creating, setCreating] = useState(false);
  const [version, setVersion] = useState(0);
  const now = useNow(5000);
  const { data, error } = useRefresh((sig) => checks(sig), [version], {
    interval: 10_000,
    minGapMs: 5000,
  });
  const shown = useMemo(() => filterChecks(data ?? [], q, state), [data, q, state]);
  return (
    <>
      <div class="toolbar">
        <input
          type="search"
          class="filter-box"
          aria-label="Filter checks"
          placeholder="Filter by name, kind, target, service…"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
        <label class="inline-label">
          State
          <select value={state} onChange={(e) => setState(e.currentTarget.value as StateFilter)}>
            {STATE_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {editor && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            New check
          </button>
        )}
      </div>
      {error !== undefined && (
        <p class="error" role="alert">
          Cannot load the checks: {error}
        </p>
      )}
      {data === undefined && error === undefined && <p class="muted">Loading…</p>}
      {data && (
        <p class="muted small" role="status">
          {shown.length} of {data.length} checks
        </p>
      )}
      {data && shown.length > 0 && (
        <div class="table-wrap">
          <table class="access-table hs-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Target</th>
                <th>State</th>
                <th>Since</th>
                <th>Last duration</th>
                <th>Last error</th>
                <th>Services</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((c) => (
                <tr key={c.name} data-check={c.name}>
                  <td data-label="Name">
                    <CheckLink name={c.name} />
                  </td>
                  <td data-label="Kind">{c.kind}</td>
                  <td data-label="Target" class="mono hs-wrap">
                    {c.target}
                  </td>
                  <td data-label="State">
                    <StatusBadge status={c.enabled ? c.state : 'unknown'} />
                    {!c.enabled && <span class="muted small"> disabled</span>}
                  </td>
                  <td data-label="Since">
                    <Ago ms={c.since} now={now} />
                  </td>
                  <td data-label="Last duration">
                    {c.last_run ? formatSeconds(c.last_run.duration_seconds) : '—'}
                  </td>
                  <td data-label="Last error" class="hs-wrap" title={c.last_error ?? ''}>
                    {c.last_error ? (
                      c.last_run?.success ? (
                        // An old error of a check that passes now: say so, not alarm.
                        <span class="muted">earlier: {truncate(c.last_error)}</span>
                      ) : (
                        truncate(c.last_error)
                      )
                    ) : (
                      '—'
                    )}
                  </td>
                  <td data-label="Services">
                    {c.services.map((s, i) => (
                      <span key={s}>
                        {i > 0 && ', '}
                        <ServiceLink name={s} />
                      </span>
                    ))}
                  </td>
                  <td data-label="Source">
                    {c.source === 'config' ? (
                      <span class="badge" title="Defined in argus.yml: read-only here">
                        config · read-only
                      </span>
                    ) : (
                      'api'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.length > 0 && shown.length === 0 && (
        <p class="muted">No check matches the filter.</p>
      )}
      {data && data.length === 0 && <p class="muted">No checks yet.</p>}
      {creating && (
        <CheckEditor onSaved={() => setVersion((v) => v + 1)} onClose={() => setCreating(false)} />
      )}
    </>
  );
}
