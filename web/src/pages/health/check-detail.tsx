/**
 * /health/checks/:name — one check: state, last run (facts, metrics), response time and
 * success over a chosen range, state history, uptime, "Run now", the heartbeat URL with curl
 * examples, and edit/delete for API checks (editors only).
 */
import { useMemo, useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import {
  check,
  checkResults,
  deleteCheck,
  history,
  runCheck,
  uptime,
  type CheckRunView,
} from '../../api/health.js';
import { useSearchParam } from '../../app/url-state.js';
import { TimeSeriesChart, type ChartSeries } from '../../components/chart/index.js';
import { durationPoints, formatRatio, successRatio } from '../../lib/health/status.js';
import { Dialog, errorText } from '../alerts/common.js';
import { useRefresh } from '../overview/use-refresh.js';
import { useNow } from '../targets/use-now.js';
import { CheckEditor } from './check-editor.js';
import { HistoryList } from './history-list.js';
import { Ago, ServiceLink, StatusBadge, UptimeBars, UptimeWindows, useEditor } from './parts.js';
import { RunResult } from './run-result.js';
import '../alerts/alerts.css';
import '../settings/access.css';
import './health.css';

const RANGES = ['1h', '6h', '24h', '7d'] as const;
type Range = (typeof RANGES)[number];
const RANGE_MS: Record<Range, number> = {
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
};

function Heartbeat({ url }: { url: string }) {
  const [copied, setCopied] = useState<string>();
  const copy = () =>
    navigator.clipboard.writeText(url).then(
      () => setCopied('Copied.'),
      () => setCopied('Cannot copy here; select the text and copy it.'),
    );
  return (
    <section class="card" aria-label="Heartbeat URL">
      <h2>Heartbeat</h2>
      <p class="small">
        Your job pings this URL when it runs; no ping within period + grace is down.
      </p>
      <div class="toolbar">
        <code class="hs-wrap hs-ping">{url}</code>
        <button type="button" onClick={() => void copy()}>
          Copy URL
        </button>
        {copied && (
          <span class="small" role="status">
            {copied}
          </span>
        )}
      </div>
      <pre class="hs-pre small">
        {`# success (at the end of the job)\ncurl -fsS -m 10 --retry 3 ${url}\n# the job starts (measures its run time)\ncurl -fsS -m 10 ${url}/start\n# the job failed\ncurl -fsS -m 10 ${url}/fail`}
      </pre>
    </section>
  );
}

export default function CheckDetail({ params }: { params: Record<string, string | undefined> }) {
  const name = params.name ?? '';
  const editor = useEditor();
  const [, navigate] = useLocation();
  const now = useNow(5000);
  const [range, setRange] = useSearchParam<Range>('range', '1h', RANGES);
  const [version, setVersion] = useState(0);
  const [run, setRun] = useState<{ run?: CheckRunView; error?: string; busy?: boolean }>({});
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const c = useRefresh((sig) => check(name, sig), [name, version], {
    interval: 10_000,
    minGapMs: 5000,
  });
  const results = useRefresh(
    (sig) => {
      const to = Date.now();
      return checkResults(name, to - RANGE_MS[range], to, sig);
    },
    [name, range, version],
    { interval: 10_000, minGapMs: 5000 },
  );
  const hist = useRefresh((sig) => history('checks', name, sig), [name, version, c.data?.since], {
    interval: 30_000,
    live: false,
  });
  const up = useRefresh((sig) => uptime('checks', name, sig), [name], {
    interval: 60_000,
    live: false,
  });
  const series = useMemo<ChartSeries[]>(
    () =>
      results.data
        ? [
            {
              labels: { check: name },
              name: 'response time',
              points: durationPoints(results.data).map(([t, ms]): [number, number] => [
                t,
                ms / 1000,
              ]),
            },
          ]
        : [],
    [results.data],
  );
  const runNow = async () => {
    setRun({ busy: true });
    try {
      setRun({ run: await runCheck(name) });
      setVersion((v) => v + 1);
    } catch (err) {
      setRun({ error: errorText(err) });
    }
  };
  const d = c.data;
  const failed = results.data?.filter((r) => !r.success).length ?? 0;
  return (
    <section class="page alerts-page health-page">
      <p class="small">
        <Link href="/health/checks">← Checks</Link>
      </p>
      <h1 class="hs-title">
        Check <span class="mono">{name}</span> {d && <StatusBadge status={d.state} />}
      </h1>
      {c.error !== undefined && (
        <p class="error" role="alert">
          Cannot load the check: {c.error}
        </p>
      )}
      {!d && c.error === undefined && <p class="muted">Loading…</p>}
      {d && (
        <>
          <section class="card" aria-label="Summary">
            {d.description !== '' && <p class="hs-desc">{d.description}</p>}
            <dl class="facts">
              <div>
                <dt>Kind</dt>
                <dd>{d.kind}</dd>
              </div>
              <div>
                <dt>Target</dt>
                <dd class="mono hs-wrap">{d.target}</dd>
              </div>
              <div>
                <dt>State since</dt>
                <dd>
                  <Ago ms={d.since} now={now} />
                </dd>
              </div>
              <div>
                <dt>Interval / timeout</dt>
                <dd>
                  {d.interval_seconds} s / {d.timeout_seconds} s
                </dd>
              </div>
              <div>
                <dt>Services</dt>
                <dd>
                  {d.services.length === 0
                    ? '—'
                    : d.services.map((s, i) => (
                        <span key={s}>
                          {i > 0 && ', '}
                          <ServiceLink name={s} />
                        </span>
                      ))}
                </dd>
              </div>
              <div>
                <dt>Source</dt>
                <dd>
                  {d.source === 'config' ? (
                    <span class="badge">config · read-only</span>
                  ) : (
                    `api${d.updated_by ? ` · by ${d.updated_by}` : ''}`
                  )}
                </dd>
              </div>
            </dl>
            {d.last_error && (
              <p class="error hs-wrap">
                Last error
                {d.last_error_at ? ` (${new Date(d.last_error_at).toLocaleString()})` : ''}:{' '}
                {d.last_error}
              </p>
            )}
            {editor && (
              <div class="toolbar">
                <button type="button" onClick={() => void runNow()} disabled={run.busy}>
                  {run.busy ? 'Running…' : 'Run now'}
                </button>
                {d.source === 'api' && (
                  <>
                    <button type="button" onClick={() => setEditing(true)}>
                      Edit
                    </button>
                    <button type="button" class="danger" onClick={() => setDeleting(true)}>
                      Delete
                    </button>
                  </>
                )}
              </div>
            )}
            {run.run && <RunResult run={run.run} label="Run now result" />}
            {run.error && (
              <p class="error" role="alert">
                {run.error}
              </p>
            )}
          </section>
          {d.ping_url && <Heartbeat url={d.ping_url} />}
          {d.last_run && <RunResult run={d.last_run} label="Last run" heading />}
          <section class="card" aria-label="Response time">
            <div class="toolbar hs-section-head">
              <h2>Response time</h2>
              <label class="inline-label">
                Range
                <select value={range} onChange={(e) => setRange(e.currentTarget.value as Range)}>
                  {RANGES.map((r) => (
                    <option key={r} value={r}>
                      last {r}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            {results.data && (
              <p class="small">
                Success <strong>{formatRatio(successRatio(results.data))}</strong> of{' '}
                {results.data.length} probes ({failed} failed)
              </p>
            )}
            {results.error && <p class="error">{results.error}</p>}
            {series[0] && series[0].points.length > 0 ? (
              <TimeSeriesChart
                series={series}
                unit="seconds"
                height={200}
                label={`Response time of ${name}, last ${range}`}
                xRange={[(Date.now() - RANGE_MS[range]) / 1000, Date.now() / 1000]}
              />
            ) : (
              results.data && <p class="muted small">No probes in this range.</p>
            )}
          </section>
          <section class="card" aria-label="Uptime">
            <h2>Uptime</h2>
            <UptimeWindows u={up.data} />
            {up.data && <UptimeBars daily={up.data.daily} />}
          </section>
          <section class="card" aria-label="State history">
            <h2>State history</h2>
            <HistoryList events={hist.data} />
          </section>
        </>
      )}
      {editing && d && (
        <CheckEditor
          existing={d}
          onSaved={() => setVersion((v) => v + 1)}
          onClose={() => setEditing(false)}
        />
      )}
      {deleting && (
        <Dialog
          title="Delete check"
          confirmLabel="Delete"
          danger
          onConfirm={async () => {
            await deleteCheck(name);
            navigate('/health/checks');
          }}
          onClose={() => setDeleting(false)}
        >
          <p>
            Delete the check <span class="mono">{name}</span>? Its history and metrics stay until
            they expire.
          </p>
        </Dialog>
      )}
    </section>
  );
}
