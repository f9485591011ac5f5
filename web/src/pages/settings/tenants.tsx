import { useState } from 'preact/hooks';
import { createTenant, listTenants } from '../../api/access.js';
import type { Principal } from '../../api/types.js';
import { Field } from './field.js';
import { errorText, formatTime } from './format.js';
import { useLoad } from './use-load.js';
import { checkTenant } from './validate.js';

/** Settings › Tenants: the tenants you can see; system admins create new ones. */
export function TenantsSection({ principal }: { principal: Principal }) {
  const tenants = useLoad(listTenants);
  return (
    <>
      {principal.system_admin ? (
        <CreateTenantForm onCreated={tenants.reload} />
      ) : (
        <p class="muted">Only system administrators create tenants.</p>
      )}
      <div class="card">
        <h2>Tenants</h2>
        {tenants.error && (
          <p class="error" role="alert">
            {tenants.error}
          </p>
        )}
        {tenants.data && (
          <div class="table-wrap">
            <table class="access-table" aria-label="Tenants">
              <thead>
                <tr>
                  <th>Tenant</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {tenants.data.map((t) => (
                  <tr key={t.id}>
                    <td data-label="Tenant">
                      {t.id}
                      {t.id === principal.tenant && <span class="badge">current</span>}
                    </td>
                    <td data-label="Created">{formatTime(t.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}

function CreateTenantForm(p: { onCreated(): void }) {
  const [id, setId] = useState('');
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<string>();
  const problem = checkTenant(id);
  const submit = async (e: Event) => {
    e.preventDefault();
    setTried(true);
    setError(undefined);
    if (problem) return;
    try {
      const t = await createTenant(id);
      setCreated(t.id);
      setId('');
      setTried(false);
      p.onCreated();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div class="card">
      <h2>Create a tenant</h2>
      <form class="access-form" noValidate onSubmit={(e) => void submit(e)}>
        <Field
          id="new-tenant"
          label="Tenant id"
          autoComplete="off"
          value={id}
          onValue={setId}
          problem={problem}
          shown={tried}
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {created && (
          <div class="ok" role="status">
            <p>Created tenant {created}. It has no users yet; give someone a role in it with</p>
            <p class="audit-detail">
              <code>{`argus user role <username> --tenant ${created} --role admin`}</code>
            </p>
            <p class="muted small">
              on the server (or an API call with a cross-tenant token and{' '}
              <code>X-Scope-OrgID: {created}</code>). Then they switch to it on their Account page.
            </p>
          </div>
        )}
        <div class="toolbar">
          <button type="submit" class="primary">
            Create tenant
          </button>
        </div>
      </form>
    </div>
  );
}
