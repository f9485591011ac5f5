/**
 * History: a timeline of state changes, notification receipts (channel, status, latency,
 * error), acks and silences from `GET /api/argus/v1/alerts/history`, filtered by alert name,
 * kind and time range (kept in the URL); MTTA/MTTR per alert name over the same range.
 */
import { useMemo } from 'preact/hooks';
import { history, responseTimes } from '../../api/alerting.js';
import { useSearchParam } from '../../app/url-state.js';
import { parseDuration } from '../../lib/alerting/format.js';
import {
  byDay,
  describeEntry,
  HISTORY_KINDS,
  HISTORY_RANGES,
  meanCell,
  type HistoryRange,
} from '../../lib/alerting/history.js';
import { useRefresh } from '../overview/use-refresh.js';
import type { SectionProps } from './index.js';

type KindChoice = (typeof HISTORY_KINDS)[number] | 'all';
const KINDS: KindChoice[] = ['all', ...HISTORY_KINDS];
const KIND_LABELS: Record<KindChoice, string> = {
  all: 'everything',
  firing: 'started firing',
  resolved: 'resolved',
  attempt: 'notifications',
  ack: 'acknowledged',
  unack: 'unacknowledged',
  silenced: 'silenced / inhibited',
};

const dayOf = (ms: number) =>
  new Date(ms).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const timeOf = (ms: number) => new Date(ms).toLocaleTimeString();

export function HistorySection(_: SectionProps) {
  const [alertname, setAlertname] = useSearchParam<string>('alertname', '');
  const [range, setRange] = useSearchParam<HistoryRange>('range', '24h', HISTORY_RANGES);
  const [kind, setKind] = useSearchParam<KindChoice>('kind', 'all', KINDS);
  const { data, error } = useRefresh(
    async (signal) => {
      const to = Date.now();
      const from = to - (parseDuration(range) ?? 86_400_000);
      const name = alertname.trim() === '' ? undefined : alertname.trim();
      const [entries, times] = await Promise.all([
        history(
          { from, to, alertname: name, kind: kind === 'all' ? undefined : kind, limit: 500 },
          signal,
        ),
        responseTimes(from, to, signal),
      ]);
      return { entries, times: name ? times.filter((t) => t.alertname === name) : times };
    },
    [alertname, range, kind],
    { interval: 15_000, minGapMs: 5000 },
  );
  const days = useMemo(() => byDay(data?.entries ?? [], dayOf), [data]);
  return (
    <>
      <div class="toolbar">
        <input
          type="search"
          class="filter-box"
          placeholder="Alert name"
          aria-label="Filter by alert name"
          value={alertname}
          onInput={(e) => setAlertname(e.currentTarget.value)}
        />
        <label class="inline-label">
          <span class="muted small">Last</span>
          <select value={range} onChange={(e) => setRange(e.currentTarget.value as HistoryRange)}>
            {HISTORY_RANGES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label class="inline-label">
          <span class="muted small">Show</span>
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as KindChoice)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error !== undefined && (
        <p class="error" role="alert">
          Cannot load the history: {error}
        </p>
      )}
      {data === undefined && error === undefined && <p class="muted">Loading…</p>}
      {data !== undefined && (
        <section class="card" aria-label="Response times">
          <h2>Response times</h2>
          {data.times.length === 0 ? (
            <p class="muted small">No alert fired in this range.</p>
          ) : (
            <div class="table-wrap">
              <table class="times-table">
                <thead>
                  <tr>
                    <th>Alert</th>
                    <th>Episodes</th>
                    <th>
                      <abbr title="Mean time to acknowledge">MTTA</abbr>
                    </th>
                    <th>
                      <abbr title="Mean time to resolve">MTTR</abbr>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.times.map((t) => (
                    <tr key={t.alertname}>
                      <td data-label="Alert">
                        <button
                          type="button"
                          class="link-button"
                          onClick={() => setAlertname(t.alertname)}
                        >
                          {t.alertname || '(no alertname)'}
                        </button>
                      </td>
                      <td data-label="Episodes">{t.episodes}</td>
                      <td data-label="MTTA">{meanCell(t.mttaMs)}</td>
                      <td data-label="MTTR">{meanCell(t.mttrMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      {data !== undefined && (
        <section class="card" aria-label="Timeline">
          <h2>Timeline</h2>
          {data.entries.length === 0 && <p class="muted small">Nothing happened in this range.</p>}
          {data.entries.length === 500 && (
            <p class="muted small">The newest 500 entries; narrow the range or name an alert.</p>
          )}
          {days.map((d) => (
            <section key={d.day} class="timeline-day" aria-label={d.day}>
              <h3 class="small muted">{d.day}</h3>
              <ol class="timeline">
                {d.entries.map((e) => {
                  const x = describeEntry(e);
                  return (
                    <li key={e.seq} class={`timeline-entry tone-${x.tone}`} data-kind={e.kind}>
                      <time class="mono small" dateTime={new Date(e.time).toISOString()}>
                        {timeOf(e.time)}
                      </time>
                      <span class="timeline-title">{x.title}</span>
                      <span class="alert-name">{e.alertname || '(group)'}</span>
                      {x.facts.map((f, i) => (
                        <span key={i} class="chip small">
                          {f}
                        </span>
                      ))}
                    </li>
                  );
                })}
              </ol>
            </section>
          ))}
        </section>
      )}
    </>
  );
}
