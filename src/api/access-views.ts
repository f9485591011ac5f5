import { z } from 'zod';
import {
  PERMISSIONS,
  type AccessAdmin,
  type Authenticator,
  type Principal,
} from '../auth/index.js';
import type { SecretService } from '../secrets/index.js';
import { ROLES, TOKEN_SCOPES, type AuditSigner, type StateStore } from '../state/index.js';
import type { TenantLimits } from '../tenancy/index.js';

/** What the access routes need (built by the server's wiring). */
export interface AccessDeps {
  state: StateStore;
  authenticator: Authenticator;
  admin: AccessAdmin;
  secrets: SecretService;
  limits: TenantLimits;
  auditSigner: AuditSigner;
  /** `auth.session_ttl` of the current config (the cookie's Max-Age). */
  sessionTtlMs(): number;
}

export const P = '/api/argus/v1';
export const zRole = z.enum(ROLES as [string, ...string[]]);
export const zScope = z.enum(TOKEN_SCOPES as [string, ...string[]]);

export const loginBody = z.strictObject({
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(4096),
  tenant: z.string().optional().describe('The tenant to work in (default: default, or your first)'),
});
export const principalView = z.object({
  username: z.string(),
  kind: z.string(),
  tenant: z.string(),
  permissions: z.array(z.enum(PERMISSIONS as [string, ...string[]])),
  system_admin: z.boolean(),
  cross_tenant: z.boolean(),
  csrf_token: z.string().optional(),
  roles: z.array(z.object({ tenant: z.string(), role: zRole })).optional(),
});
export const userView = z.object({
  username: z.string(),
  kind: z.enum(['user', 'service']),
  system_admin: z.boolean(),
  disabled: z.boolean(),
  created_at: z.number(),
  password_changed_at: z.number(),
  roles: z.array(z.object({ tenant: z.string(), role: zRole })),
});
export const tokenView = z.object({
  id: z.string(),
  username: z.string(),
  tenant: z.string(),
  name: z.string(),
  scope: zScope,
  cross_tenant: z.boolean(),
  created_at: z.number(),
  expires_at: z.number().nullable(),
  last_used_at: z.number().nullable(),
  revoked_at: z.number().nullable(),
});
export const usernameParam = z.object({ username: z.string() });

export function viewPrincipal(p: Principal) {
  return {
    username: p.username,
    kind: p.kind,
    tenant: p.tenant,
    permissions: [...p.permissions],
    system_admin: p.systemAdmin,
    cross_tenant: p.crossTenant,
    ...(p.csrfToken !== undefined ? { csrf_token: p.csrfToken } : {}),
  };
}

export function viewUser(u: Awaited<ReturnType<AccessAdmin['listUsers']>>[number]) {
  return {
    username: u.username,
    kind: u.kind,
    system_admin: u.systemAdmin,
    disabled: u.disabled,
    created_at: u.createdAt,
    password_changed_at: u.passwordChangedAt,
    roles: u.roles,
  };
}

export function viewToken(t: Awaited<ReturnType<AccessAdmin['listTokens']>>[number]) {
  return {
    id: t.id,
    username: t.username,
    tenant: t.tenant,
    name: t.name,
    scope: t.scope,
    cross_tenant: t.crossTenant,
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    last_used_at: t.lastUsedAt,
    revoked_at: t.revokedAt,
  };
}

export function param(req: { params: unknown }, name: string): string {
  return String((req.params as Record<string, unknown>)[name]);
}
