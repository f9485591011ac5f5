/** The dashboards list: search, tag filter, create, import (Argus or Grafana JSON). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import { importDashboard, listDashboards, type DashboardMeta } from '../../api/dashboards.js';
import { useSession } from '../../app/session.js';
import './dashboards.css';

export default function DashboardsPage() {
  const { principal } = useSession();
  const [, navigate] = useLocation();
  const [rows, setRows] = useState<DashboardMeta[]>();
  const [q, setQ] = useState('');
  const [tag, setTag] = useState('');
  const [error, setError] = useState<string>();
  const [imported, setImported] = useState<{ uid: string; title: string; notes: string[] }>();
  const file = useRef<HTMLInputElement>(null);
  const canEdit = principal?.permissions.includes('edit') ?? false;

  const [reload, setReload] = useState(0);
  useEffect(() => {
    const t = setTimeout(() => {
      listDashboards(q, tag).then(
        (r) => {
          setRows(r);
          setError(undefined);
        },
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      );
    }, 150);
    return () => clearTimeout(t);
  }, [q, tag, reload]);

  // A new dashboard is a draft in the page until its first save (nothing stored, nothing
  // audited if you change your mind).
  const create = () => navigate('/dashboards/new');
  const importFile = async (f: File) => {
    try {
      const json: unknown = JSON.parse(await f.text());
      const r = await importDashboard(json);
      const notes = [
        r.converted_from === 'grafana' ? 'converted from Grafana' : '',
        ...r.warnings,
      ].filter(Boolean);
      // With something to say, stay here and say it (with a link); else open the dashboard.
      if (notes.length > 0) {
        setImported({ uid: r.uid, title: r.title, notes });
        setReload((n) => n + 1);
      } else navigate(`/dashboards/${encodeURIComponent(r.uid)}`);
    } catch (e) {
      setError(`Cannot import ${f.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const tags = [...new Set((rows ?? []).flatMap((r) => r.tags))].sort();

  return (
    <section class="page">
      <div class="dash-header">
        <h1>Dashboards</h1>
        {canEdit && (
          <div class="toolbar">
            <button type="button" class="primary" onClick={create}>
              New dashboard
            </button>
            <button type="button" onClick={() => file.current?.click()}>
              Import JSON
            </button>
            <input
              ref={file}
              type="file"
              accept="application/json,.json"
              hidden
              aria-label="Dashboard JSON file"
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                if (f) void importFile(f);
                e.currentTarget.value = '';
              }}
            />
          </div>
        )}
      </div>
      <div class="toolbar">
        <input
          type="search"
          placeholder="Search by title"
          aria-label="Search dashboards"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
        <select aria-label="Tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)}>
          <option value="">All tags</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {imported && (
        <p role="status">
          Imported{' '}
          <Link href={`/dashboards/${encodeURIComponent(imported.uid)}`}>{imported.title}</Link>:{' '}
          {imported.notes.join('; ')}
        </p>
      )}
      {!rows && !error && <p class="muted">Loading…</p>}
      {rows && rows.length === 0 && (
        <p class="muted">No dashboards{q || tag ? ' match' : ' yet'}.</p>
      )}
      {rows && rows.length > 0 && (
        <div class="card table-wrap">
          <table class="dash-list">
            <thead>
              <tr>
                <th>Title</th>
                <th>Tags</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.uid}>
                  <td>
                    <Link href={`/dashboards/${encodeURIComponent(r.uid)}`}>{r.title}</Link>
                    {r.provisioned && (
                      <>
                        {' '}
                        <span class="badge muted">provisioned</span>
                      </>
                    )}
                  </td>
                  <td>
                    {r.tags.map((t) => (
                      <span key={t} class="tag">
                        {t}
                      </span>
                    ))}
                  </td>
                  <td>
                    {new Date(r.updated_at).toLocaleString()} · {r.updated_by}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
