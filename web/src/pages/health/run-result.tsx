/** One probe's result: up/down, duration, error, the facts it found and its metrics. */
import type { CheckRunView } from '../../api/health.js';
import { formatSeconds } from '../../lib/health/status.js';
import { StatusBadge } from './parts.js';

export function RunResult(p: { run: CheckRunView; label: string; heading?: boolean }) {
  const { run, label } = p;
  const detail = Object.entries(run.detail ?? {});
  return (
    <section class="card hs-run" aria-label={label} role={p.heading ? undefined : 'status'}>
      {p.heading && <h2>{label}</h2>}
      <p>
        <StatusBadge status={run.success ? 'up' : 'down'} /> in{' '}
        <strong>{formatSeconds(run.duration_seconds)}</strong>{' '}
        <span class="muted small">at {new Date(run.at).toLocaleTimeString()}</span>
      </p>
      {run.error !== undefined && <p class="error hs-wrap">{run.error}</p>}
      {detail.length > 0 && (
        <dl class="facts">
          {detail.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd class="hs-wrap">{String(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      {run.metrics.length > 0 && (
        <details>
          <summary>Metrics ({run.metrics.length})</summary>
          <ul class="mono small hs-metrics">
            {run.metrics.map((m, i) => (
              <li key={i}>
                {m.name}
                {m.labels && Object.keys(m.labels).length > 0
                  ? `{${Object.entries(m.labels)
                      .map(([k, v]) => `${k}="${v}"`)
                      .join(',')}}`
                  : ''}{' '}
                {m.value}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
