/**
 * The retention line under the Logs toolbar ("Kept 30 days · {env="dev"} 3 days · store 1.2 GiB
 * on disk (14% of raw)") and, when the range starts before a horizon, what is gone.
 */
import type { LogsInfo } from '../../lib/logs-retention.js';
import { horizonWarning, retentionSummary } from '../../lib/logs-retention.js';

export function Retention({
  info,
  rangeStartMs,
}: {
  info: LogsInfo;
  /** The selected range's start (unix ms). */
  rangeStartMs: number;
}) {
  const s = retentionSummary(info);
  const warning = horizonWarning(info, rangeStartMs, Date.now());
  return (
    <>
      <p class="logs-retention small muted" aria-label="Log retention">
        <span>{s.kept}</span>
        {s.rules.map((r, i) => (
          <span key={i}>
            {' · '}
            <code>{r.selector}</code> {r.period}
          </span>
        ))}
        {s.cap && <span>{` · ${s.cap}`}</span>}
        {s.store && <span>{` · ${s.store}`}</span>}
      </p>
      {warning && (
        <p class="logs-horizon small" role="note">
          {warning}
        </p>
      )}
    </>
  );
}
