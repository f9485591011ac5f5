/** State changes of a check or service, newest first, with the error or root cause then. */
import type { HealthEventView } from '../../api/health.js';
import { eventDetailText } from '../../lib/health/status.js';
import { StatusBadge } from './parts.js';

export function HistoryList({ events }: { events: HealthEventView[] | undefined }) {
  if (!events) return <p class="muted small">Loading…</p>;
  if (events.length === 0) return <p class="muted small">No state changes in the last 30 days.</p>;
  return (
    <ol class="hs-history">
      {events.map((e, i) => (
        <li key={`${e.at}-${i}`}>
          <time dateTime={new Date(e.at).toISOString()} class="small">
            {new Date(e.at).toLocaleString()}
          </time>{' '}
          <StatusBadge status={e.state} />{' '}
          <span class="hs-wrap small">{eventDetailText(e.detail)}</span>
        </li>
      ))}
    </ol>
  );
}
