/**
 * A dashboard: variables, time range, live mode, the panel grid, and editing (add, edit,
 * move/resize, duplicate and remove panels; title, tags and raw JSON; save with optimistic
 * concurrency; version history; export; delete). Provisioned dashboards are read-only here.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Link, useLocation, useSearch } from 'wouter-preact';
import { ApiError } from '../../api/client.js';
import {
  createDashboard,
  deleteDashboard,
  getDashboard,
  restoreVersion,
  saveDashboard,
  type Dashboard,
  type Panel,
  type StoredDashboard,
} from '../../api/dashboards.js';
import { useLiveTick } from '../../app/live.js';
import { useSession } from '../../app/session.js';
import { TimeRangePicker } from '../../components/time/index.js';
import {
  applyMove,
  nextPosition,
  readingOrder,
  settle,
  type Move,
} from '../../lib/dashboard/layout.js';
import { isRelative, type TimeRange } from '../../lib/time-range.js';
import { JsonDialog } from './json-dialog.js';
import { PanelEditor } from './panel-editor.js';
import { PanelView } from './panel.js';
import { useVariableOptions, variableValues, VariablesBar } from './variables.js';
import { VariablesEditor } from './variables-editor.js';
import { VersionsDialog } from './versions.js';
// The shared confirmation dialog and its styles (Settings' own).
import { ConfirmDialog } from '../settings/dialog.js';
import '../settings/access.css';
import './dashboards.css';

type Dialog =
  | { kind: 'panel'; panel: Panel; isNew: boolean }
  | { kind: 'versions' }
  | { kind: 'json' }
  | { kind: 'variables' }
  | { kind: 'delete' }
  | null;

/** The path of a dashboard not saved yet. */
export const NEW = 'new';

function newDraft(user: string): StoredDashboard {
  const now = Date.now();
  return {
    uid: NEW,
    title: 'New dashboard',
    tags: [],
    version: 0,
    created_at: now,
    created_by: user,
    updated_at: now,
    updated_by: user,
    provisioned: false,
    provisioned_file: null,
    dashboard: {
      schemaVersion: 1,
      uid: NEW,
      title: 'New dashboard',
      tags: [],
      time: { from: 'now-1h', to: 'now' },
      refresh: 'off',
      variables: [],
      panels: [],
    },
  };
}

function rangeOf(d: Dashboard, search: URLSearchParams): TimeRange {
  return {
    from: search.get('from') ?? d.time.from,
    to: search.get('to') ?? d.time.to,
    tz: search.get('tz') === 'utc' ? 'utc' : 'local',
    step: 'auto',
  };
}

export default function DashboardPage({ params }: { params: Record<string, string | undefined> }) {
  const uid = params.id ?? '';
  const { principal } = useSession();
  const [, navigate] = useLocation();
  const search = new URLSearchParams(useSearch());
  const [stored, setStored] = useState<StoredDashboard>();
  const [draft, setDraft] = useState<Dashboard>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [editing, setEditing] = useState(search.get('edit') === '1' || uid === NEW);
  const [dialog, setDialog] = useState<Dialog>(null);
  // What changed, kept with the version (shown in the version history).
  const [note, setNote] = useState('');
  const [refresh, setRefresh] = useState(0);
  const [range, setRange] = useState<TimeRange>();
  const [liveOn, setLiveOn] = useState(search.get('live') !== '0');

  const load = async () => {
    try {
      // `/dashboards/new`: a draft that exists only here until its first save.
      const d = uid === NEW ? newDraft(principal?.username ?? '') : await getDashboard(uid);
      setStored(d);
      setDraft(d.dashboard);
      setRange((r) => r ?? rangeOf(d.dashboard, search));
      setError(undefined);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  useEffect(() => {
    void load();
  }, [uid]);

  const relative = range !== undefined && isRelative(range.from) && range.to.trim() === 'now';
  const live = useLiveTick(liveOn && relative && !editing);
  // Selections live in the URL (`var-job=node`, as Grafana links do), not in the dashboard:
  // picking a value is viewing, not editing. The dashboard's `current` is the default.
  const [selected, setSelected] = useState<Record<string, string[]>>(() => {
    const out: Record<string, string[]> = {};
    for (const [k, v] of search) if (k.startsWith('var-')) (out[k.slice(4)] ??= []).push(v);
    return out;
  });
  const vars = useMemo(
    () =>
      (draft?.variables ?? []).map((v) =>
        selected[v.name] ? { ...v, current: selected[v.name]! } : v,
      ),
    [draft?.variables, selected],
  );
  const { options, errors } = useVariableOptions(vars, refresh);
  const varValues = useMemo(() => variableValues(vars, options), [vars, options]);

  useEffect(() => {
    if (draft) document.title = `${draft.title} · Argus`;
  }, [draft?.title]);

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!stored || !draft || !range) return <p class="muted">Loading…</p>;

  const canEdit = (principal?.permissions.includes('edit') ?? false) && !stored.provisioned;
  if (stored.version === 0 && !canEdit)
    return (
      <section class="page">
        <h1>New dashboard</h1>
        <p class="muted">
          Creating dashboards needs the editor role in this tenant. Ask an admin, or{' '}
          <Link href="/dashboards">go back to the list</Link>.
        </p>
      </section>
    );
  // `?edit=1` (a new dashboard's link) only opens the editor for someone who may save.
  if (editing && !canEdit) setEditing(false);
  const dirty = JSON.stringify(draft) !== JSON.stringify(stored.dashboard);
  const setPanels = (panels: Panel[]) => setDraft({ ...draft, panels });
  const readingIndex = new Map(readingOrder(draft.panels).map((p, i) => [p.id, i]));
  const newId = () => draft.panels.reduce((m, p) => Math.max(m, p.id), 0) + 1;

  const save = async () => {
    try {
      if (stored.version === 0) {
        // The first save creates it; from here on it is an ordinary dashboard.
        const { uid: _draftUid, ...body } = draft;
        const created = await createDashboard(body, note.trim() || undefined);
        setNote('');
        setEditing(false);
        setNotice('Saved version 1.');
        navigate(`/dashboards/${encodeURIComponent(created.uid)}`, { replace: true });
        return;
      }
      const saved = await saveDashboard(draft, stored.version, note.trim() || undefined);
      setNote('');
      setStored(saved);
      setDraft(saved.dashboard);
      stopEditing();
      setNotice(`Saved version ${saved.version}.`);
    } catch (err) {
      setNotice(
        err instanceof ApiError && err.status === 409
          ? `${err.message} — your changes are kept here; reload to see theirs.`
          : `Cannot save: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
  // Errors stay in the dialog (ConfirmDialog shows what the API said).
  const remove = async () => {
    await deleteDashboard(uid);
    navigate('/dashboards');
  };
  const exportJson = () => {
    const blob = new Blob([JSON.stringify(draft, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${draft.uid}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  // Leaves edit mode, and drops ?edit=1 so a reload shows the dashboard.
  const stopEditing = () => {
    if (stored.version === 0) {
      navigate('/dashboards');
      return;
    }
    setEditing(false);
    const q = new URLSearchParams(search);
    q.delete('edit');
    const qs = q.toString();
    navigate(`/dashboards/${encodeURIComponent(uid)}${qs ? `?${qs}` : ''}`, { replace: true });
  };
  const changeRange = (r: TimeRange) => {
    setRange(r);
    const q = new URLSearchParams(search);
    q.set('from', r.from);
    q.set('to', r.to);
    navigate(`/dashboards/${encodeURIComponent(uid)}?${q.toString()}`, { replace: true });
  };

  return (
    <section class="page">
      <div class="dash-header">
        {editing ? (
          <input
            aria-label="Dashboard title"
            value={draft.title}
            onInput={(e) => setDraft({ ...draft, title: e.currentTarget.value })}
          />
        ) : (
          <h1>{draft.title}</h1>
        )}
        <div class="toolbar">
          <TimeRangePicker value={range} onChange={changeRange} />
          <button
            type="button"
            aria-pressed={liveOn && relative}
            disabled={!relative}
            title={relative ? 'Update as new data arrives' : 'Live needs a range ending now'}
            onClick={() => setLiveOn(!liveOn)}
          >
            {editing
              ? 'Live paused while editing'
              : liveOn && relative
                ? live.connected
                  ? '● Live'
                  : '○ Live (reconnecting)'
                : 'Live off'}
          </button>
          <button type="button" onClick={() => setRefresh((n) => n + 1)}>
            Refresh
          </button>
          {canEdit && !editing && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          {editing && (
            <>
              <button
                type="button"
                onClick={() =>
                  setDialog({
                    kind: 'panel',
                    isNew: true,
                    panel: {
                      id: newId(),
                      type: 'timeseries',
                      title: 'New panel',
                      gridPos: nextPosition(draft.panels.map((p) => p.gridPos)),
                      targets: [{ refId: 'A', expr: '' }],
                    },
                  })
                }
              >
                Add panel
              </button>
              <button type="button" onClick={() => setDialog({ kind: 'variables' })}>
                Variables
              </button>
              <button type="button" onClick={() => setDialog({ kind: 'json' })}>
                JSON
              </button>
              <input
                class="save-note"
                aria-label="Change note"
                placeholder="What changed? (optional)"
                maxLength={200}
                value={note}
                onInput={(e) => setNote(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && (dirty || stored.version === 0)) void save();
                }}
              />
              <button
                type="button"
                class="primary"
                disabled={!dirty && stored.version > 0}
                onClick={() => void save()}
              >
                Save
              </button>
              <button
                type="button"
                onClick={() => {
                  setDraft(stored.dashboard);
                  stopEditing();
                }}
              >
                {stored.version === 0 ? 'Cancel' : dirty ? 'Discard' : 'Done'}
              </button>
            </>
          )}
          {stored.version > 0 && (
            <>
              <button type="button" onClick={() => setDialog({ kind: 'versions' })}>
                Versions
              </button>
              <button type="button" onClick={exportJson}>
                Export
              </button>
            </>
          )}
          {canEdit && !editing && (
            <button type="button" onClick={() => setDialog({ kind: 'delete' })}>
              Delete
            </button>
          )}
        </div>
      </div>
      {stored.provisioned && (
        <p class="muted small">
          Provisioned from {stored.provisioned_file}: read-only here (edit the file, or export and
          import a copy).
        </p>
      )}
      {notice && (
        <p class="muted" role="status">
          {notice}
        </p>
      )}
      <VariablesBar
        vars={vars}
        options={options}
        errors={errors}
        onChange={(name, current) => {
          setSelected({ ...selected, [name]: current });
          const q = new URLSearchParams(window.location.search);
          q.delete(`var-${name}`);
          for (const c of current) q.append(`var-${name}`, c);
          navigate(`/dashboards/${encodeURIComponent(uid)}?${q.toString()}`, { replace: true });
        }}
      />
      {draft.panels.length === 0 && (
        <p class="muted">No panels yet.{canEdit ? ' Edit, then Add panel.' : ''}</p>
      )}
      <div class="dash-grid">
        {/* Stored order in the DOM (a move must not re-insert the element and drop focus);
            phones stack them in reading order through CSS order. */}
        {draft.panels.map((p) => (
          <PanelView
            key={p.id}
            panel={p}
            order={readingIndex.get(p.id) ?? 0}
            vars={varValues}
            range={range}
            tick={live.tick}
            refresh={refresh}
            editing={editing}
            onEdit={() => setDialog({ kind: 'panel', panel: p, isNew: false })}
            onRemove={() => setPanels(draft.panels.filter((q) => q.id !== p.id))}
            onDuplicate={() =>
              setPanels([
                ...draft.panels,
                {
                  ...structuredClone(p),
                  id: newId(),
                  gridPos: nextPosition(
                    draft.panels.map((q) => q.gridPos),
                    p.gridPos.w,
                    p.gridPos.h,
                  ),
                },
              ])
            }
            onMove={(m: Move) =>
              setPanels(
                settle(
                  draft.panels.map((q) =>
                    q.id === p.id ? { ...q, gridPos: applyMove(q.gridPos, m) } : q,
                  ),
                  p.id,
                ),
              )
            }
          />
        ))}
      </div>
      {dialog?.kind === 'panel' && (
        <PanelEditor
          panel={dialog.panel}
          onClose={() => setDialog(null)}
          onSave={(p) => {
            setPanels(
              dialog.isNew
                ? [...draft.panels, p]
                : draft.panels.map((q) => (q.id === p.id ? p : q)),
            );
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'versions' && (
        <VersionsDialog
          uid={uid}
          current={stored.version}
          readOnly={!canEdit}
          onClose={() => setDialog(null)}
          onRestore={(n) =>
            void restoreVersion(uid, n).then(
              (d) => {
                setStored(d);
                setDraft(d.dashboard);
                setDialog(null);
                setNotice(`Restored version ${n} as version ${d.version}.`);
              },
              (e: unknown) => setNotice(`Cannot restore: ${String(e)}`),
            )
          }
        />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete dashboard"
          confirmLabel="Delete"
          danger
          onConfirm={remove}
          onClose={() => setDialog(null)}
        >
          <p>
            Delete “{draft.title}” and its {stored.version} version
            {stored.version === 1 ? '' : 's'}? The audit trail keeps the record.
          </p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'variables' && (
        <VariablesEditor
          variables={draft.variables}
          onClose={() => setDialog(null)}
          onApply={(variables) => {
            setDraft({ ...draft, variables });
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'json' && (
        <JsonDialog
          value={draft}
          onClose={() => setDialog(null)}
          onApply={(d) => {
            setDraft({ ...d, uid: draft.uid });
            setDialog(null);
          }}
        />
      )}
    </section>
  );
}
