/**
 * /health/services/:name — one service: status, impacted-by, its checks, dependencies and
 * dependents, uptime, SLO, history, maintenance windows (editors add and delete), and
 * edit/delete for API services.
 */
import { useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import {
  addMaintenance,
  deleteMaintenance,
  deleteService,
  history,
  maintenance,
  service,
  services,
  slo,
  uptime,
  type MaintenanceView,
} from '../../api/health.js';
import { fromLocalInput, toLocalInput } from '../../lib/alerting/format.js';
import { dependentsOf } from '../../lib/health/graph.js';
import { budgetText, formatRatio, formatSeconds } from '../../lib/health/status.js';
import { Dialog } from '../alerts/common.js';
import { useRefresh } from '../overview/use-refresh.js';
import { useNow } from '../targets/use-now.js';
import { HistoryList } from './history-list.js';
import {
  Ago,
  CheckLink,
  ImpactedBy,
  ServiceLink,
  StatusBadge,
  UptimeBars,
  UptimeWindows,
  useEditor,
} from './parts.js';
import { ServiceEditor } from './service-editor.js';
import '../alerts/alerts.css';
import '../settings/access.css';
import './health.css';

function MaintenanceDialog(p: { service: string; onSaved(): void; onClose(): void }) {
  const [start, setStart] = useState(() => toLocalInput(Date.now()));
  const [end, setEnd] = useState(() => toLocalInput(Date.now() + 3_600_000));
  const [comment, setComment] = useState('');
  return (
    <Dialog
      title={`Maintenance of ${p.service}`}
      confirmLabel="Schedule"
      onConfirm={async () => {
        const s = fromLocalInput(start);
        const e = fromLocalInput(end);
        if (s === undefined || e === undefined) throw new Error('A start and an end are needed.');
        if (e <= s) throw new Error('The end must be after the start.');
        await addMaintenance({ service: p.service, starts_at: s, ends_at: e, comment });
        p.onSaved();
      }}
      onClose={p.onClose}
    >
      <div class="row">
        <label class="field">
          <span>Start</span>
          <input
            type="datetime-local"
            value={start}
            required
            onInput={(e) => setStart(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>End</span>
          <input
            type="datetime-local"
            value={end}
            required
            onInput={(e) => setEnd(e.currentTarget.value)}
          />
        </label>
      </div>
      <label class="field">
        <span>Comment</span>
        <input
          type="text"
          value={comment}
          maxLength={500}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
      </label>
    </Dialog>
  );
}

export default function ServiceDetail({ params }: { params: Record<string, string | undefined> }) {
  const name = params.name ?? '';
  const editor = useEditor();
  const [, navigate] = useLocation();
  const now = useNow(5000);
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [adding, setAdding] = useState(false);
  const [ending, setEnding] = useState<MaintenanceView>();
  const s = useRefresh((sig) => service(name, sig), [name, version], {
    interval: 10_000,
    minGapMs: 5000,
  });
  const all = useRefresh((sig) => services(sig), [version], { interval: 30_000, live: false });
  const up = useRefresh((sig) => uptime('services', name, sig), [name], {
    interval: 60_000,
    live: false,
  });
  const budget = useRefresh(
    (sig) => (s.data?.slo ? slo(name, sig) : Promise.resolve(undefined)),
    [name, s.data?.slo?.target],
    { interval: 60_000, live: false },
  );
  const hist = useRefresh((sig) => history('services', name, sig), [name, s.data?.since], {
    interval: 30_000,
    live: false,
  });
  const windows = useRefresh((sig) => maintenance(name, sig), [name, version], {
    interval: 30_000,
    live: false,
  });
  const d = s.data;
  const dependents = all.data ? dependentsOf(all.data, name) : [];
  return (
    <section class="page alerts-page health-page">
      <p class="small">
        <Link href="/health">← Services</Link>
      </p>
      <h1 class="hs-title">
        Service <span class="mono">{name}</span> {d && <StatusBadge status={d.status} />}
      </h1>
      {s.error !== undefined && (
        <p class="error" role="alert">
          Cannot load the service: {s.error}
        </p>
      )}
      {!d && s.error === undefined && <p class="muted">Loading…</p>}
      {d && (
        <>
          <section class="card" aria-label="Summary">
            {d.description !== '' && <p class="hs-desc">{d.description}</p>}
            <ImpactedBy names={d.impacted_by} />
            <dl class="facts">
              <div>
                <dt>Status since</dt>
                <dd>
                  <Ago ms={d.since} now={now} />
                </dd>
              </div>
              <div>
                <dt>Depends on</dt>
                <dd>
                  {d.depends_on.length === 0
                    ? '—'
                    : d.depends_on.map((x, i) => (
                        <span key={x}>
                          {i > 0 && ', '}
                          <ServiceLink name={x} />
                        </span>
                      ))}
                </dd>
              </div>
              <div>
                <dt>Dependents</dt>
                <dd>
                  {dependents.length === 0
                    ? '—'
                    : dependents.map((x, i) => (
                        <span key={x}>
                          {i > 0 && ', '}
                          <ServiceLink name={x} />
                        </span>
                      ))}
                </dd>
              </div>
              <div>
                <dt>Public</dt>
                <dd>{d.public ? 'yes (on the status page)' : 'no'}</dd>
              </div>
              <div>
                <dt>Source</dt>
                <dd>
                  {d.source === 'config' ? <span class="badge">config · read-only</span> : 'api'}
                </dd>
              </div>
            </dl>
            {editor && d.source === 'api' && (
              <div class="toolbar">
                <button type="button" onClick={() => setEditing(true)}>
                  Edit
                </button>
                <button type="button" class="danger" onClick={() => setDeleting(true)}>
                  Delete
                </button>
              </div>
            )}
          </section>
          <section class="card" aria-label="Checks">
            <h2>Checks</h2>
            {d.checks.length === 0 ? (
              <p class="muted small">No checks: the status stays unknown.</p>
            ) : (
              <ul class="hs-plain">
                {d.checks.map((c) => (
                  <li key={c.name}>
                    <CheckLink name={c.name} /> <StatusBadge status={c.state} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section class="card" aria-label="Uptime">
            <h2>Uptime</h2>
            <UptimeWindows u={up.data} />
            {up.data && <UptimeBars daily={up.data.daily} />}
            {budget.data && (
              <dl class="facts">
                <div>
                  <dt>SLO target</dt>
                  <dd>{budget.data.target}%</dd>
                </div>
                <div>
                  <dt>Availability</dt>
                  <dd>{formatRatio(budget.data.availability)}</dd>
                </div>
                <div>
                  <dt>Error budget</dt>
                  <dd>
                    {budgetText(budget.data.remaining_ratio)} (
                    {formatSeconds(budget.data.spent_seconds)} of{' '}
                    {formatSeconds(budget.data.error_budget_seconds)} spent)
                  </dd>
                </div>
              </dl>
            )}
          </section>
          <section class="card" aria-label="Maintenance">
            <div class="toolbar hs-section-head">
              <h2>Maintenance</h2>
              {editor && (
                <button type="button" onClick={() => setAdding(true)}>
                  Schedule maintenance
                </button>
              )}
            </div>
            {d.maintenance && (
              <p class="small">
                <StatusBadge status="maintenance" /> until{' '}
                {new Date(d.maintenance.ends_at).toLocaleString()}
              </p>
            )}
            {windows.data && windows.data.length === 0 && (
              <p class="muted small">No current or upcoming windows.</p>
            )}
            {windows.data && windows.data.length > 0 && (
              <ul class="hs-plain">
                {windows.data.map((w) => (
                  <li key={w.id}>
                    {new Date(w.starts_at).toLocaleString()} →{' '}
                    {new Date(w.ends_at).toLocaleString()}
                    {w.comment !== '' && <span class="hs-wrap"> · {w.comment}</span>}
                    <span class="muted small"> · by {w.created_by}</span>{' '}
                    {editor && w.source === 'api' && (
                      <button type="button" class="danger" onClick={() => setEnding(w)}>
                        Delete
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section class="card" aria-label="Status history">
            <h2>History</h2>
            <HistoryList events={hist.data} />
          </section>
        </>
      )}
      {editing && d && (
        <ServiceEditor
          existing={d}
          onSaved={() => setVersion((v) => v + 1)}
          onClose={() => setEditing(false)}
        />
      )}
      {adding && (
        <MaintenanceDialog
          service={name}
          onSaved={() => setVersion((v) => v + 1)}
          onClose={() => setAdding(false)}
        />
      )}
      {ending && (
        <Dialog
          title="Delete maintenance window"
          confirmLabel="Delete"
          danger
          onConfirm={async () => {
            await deleteMaintenance(ending.id);
            setVersion((v) => v + 1);
          }}
          onClose={() => setEnding(undefined)}
        >
          <p>
            End or cancel the window {new Date(ending.starts_at).toLocaleString()} →{' '}
            {new Date(ending.ends_at).toLocaleString()}?
          </p>
        </Dialog>
      )}
      {deleting && (
        <Dialog
          title="Delete service"
          confirmLabel="Delete"
          danger
          onConfirm={async () => {
            await deleteService(name);
            navigate('/health');
          }}
          onClose={() => setDeleting(false)}
        >
          <p>
            Delete the service <span class="mono">{name}</span>? Its checks stay.
          </p>
        </Dialog>
      )}
    </section>
  );
}
