import type { Role, TokenScope } from '../state/index.js';

/**
 * What a request may do inside its tenant. Routes declare the one they need; a principal holds
 * a set. `ingest` is separate from `read`: a write-scoped token (for remote_write) can push
 * samples but not query them.
 */
export type Permission = 'read' | 'ingest' | 'edit' | 'admin';
export const PERMISSIONS: readonly Permission[] = ['read', 'ingest', 'edit', 'admin'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['read'],
  editor: ['read', 'ingest', 'edit'],
  admin: ['read', 'ingest', 'edit', 'admin'],
};

export const SCOPE_PERMISSIONS: Readonly<Record<TokenScope, readonly Permission[]>> = {
  read: ['read'],
  write: ['ingest'],
  admin: ['read', 'ingest', 'edit', 'admin'],
};

/** A token's effective permissions: the lesser (intersection) of its scope and its user's role. */
export function effectivePermissions(role: Role | undefined, scope?: TokenScope): Set<Permission> {
  if (role === undefined) return new Set();
  const fromRole = ROLE_PERMISSIONS[role];
  if (scope === undefined) return new Set(fromRole);
  const fromScope = new Set(SCOPE_PERMISSIONS[scope]);
  return new Set(fromRole.filter((p) => fromScope.has(p)));
}

/** How a request authenticated. */
export type PrincipalKind = 'session' | 'token' | 'password' | 'open';

/** Who is making a request, in which tenant, allowed to do what. Resolved once per request. */
export interface Principal {
  kind: PrincipalKind;
  /** Absent for `open` (config-opened ingestion/metrics). */
  userId?: number;
  /** `alice`, or `open` for config-opened access. */
  username: string;
  /** The tenant every storage/query call of this request uses. Never from a header unless `crossTenant`. */
  tenant: string;
  permissions: ReadonlySet<Permission>;
  /**
   * Server-wide administration (tenants, reload, snapshots, /metrics): a system-admin user acting
   * with `admin` permission (so an admin user's read-scoped token is not a system admin).
   */
  systemAdmin: boolean;
  /**
   * May read server-wide data (/metrics): a system-admin user whose credential has `read`, so a
   * scraper can use a read-scoped token of a system admin, which cannot change anything.
   */
  systemReader?: boolean;
  /** The credential may pick the tenant per request (`X-Scope-OrgID`). */
  crossTenant: boolean;
  tokenId?: string;
  /** Token principals: when the token expires (null: never). */
  expiresAt?: number | null;
  /** Token principals: the token's scope (what `forTenant` grants in another tenant). */
  scope?: TokenScope;
  /** Session principals: the CSRF token state-changing requests must echo. */
  csrfToken?: string;
  /** Session principals: sha256 of the cookie (for logout). */
  sessionHash?: string;
}

/** The audit actor string of a principal. */
export function actorOf(p: Principal): string {
  if (p.kind === 'token') return `token:${p.username}/${p.tokenId ?? '?'}`;
  if (p.kind === 'open') return 'open';
  return `user:${p.username}`;
}
