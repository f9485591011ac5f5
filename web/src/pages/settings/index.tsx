import type { ComponentType } from 'preact';
import { Link } from 'wouter-preact';
import type { Principal } from '../../api/types.js';
import { useSession } from '../../app/session.js';
import './access.css';
import { AuditSection } from './audit.js';
import { LimitsSection } from './limits.js';
import { TenantsSection } from './tenants.js';
import { TokensSection } from './tokens.js';
import { UsersSection } from './users.js';

interface Section {
  id: string;
  label: string;
  component: ComponentType<{ principal: Principal }>;
}
const SECTIONS: Section[] = [
  { id: 'users', label: 'Users', component: UsersSection },
  { id: 'tokens', label: 'Tokens', component: TokensSection },
  { id: 'tenants', label: 'Tenants', component: TenantsSection },
  { id: 'limits', label: 'Limits', component: LimitsSection },
  { id: 'audit', label: 'Audit', component: AuditSection },
];

function isAdmin(p: Principal): boolean {
  return p.system_admin || p.permissions.includes('admin');
}

/**
 * /settings and /settings/:section — administration of the current tenant (and tenants, for
 * system admins). The API enforces the permissions; this page only says early who may use it.
 */
export default function SettingsPage({ params }: { params: Record<string, string | undefined> }) {
  const { principal } = useSession();
  if (!principal) return null;
  if (!isAdmin(principal)) {
    const role = principal.roles?.find((r) => r.tenant === principal.tenant)?.role;
    return (
      <section class="page">
        <h1>Settings</h1>
        <div class="card" role="alert">
          <p>
            <strong>Settings are for administrators.</strong> You are{' '}
            {role ? `a ${role}` : 'signed in without a role'} in tenant{' '}
            <strong>{principal.tenant}</strong>; managing users, tokens and tenants needs the admin
            role.
          </p>
          <p class="muted">
            Ask an administrator of this tenant to change your role. Your own password and API
            tokens are on your <Link href="/account">Account</Link> page.
          </p>
        </div>
      </section>
    );
  }
  const current = SECTIONS.find((s) => s.id === (params.section ?? 'users'));
  return (
    <section class="page">
      <h1>Settings</h1>
      <nav class="access-tabs" aria-label="Settings sections">
        {SECTIONS.map((s) => (
          <Link
            key={s.id}
            href={`/settings/${s.id}`}
            aria-current={s === current ? 'page' : undefined}
          >
            {s.label}
          </Link>
        ))}
      </nav>
      {current ? (
        <current.component principal={principal} />
      ) : (
        <p class="error" role="alert">
          No settings section named “{params.section}”.
        </p>
      )}
    </section>
  );
}
