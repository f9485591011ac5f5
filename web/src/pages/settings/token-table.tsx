import { useState } from 'preact/hooks';
import { revokeToken } from '../../api/access.js';
import type { Token } from '../../api/types.js';
import { ConfirmDialog } from './dialog.js';
import { formatTime } from './format.js';

function status(t: Token, now: number): { text: string; cls: string } {
  if (t.revoked_at !== null) return { text: `revoked ${formatTime(t.revoked_at)}`, cls: 'muted' };
  if (t.expires_at !== null && t.expires_at <= now) return { text: 'expired', cls: 'warn' };
  return { text: 'active', cls: 'ok' };
}

/**
 * API tokens with their use and state; live ones can be revoked (after a confirmation). On a
 * phone each row stacks into labelled lines (access.css).
 */
export function TokenTable(p: { tokens: Token[]; showUser?: boolean; onChanged(): void }) {
  const [revoking, setRevoking] = useState<Token>();
  const [revoked, setRevoked] = useState<string>();
  const now = Date.now();
  // The API lists live tokens only: a revoked one leaves the table, so say what happened.
  const notice = revoked && (
    <p class="ok" role="status">
      Revoked token {revoked}; it no longer works.
    </p>
  );
  if (p.tokens.length === 0)
    return (
      <>
        {notice}
        <p class="muted">No API tokens.</p>
      </>
    );
  return (
    <div class="table-wrap">
      {notice}
      <table class="access-table" aria-label="API tokens">
        <thead>
          <tr>
            <th>Name</th>
            {p.showUser && <th>User</th>}
            <th>Scope</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Expires</th>
            <th>State</th>
            <th>
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {p.tokens.map((t) => {
            const s = status(t, now);
            return (
              <tr key={t.id}>
                <td data-label="Name">
                  {t.name === '' ? <span class="muted">(unnamed)</span> : t.name}
                </td>
                {p.showUser && <td data-label="User">{t.username}</td>}
                <td data-label="Scope">
                  <span class="badge">{t.scope}</span>
                  {t.cross_tenant && <span class="badge">all tenants</span>}
                </td>
                <td data-label="Created">{formatTime(t.created_at)}</td>
                <td data-label="Last used">{formatTime(t.last_used_at, 'never')}</td>
                <td data-label="Expires">{formatTime(t.expires_at, 'never')}</td>
                <td data-label="State" class={s.cls}>
                  {s.text}
                </td>
                <td data-label="">
                  {t.revoked_at === null && (
                    <button
                      class="danger"
                      aria-label={`Revoke token ${t.name || t.id}`}
                      onClick={() => setRevoking(t)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {revoking && (
        <ConfirmDialog
          title="Revoke this token?"
          confirmLabel="Revoke token"
          danger
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            const t = await revokeToken(revoking.id);
            setRevoked(t.name || t.id);
            p.onChanged();
          }}
        >
          <p>
            Token <strong>{revoking.name || revoking.id}</strong> of{' '}
            <strong>{revoking.username}</strong> stops working at once. Programs using it get 401.
            This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
