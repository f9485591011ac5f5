/**
 * Typed wrappers over the access API (/api/argus/v1: me, users, tokens, tenants, limits,
 * audit). The shapes come from the server's route schemas (types.ts); the few routes without an
 * exported schema are spelled out here from docs/user/http-api.md.
 */
import { ApiError, call, get } from './client.js';
import type { Principal, Token, User } from './types.js';

const P = '/api/argus/v1';

export type Role = User['roles'][number]['role'];
export type Scope = Token['scope'];
export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

export interface Tenant {
  id: string;
  created_at: number;
}
export interface AuditEntry {
  seq: number;
  time: number;
  actor: string;
  tenant: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  hash: string;
  prev_hash: string;
}
/** `GET /audit/verify`: the whole chain checked, or where it breaks. */
export type AuditVerdict =
  | { ok: true; entries?: number; firstSeq?: number; lastSeq?: number }
  | { ok: false; seq?: number; reason?: string };
export type NewToken = Token & { token: string };

export const me = () => get<Principal>(`${P}/me`);

/** Ends every session of the caller (the server clears the cookie). */
export const changePassword = (current_password: string, new_password: string) =>
  call<{ sessions_revoked: number }>('POST', `${P}/me/password`, {
    body: { current_password, new_password },
  }).then((a) => a.data);

/**
 * A new session in another tenant (login takes the tenant; the cookie is replaced). Plain
 * fetch, not call(): a wrong password answers 401, which call() would take for the end of the
 * current session and log the UI out, though that session is still fine.
 */
export async function loginToTenant(
  username: string,
  password: string,
  tenant: string,
): Promise<Principal> {
  const res = await fetch(`${P}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password, tenant }),
    credentials: 'same-origin',
  });
  const env = (await res.json().catch(() => ({}))) as {
    status?: string;
    data?: Principal;
    errorType?: string;
    error?: string;
  };
  if (!res.ok || env.status !== 'success' || env.data === undefined) {
    const msg = res.status === 401 ? 'Wrong password.' : (env.error ?? `HTTP ${res.status}`);
    throw new ApiError(res.status, env.errorType ?? 'internal', msg);
  }
  return env.data;
}

export const listUsers = () => get<User[]>(`${P}/users`);
export const createUser = (body: {
  username: string;
  password?: string;
  role: Role;
  service_account: boolean;
  system_admin: boolean;
}) =>
  call<{ user: User; generated_password?: string }>('POST', `${P}/users`, { body }).then(
    (a) => a.data,
  );
export const setUserRole = (username: string, role: Role | null) =>
  call('PUT', `${P}/users/${encodeURIComponent(username)}/role`, { body: { role } });
export const resetPassword = (username: string, password: string) =>
  call<{ sessions_revoked: number }>('PUT', `${P}/users/${encodeURIComponent(username)}/password`, {
    body: { password },
  }).then((a) => a.data);
export const deleteUser = (username: string) =>
  call('DELETE', `${P}/users/${encodeURIComponent(username)}`);

/** Your tokens; `all`: every token of the tenant (admins). */
export const listTokens = (all = false) =>
  get<Token[]>(`${P}/tokens`, all ? { all: 'true' } : undefined);
export const createToken = (body: { name?: string; scope: Scope; expires_in?: string }) =>
  call<NewToken>('POST', `${P}/tokens`, { body }).then((a) => a.data);
export const revokeToken = (id: string) =>
  call<Token>('DELETE', `${P}/tokens/${encodeURIComponent(id)}`).then((a) => a.data);

export const listTenants = () => get<Tenant[]>(`${P}/tenants`);
export const createTenant = (id: string) =>
  call<Tenant>('POST', `${P}/tenants`, { body: { id } }).then((a) => a.data);

export const tenantLimits = () => get<Record<string, number>>(`${P}/limits`);

export const listAudit = (q: { limit: number; before_seq?: number }) =>
  get<AuditEntry[]>(`${P}/audit`, q);
export const verifyAudit = () => get<AuditVerdict>(`${P}/audit/verify`);
