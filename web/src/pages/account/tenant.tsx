import { useAction } from '../settings/use-action.js';
import { useState } from 'preact/hooks';
import { loginToTenant } from '../../api/access.js';
import type { Principal } from '../../api/types.js';
import { useSession } from '../../app/session.js';
import { Field } from '../settings/field.js';

/**
 * Switch tenant: a session is bound to one tenant, chosen at login, so switching is a new
 * login (password again) with the tenant named; the new session cookie replaces this one.
 */
export function TenantCard({ principal }: { principal: Principal }) {
  const { refresh } = useSession();
  const others = (principal.roles ?? []).filter((r) => r.tenant !== principal.tenant);
  const [tenant, setTenant] = useState(others[0]?.tenant ?? '');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const { busy, error, setError, run } = useAction();
  if (principal.kind !== 'session') return null;
  if (others.length === 0)
    return (
      <div class="card">
        <h2>Tenant</h2>
        <p class="muted">
          You work in tenant <strong>{principal.tenant}</strong>, the only one you have a role in.
          When an administrator gives you a role in another tenant, you can switch to it here.
        </p>
      </div>
    );
  const problem = password === '' ? 'enter your password to switch' : undefined;
  const submit = async (e: Event) => {
    e.preventDefault();
    setTried(true);
    setError(undefined);
    if (problem) return;
    await run(async () => {
      await loginToTenant(principal.username, password, tenant);
      setPassword('');
      setTried(false);
      await refresh();
    });
  };
  return (
    <div class="card">
      <h2>Switch tenant</h2>
      <form class="access-form" noValidate onSubmit={(e) => void submit(e)}>
        <p class="muted small">
          You work in <strong>{principal.tenant}</strong>. Switching logs you in again in the chosen
          tenant.
        </p>
        <div class="row">
          <label for="switch-tenant">
            Tenant
            <select
              id="switch-tenant"
              value={tenant}
              onChange={(e) => setTenant(e.currentTarget.value)}
            >
              {others.map((r) => (
                <option key={r.tenant} value={r.tenant}>
                  {r.tenant} ({r.role})
                </option>
              ))}
            </select>
          </label>
          <Field
            id="switch-password"
            label="Your password"
            type="password"
            autoComplete="current-password"
            value={password}
            onValue={setPassword}
            problem={problem}
            shown={tried}
          />
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="toolbar">
          <button type="submit" class="primary" disabled={busy}>
            Switch tenant
          </button>
        </div>
      </form>
    </div>
  );
}
