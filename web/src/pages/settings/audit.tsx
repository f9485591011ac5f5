import { useState } from 'preact/hooks';
import { listAudit, verifyAudit, type AuditVerdict } from '../../api/access.js';
import type { Principal } from '../../api/types.js';
import { formatTime } from './format.js';
import { useLoad } from './use-load.js';

const PAGE = 50;

/** JSON of an entry's before/after, as text (never markup). */
function show(v: unknown): string {
  return v === null || v === undefined ? '—' : JSON.stringify(v);
}

/**
 * Settings › Audit: the newest entries first, paged by `before_seq`, and the chain's verify
 * result (system admins: the chain spans every tenant).
 */
export function AuditSection({ principal }: { principal: Principal }) {
  // Cursors of the pages seen so far: [undefined] is the newest page.
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const before = cursors[cursors.length - 1];
  const entries = useLoad(() => listAudit({ limit: PAGE, before_seq: before }), [before]);
  const rows = entries.data ?? [];
  const oldest = rows.length === PAGE ? rows[rows.length - 1].seq : undefined;
  return (
    <>
      <VerifyCard principal={principal} />
      <div class="card">
        <h2>Audit trail{principal.system_admin ? ' (all tenants)' : ` of ${principal.tenant}`}</h2>
        {entries.error && (
          <p class="error" role="alert">
            {entries.error}
          </p>
        )}
        {entries.data && rows.length === 0 && <p class="muted">No entries.</p>}
        {rows.length > 0 && (
          <div class="table-wrap">
            <table class="access-table" aria-label="Audit entries">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Time</th>
                  <th>Actor</th>
                  <th>Tenant</th>
                  <th>Action</th>
                  <th>Target</th>
                  <th>Change</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => (
                  <tr key={e.seq}>
                    <td data-label="#" class="mono">
                      {e.seq}
                    </td>
                    <td data-label="Time">{formatTime(e.time)}</td>
                    <td data-label="Actor">{e.actor}</td>
                    <td data-label="Tenant">{e.tenant || '—'}</td>
                    <td data-label="Action" class="mono">
                      {e.action}
                    </td>
                    <td data-label="Target">{e.target}</td>
                    <td data-label="Change">
                      {e.before === null && e.after === null ? (
                        '—'
                      ) : (
                        <details>
                          <summary>before / after</summary>
                          <p class="mono small audit-detail">before: {show(e.before)}</p>
                          <p class="mono small audit-detail">after: {show(e.after)}</p>
                        </details>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div class="toolbar">
          <button
            disabled={cursors.length === 1 || entries.loading}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            ← Newer
          </button>
          <span class="muted small">Page {cursors.length}</span>
          <button
            disabled={oldest === undefined || entries.loading}
            onClick={() => setCursors([...cursors, oldest])}
          >
            Older →
          </button>
        </div>
      </div>
    </>
  );
}

function VerifyCard({ principal }: { principal: Principal }) {
  const verdict = useLoad<AuditVerdict | undefined>(
    () => (principal.system_admin ? verifyAudit() : Promise.resolve(undefined)),
    [],
  );
  return (
    <div class="card" aria-live="polite">
      <h2>Integrity</h2>
      {!principal.system_admin ? (
        <p class="muted">
          The hash chain covers every tenant; a system administrator can verify it.
        </p>
      ) : verdict.loading ? (
        <p class="muted">Verifying the hash chain…</p>
      ) : verdict.error ? (
        <p class="error" role="alert">
          Cannot verify: {verdict.error}
        </p>
      ) : verdict.data?.ok ? (
        <p class="ok" role="status">
          ✓ Chain verified
          {verdict.data.entries !== undefined &&
            `: ${verdict.data.entries} entries (#${verdict.data.firstSeq ?? '?'}–#${verdict.data.lastSeq ?? '?'})`}
          , nothing altered or removed.
        </p>
      ) : (
        <p class="error" role="alert">
          ✗ Chain broken
          {verdict.data?.seq !== undefined && ` at entry #${verdict.data.seq}`}:{' '}
          {verdict.data?.reason ?? 'unknown reason'}
        </p>
      )}
      {principal.system_admin && (
        <button onClick={verdict.reload} disabled={verdict.loading}>
          Verify again
        </button>
      )}
    </div>
  );
}
