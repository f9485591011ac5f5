import { useSession } from '../../app/session.js';
import '../settings/access.css';
import { PasswordCard } from './password.js';
import { TenantCard } from './tenant.js';
import { MyTokensCard } from './tokens.js';

/** /account (from the user menu): who I am, my password, my API tokens, my tenant. */
export default function AccountPage() {
  const { principal } = useSession();
  if (!principal) return null;
  const roles = principal.roles ?? [];
  return (
    <section class="page">
      <h1>Account</h1>
      <div class="card">
        <h2>Who you are</h2>
        <dl class="kv" aria-label="Who you are">
          <dt>User</dt>
          <dd>
            {principal.username}
            {principal.kind !== 'session' && <span class="muted"> ({principal.kind})</span>}
          </dd>
          <dt>Tenant</dt>
          <dd>{principal.tenant}</dd>
          <dt>Roles</dt>
          <dd>
            {roles.length === 0 ? '—' : roles.map((r) => `${r.role} in ${r.tenant}`).join(', ')}
            {principal.system_admin && <span class="badge">system admin</span>}
          </dd>
          <dt>Permissions here</dt>
          <dd>{principal.permissions.join(', ') || '—'}</dd>
        </dl>
      </div>
      <PasswordCard />
      <MyTokensCard />
      <TenantCard principal={principal} />
    </section>
  );
}
