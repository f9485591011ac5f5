import { useAction } from './use-action.js';
import { useState } from 'preact/hooks';
import { createUser, ROLES, type Role } from '../../api/access.js';
import type { Principal } from '../../api/types.js';
import { Field } from './field.js';
import { SecretOnce } from './secret.js';
import { checkPassword, checkUsername } from './validate.js';

/** Creates a user or service account with a role in the admin's current tenant. */
export function CreateUserForm(p: { principal: Principal; onCreated(): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [service, setService] = useState(false);
  const [sysAdmin, setSysAdmin] = useState(false);
  const [tried, setTried] = useState(false);
  const { busy, error, setError, run } = useAction();
  const [done, setDone] = useState<{ username: string; generated?: string }>();

  const usernameProblem = checkUsername(username);
  // Empty: the server generates a password and returns it once.
  const passwordProblem = service || password === '' ? undefined : checkPassword(password);

  const submit = async (e: Event) => {
    e.preventDefault();
    setTried(true);
    setError(undefined);
    if (usernameProblem || passwordProblem) return;
    await run(async () => {
      const r = await createUser({
        username,
        ...(service || password === '' ? {} : { password }),
        role,
        service_account: service,
        system_admin: sysAdmin,
      });
      setDone({ username: r.user.username, generated: r.generated_password });
      setUsername('');
      setPassword('');
      setTried(false);
      p.onCreated();
    });
  };

  return (
    <div class="card">
      <h2>Create a user</h2>
      <form class="access-form" noValidate onSubmit={(e) => void submit(e)}>
        <div class="row">
          <Field
            id="new-user-name"
            label="Username"
            autoComplete="off"
            value={username}
            onValue={setUsername}
            problem={usernameProblem}
            shown={tried}
          />
          <label for="new-user-role">
            Role in tenant {p.principal.tenant}
            <select
              id="new-user-role"
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as Role)}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label class="check">
          <input
            type="checkbox"
            checked={service}
            onChange={(e) => setService(e.currentTarget.checked)}
          />
          Service account (no password; it signs in with API tokens)
        </label>
        {!service && (
          <Field
            id="new-user-password"
            label="Initial password"
            type="password"
            autoComplete="new-password"
            value={password}
            onValue={setPassword}
            problem={passwordProblem}
            shown={tried}
            hint="Leave empty to have one generated (shown once)."
          />
        )}
        {p.principal.system_admin && (
          <label class="check">
            <input
              type="checkbox"
              checked={sysAdmin}
              onChange={(e) => setSysAdmin(e.currentTarget.checked)}
            />
            System administrator (all tenants)
          </label>
        )}
        <p class="muted small">
          The user is created in tenant <strong>{p.principal.tenant}</strong>, the one you work in.
          To add users to another tenant, switch tenant on your Account page.
        </p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="toolbar">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </form>
      {done &&
        (done.generated !== undefined ? (
          <SecretOnce
            label={`Generated password of ${done.username}`}
            value={done.generated}
            onDone={() => setDone(undefined)}
          />
        ) : (
          <p class="ok" role="status">
            Created {done.username}.
          </p>
        ))}
    </div>
  );
}
