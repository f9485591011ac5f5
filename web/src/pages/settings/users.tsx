import { useState } from 'preact/hooks';
import {
  deleteUser,
  listUsers,
  resetPassword,
  ROLES,
  setUserRole,
  type Role,
} from '../../api/access.js';
import type { Principal, User } from '../../api/types.js';
import { ConfirmDialog } from './dialog.js';
import { Field } from './field.js';
import { formatTime } from './format.js';
import { useLoad } from './use-load.js';
import { CreateUserForm } from './user-create.js';
import { checkPassword } from './validate.js';

type Action = { kind: 'role' | 'password' | 'delete'; user: User };

/** Settings › Users: the users with a role in the current tenant, and what admins do to them. */
export function UsersSection({ principal }: { principal: Principal }) {
  const users = useLoad(listUsers);
  const [action, setAction] = useState<Action>();
  const [notice, setNotice] = useState<string>();
  const close = () => setAction(undefined);
  const roleIn = (u: User) => u.roles.find((r) => r.tenant === principal.tenant)?.role;
  return (
    <>
      <CreateUserForm principal={principal} onCreated={users.reload} />
      <div class="card">
        <h2>Users of tenant {principal.tenant}</h2>
        {notice && (
          <p class="ok" role="status">
            {notice}
          </p>
        )}
        {users.error && (
          <p class="error" role="alert">
            {users.error}
          </p>
        )}
        {users.data && (
          <div class="table-wrap">
            <table class="access-table" aria-label="Users">
              <thead>
                <tr>
                  <th>Username</th>
                  <th>Kind</th>
                  <th>Role</th>
                  <th>Other tenants</th>
                  <th>Created</th>
                  <th>Password changed</th>
                  <th>
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.data.map((u) => (
                  <tr key={u.username}>
                    <td data-label="Username">
                      {u.username}
                      {u.system_admin && <span class="badge">system admin</span>}
                      {u.disabled && <span class="badge warn">disabled</span>}
                    </td>
                    <td data-label="Kind">{u.kind === 'service' ? 'service account' : 'user'}</td>
                    <td data-label="Role">{roleIn(u) ?? '—'}</td>
                    <td data-label="Other tenants">
                      {u.roles
                        .filter((r) => r.tenant !== principal.tenant)
                        .map((r) => `${r.tenant} (${r.role})`)
                        .join(', ') || '—'}
                    </td>
                    <td data-label="Created">{formatTime(u.created_at)}</td>
                    <td data-label="Password changed">
                      {u.kind === 'service' ? '—' : formatTime(u.password_changed_at)}
                    </td>
                    <td data-label="">
                      <div class="actions">
                        <button
                          aria-label={`Set role of ${u.username}`}
                          onClick={() => setAction({ kind: 'role', user: u })}
                        >
                          Set role
                        </button>
                        {u.kind === 'user' && (
                          <button
                            aria-label={`Reset password of ${u.username}`}
                            onClick={() => setAction({ kind: 'password', user: u })}
                          >
                            Reset password
                          </button>
                        )}
                        {u.username !== principal.username && (
                          <button
                            class="danger"
                            aria-label={`Delete ${u.username}`}
                            onClick={() => setAction({ kind: 'delete', user: u })}
                          >
                            Delete
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p class="muted small">
          Disabling an account without deleting it is not in the HTTP API yet; delete it, or remove
          its role here (it keeps its roles in other tenants).
        </p>
      </div>
      {action?.kind === 'role' && (
        <RoleDialog
          user={action.user}
          tenant={principal.tenant}
          current={roleIn(action.user)}
          onClose={close}
          onDone={(msg) => {
            setNotice(msg);
            users.reload();
          }}
        />
      )}
      {action?.kind === 'password' && (
        <PasswordDialog user={action.user} onClose={close} onDone={setNotice} />
      )}
      {action?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${action.user.username}?`}
          confirmLabel="Delete user"
          danger
          onClose={close}
          onConfirm={async () => {
            await deleteUser(action.user.username);
            setNotice(`Deleted ${action.user.username}.`);
            users.reload();
          }}
        >
          <p>
            The account <strong>{action.user.username}</strong> is removed with its roles in every
            tenant, its API tokens and its sessions. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

function RoleDialog(p: {
  user: User;
  tenant: string;
  current: Role | undefined;
  onClose(): void;
  onDone(msg: string): void;
}) {
  const [role, setRole] = useState<string>(p.current ?? 'viewer');
  return (
    <ConfirmDialog
      title={`Role of ${p.user.username}`}
      confirmLabel={role === '' ? 'Remove role' : 'Set role'}
      danger={role === ''}
      onClose={p.onClose}
      onConfirm={async () => {
        await setUserRole(p.user.username, role === '' ? null : (role as Role));
        p.onDone(
          role === ''
            ? `Removed ${p.user.username} from tenant ${p.tenant}.`
            : `${p.user.username} is now ${role} in tenant ${p.tenant}.`,
        );
      }}
    >
      <label for="role-select">
        Role in tenant {p.tenant}
        <select id="role-select" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
          <option value="">no role (remove from this tenant)</option>
        </select>
      </label>
    </ConfirmDialog>
  );
}

function PasswordDialog(p: { user: User; onClose(): void; onDone(msg: string): void }) {
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const problem = checkPassword(password);
  return (
    <ConfirmDialog
      title={`Reset the password of ${p.user.username}`}
      confirmLabel="Reset password"
      danger
      onClose={p.onClose}
      onConfirm={async () => {
        setTried(true);
        if (problem) throw new Error(`The new password needs ${problem}.`);
        const r = await resetPassword(p.user.username, password);
        p.onDone(
          `Reset the password of ${p.user.username}; ${r.sessions_revoked} session(s) ended.`,
        );
      }}
    >
      <Field
        id="reset-password"
        label="New password"
        type="password"
        autoComplete="new-password"
        value={password}
        onValue={setPassword}
        problem={problem}
        shown={tried}
      />
      <p class="muted small">Every session of this user ends; they log in with the new password.</p>
    </ConfirmDialog>
  );
}
