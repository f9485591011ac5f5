import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  actorOf,
  PERMISSIONS,
  type AccessAdmin,
  type Authenticator,
  type Principal,
} from '../auth/index.js';
import { tenantId } from '../model/index.js';
import type { SecretService } from '../secrets/index.js';
import { ROLES, TOKEN_SCOPES, type AuditSigner, type StateStore } from '../state/index.js';
import type { TenantLimits } from '../tenancy/index.js';
import type { Logger } from '../util/index.js';
import {
  clearSessionCookie,
  durationField,
  parseBody,
  principalOf,
  sessionCookie,
} from './access-body.js';
import { ApiError } from './errors.js';
import { parseTime } from './params.js';
import { SESSION_COOKIE } from './guard.js';
import { isHttps } from './http-security.js';
import { jsonRoute } from './respond.js';
import type { RouteTable } from './route-table.js';

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

const P = '/api/argus/v1';
const zRole = z.enum(ROLES as [string, ...string[]]);
const zScope = z.enum(TOKEN_SCOPES as [string, ...string[]]);

const loginBody = z.object({
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(4096),
  tenant: z.string().optional().describe('The tenant to work in (default: default, or your first)'),
});
const principalView = z.object({
  username: z.string(),
  kind: z.string(),
  tenant: z.string(),
  permissions: z.array(z.enum(PERMISSIONS as [string, ...string[]])),
  system_admin: z.boolean(),
  cross_tenant: z.boolean(),
  csrf_token: z.string().optional(),
  roles: z.array(z.object({ tenant: z.string(), role: zRole })).optional(),
});
const userView = z.object({
  username: z.string(),
  kind: z.enum(['user', 'service']),
  system_admin: z.boolean(),
  disabled: z.boolean(),
  created_at: z.number(),
  password_changed_at: z.number(),
  roles: z.array(z.object({ tenant: z.string(), role: zRole })),
});
const tokenView = z.object({
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
const usernameParam = z.object({ username: z.string() });

function viewPrincipal(p: Principal) {
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

function viewUser(u: Awaited<ReturnType<AccessAdmin['listUsers']>>[number]) {
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

function viewToken(t: Awaited<ReturnType<AccessAdmin['listTokens']>>[number]) {
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

function param(req: { params: unknown }, name: string): string {
  return String((req.params as Record<string, unknown>)[name]);
}

/** Login, sessions, users, tokens, tenants, audit, secrets and limits under /api/argus/v1. */
export function registerAccessRoutes(
  app: FastifyInstance,
  table: RouteTable,
  deps: AccessDeps,
  logger: Logger,
): void {
  const { admin, state } = deps;
  const route = (spec: Parameters<RouteTable['add']>[1]) => table.add(app, spec);

  route({
    method: 'POST',
    url: `${P}/login`,
    access: { need: 'public' },
    tag: 'Sessions',
    summary: 'Log in with a username and password; sets the session cookie',
    description:
      'Rate-limited per username and per client address (429 with Retry-After). The response carries the CSRF token that state-changing requests with the cookie must send as X-CSRF-Token.',
    body: loginBody,
    response: principalView.extend({ expires_at: z.number() }),
    statuses: { 401: 'Invalid username or password', 429: 'Too many failed logins' },
    handler: jsonRoute(logger, async (req, reply) => {
      const b = parseBody(loginBody, req.body);
      const r = await deps.authenticator.login(b.username, b.password, {
        address: req.ip,
        userAgent: String(req.headers['user-agent'] ?? '').slice(0, 256),
        tenant: b.tenant,
      });
      // The browser keeps the cookie for the session's absolute lifetime; the server ends it
      // earlier when it goes unused (idle timeout), so an active session is never cut short.
      const maxAge = (r.session.createdAt + deps.sessionTtlMs() - Date.now()) / 1000;
      void reply.header(
        'set-cookie',
        sessionCookie(SESSION_COOKIE, r.cookie, maxAge, isHttps(req)),
      );
      return { data: { ...viewPrincipal(r.principal), expires_at: r.session.expiresAt } };
    }),
  });

  route({
    method: 'POST',
    url: `${P}/logout`,
    access: { need: 'authenticated' },
    tag: 'Sessions',
    summary: 'End the current session and clear its cookie',
    response: z.object({}),
    handler: jsonRoute(logger, async (req, reply) => {
      await deps.authenticator.logout(principalOf(req));
      clearSessionCookie(reply, SESSION_COOKIE, isHttps(req));
      return { data: {} };
    }),
  });

  route({
    method: 'GET',
    url: `${P}/me`,
    access: { need: 'authenticated' },
    tag: 'Sessions',
    summary: 'Who am I: user, tenant, permissions, roles (and the CSRF token of a session)',
    response: principalView,
    handler: jsonRoute(logger, async (req) => {
      const p = principalOf(req);
      const roles = p.userId === undefined ? [] : await state.users.memberships(p.userId);
      return {
        data: {
          ...viewPrincipal(p),
          roles: roles.map((r) => ({ tenant: r.tenant, role: r.role })),
        },
      };
    }),
  });

  const passwordBody = z.object({
    current_password: z.string().min(1).max(4096),
    new_password: z.string().min(1).max(4096),
  });
  route({
    method: 'POST',
    url: `${P}/me/password`,
    access: { need: 'authenticated' },
    tag: 'Sessions',
    summary: 'Change your password; every session of yours is revoked (log in again)',
    body: passwordBody,
    response: z.object({ sessions_revoked: z.number() }),
    handler: jsonRoute(logger, async (req, reply) => {
      const p = principalOf(req);
      if (p.userId === undefined || p.kind === 'token')
        throw new ApiError('forbidden', 'cannot change password with an API token: log in');
      const b = parseBody(passwordBody, req.body);
      const n = await deps.authenticator.changePassword(
        p.userId,
        b.current_password,
        b.new_password,
        actorOf(p),
        { address: req.ip },
      );
      clearSessionCookie(reply, SESSION_COOKIE, isHttps(req));
      return { data: { sessions_revoked: n } };
    }),
  });

  // Users: tenant admins manage the users of their tenant.
  route({
    method: 'GET',
    url: `${P}/users`,
    access: { need: 'admin' },
    tag: 'Users',
    summary: "Users with a role in the credential's tenant (never password hashes)",
    response: z.array(userView),
    handler: jsonRoute(logger, async (req) => ({
      data: (await admin.listUsers(principalOf(req).tenant)).map(viewUser),
    })),
  });
  const createUserBody = z.object({
    username: z.string(),
    password: z.string().optional().describe('Omitted: a generated one is returned once'),
    role: zRole.default('viewer'),
    service_account: z.boolean().default(false),
    system_admin: z.boolean().default(false),
  });
  route({
    method: 'POST',
    successStatus: 201,
    url: `${P}/users`,
    access: { need: 'admin' },
    tag: 'Users',
    summary: "Create a user or service account with a role in the credential's tenant",
    body: createUserBody,
    response: z.object({ user: userView, generated_password: z.string().optional() }),
    statuses: { 409: 'The username is taken' },
    handler: jsonRoute(logger, async (req, reply) => {
      const p = principalOf(req);
      const b = parseBody(createUserBody, req.body);
      const r = await admin.createUser(
        {
          username: b.username,
          password: b.password,
          role: b.role,
          tenant: p.tenant,
          service: b.service_account,
          systemAdmin: b.system_admin,
        },
        p,
      );
      void reply.code(201);
      return {
        data: {
          user: viewUser(r.user),
          ...(r.generatedPassword !== undefined ? { generated_password: r.generatedPassword } : {}),
        },
      };
    }),
  });
  const setPasswordBody = z.object({ password: z.string().min(1).max(4096) });
  route({
    method: 'PUT',
    url: `${P}/users/:username/password`,
    access: { need: 'admin' },
    tag: 'Users',
    summary: "Reset a user's password (revokes all their sessions)",
    params: usernameParam,
    body: setPasswordBody,
    response: z.object({ sessions_revoked: z.number() }),
    handler: jsonRoute(logger, async (req) => {
      const b = parseBody(setPasswordBody, req.body);
      const n = await admin.setPassword(param(req, 'username'), b.password, principalOf(req));
      return { data: { sessions_revoked: n } };
    }),
  });
  const roleBody = z.object({ role: zRole.nullable().describe('null removes the role') });
  route({
    method: 'PUT',
    url: `${P}/users/:username/role`,
    access: { need: 'admin' },
    tag: 'Users',
    summary: "Grant, change or (null) remove a user's role in the credential's tenant",
    params: usernameParam,
    body: roleBody,
    response: z.object({}),
    handler: jsonRoute(logger, async (req) => {
      const p = principalOf(req);
      const b = parseBody(roleBody, req.body);
      await admin.setRole(param(req, 'username'), p.tenant, b.role, p);
      return { data: {} };
    }),
  });
  route({
    method: 'DELETE',
    url: `${P}/users/:username`,
    access: { need: 'admin' },
    tag: 'Users',
    summary: 'Delete a user with their roles, tokens and sessions',
    params: usernameParam,
    response: z.object({}),
    handler: jsonRoute(logger, async (req) => {
      await admin.deleteUser(param(req, 'username'), principalOf(req));
      return { data: {} };
    }),
  });

  // Tokens: everyone manages their own; admins also their tenant's (service accounts).
  route({
    method: 'GET',
    url: `${P}/tokens`,
    access: { need: 'read' },
    tag: 'Tokens',
    summary: 'Your API tokens; admins: ?all=true for every token of the tenant',
    query: z.object({ all: z.enum(['true', 'false']).optional() }),
    response: z.array(tokenView),
    handler: jsonRoute(logger, async (req) => {
      const p = principalOf(req);
      const all = (req.query as { all?: string }).all === 'true';
      if (all && !p.permissions.has('admin'))
        throw new ApiError(
          'forbidden',
          'listing every token of the tenant needs permission "admin"',
        );
      const rows = await admin.listTokens({
        tenant: p.tenant,
        ...(all ? {} : { username: p.username }),
      });
      return { data: rows.map(viewToken) };
    }),
  });
  const createTokenBody = z.object({
    name: z.string().max(128).optional(),
    scope: zScope,
    username: z.string().optional().describe('Another user or service account (admins only)'),
    expires_in: z.string().optional().describe('A duration like 90d; default: never'),
    cross_tenant: z.boolean().default(false).describe('System admins only'),
  });
  route({
    method: 'POST',
    successStatus: 201,
    url: `${P}/tokens`,
    access: { need: 'authenticated' },
    tag: 'Tokens',
    summary: 'Create an API token; the secret is in this response only',
    description:
      "The token acts in the credential's tenant with the lesser of its scope and its user's role there. A credential can only create tokens whose scope it holds itself (a write token cannot create an admin token); another user's token only for accounts the caller fully manages.",
    body: createTokenBody,
    response: tokenView.extend({ token: z.string() }),
    handler: jsonRoute(logger, async (req, reply) => {
      const p = principalOf(req);
      const b = parseBody(createTokenBody, req.body);
      const username = b.username ?? p.username;
      if (username !== p.username && !p.permissions.has('admin'))
        throw new ApiError('forbidden', 'creating another user\'s token needs permission "admin"');
      const r = await admin.createToken(
        {
          username,
          tenant: p.tenant,
          name: b.name,
          scope: b.scope,
          expiresInMs: durationField('expires_in', b.expires_in),
          crossTenant: b.cross_tenant,
        },
        p,
      );
      void reply.code(201);
      return { data: { ...viewToken(r.row), token: r.token } };
    }),
  });
  route({
    method: 'DELETE',
    url: `${P}/tokens/:id`,
    access: { need: 'authenticated' },
    tag: 'Tokens',
    summary: 'Revoke a token (yours, or any of the tenant for admins)',
    params: z.object({ id: z.string() }),
    response: tokenView,
    handler: jsonRoute(logger, async (req) => {
      const p = principalOf(req);
      const id = param(req, 'id');
      if (!p.permissions.has('admin')) {
        const mine = await admin.listTokens({ username: p.username, tenant: p.tenant });
        if (!mine.some((t) => t.id === id))
          throw new ApiError('not_found', `cannot revoke token: no token ${JSON.stringify(id)}`);
      }
      return { data: viewToken(await admin.revokeToken(id, p)) };
    }),
  });

  // Tenants.
  const tenantView = z.object({ id: z.string(), created_at: z.number() });
  route({
    method: 'GET',
    url: `${P}/tenants`,
    access: { need: 'authenticated' },
    tag: 'Tenants',
    summary: 'Tenants: all for system admins, else those you have a role in',
    response: z.array(tenantView),
    handler: jsonRoute(logger, async (req) => {
      const p = principalOf(req);
      let rows = await admin.listTenants();
      if (!p.systemAdmin) {
        const mine = new Set(
          p.userId === undefined
            ? [p.tenant]
            : (await state.users.memberships(p.userId)).map((m) => m.tenant),
        );
        rows = rows.filter((t) => mine.has(t.id));
      }
      return { data: rows.map((t) => ({ id: t.id, created_at: t.createdAt })) };
    }),
  });
  const tenantBody = z.object({ id: z.string() });
  route({
    method: 'POST',
    successStatus: 201,
    url: `${P}/tenants`,
    access: { need: 'system' },
    tag: 'Tenants',
    summary: 'Create a tenant',
    body: tenantBody,
    response: tenantView,
    statuses: { 409: 'The tenant exists' },
    handler: jsonRoute(logger, async (req, reply) => {
      const t = await admin.createTenant(parseBody(tenantBody, req.body).id, principalOf(req));
      void reply.code(201);
      return { data: { id: t.id, created_at: t.createdAt } };
    }),
  });

  // Audit trail.
  const auditQuery = z.object({
    actor: z.string().optional(),
    action: z.string().optional(),
    tenant: z.string().optional().describe('System admins only; default: your tenant'),
    from: z.string().optional().describe('Unix seconds or RFC 3339'),
    to: z.string().optional().describe('Unix seconds or RFC 3339'),
    limit: z.string().optional().describe('Default 100, max 1000'),
    before_seq: z.string().optional().describe('Paging: entries older than this seq'),
  });
  const num = (name: string, s: string | undefined) => {
    if (s === undefined || s === '') return undefined;
    if (!/^\d+$/.test(s))
      throw new ApiError(
        'bad_data',
        `invalid parameter "${name}": want an integer, got ${JSON.stringify(s)}`,
      );
    return Number(s);
  };
  route({
    method: 'GET',
    url: `${P}/audit`,
    access: { need: 'admin' },
    tag: 'Audit',
    summary: 'Audit trail entries, newest first (hash-chained; secrets redacted)',
    query: auditQuery,
    response: z.array(
      z.object({
        seq: z.number(),
        time: z.number(),
        actor: z.string(),
        tenant: z.string(),
        action: z.string(),
        target: z.string(),
        before: z.unknown(),
        after: z.unknown(),
        hash: z.string(),
        prev_hash: z.string(),
      }),
    ),
    handler: jsonRoute(logger, async (req) => {
      const p = principalOf(req);
      const q = parseBody(auditQuery, req.query);
      if (q.tenant !== undefined && q.tenant !== p.tenant && !p.systemAdmin)
        throw new ApiError(
          'forbidden',
          "reading another tenant's audit trail needs a system administrator",
        );
      if (q.tenant !== undefined) tenantId(q.tenant); // 400 for a malformed tenant id
      const tenant = q.tenant ?? (p.systemAdmin ? undefined : p.tenant);
      const limit = num('limit', q.limit);
      if (limit !== undefined && (limit < 1 || limit > 1000))
        throw new ApiError('bad_data', `invalid parameter "limit": want 1-1000, got ${limit}`);
      const rows = await state.audit.list({
        tenant,
        actor: q.actor,
        action: q.action,
        from: q.from === undefined || q.from === '' ? undefined : parseTime('from', q.from),
        to: q.to === undefined || q.to === '' ? undefined : parseTime('to', q.to),
        limit,
        beforeSeq: num('before_seq', q.before_seq),
      });
      return {
        data: rows.map((e) => ({
          seq: e.seq,
          time: e.time,
          actor: e.actor,
          tenant: e.tenant,
          action: e.action,
          target: e.target,
          before: e.before,
          after: e.after,
          hash: e.hash,
          prev_hash: e.prevHash,
        })),
      };
    }),
  });
  route({
    method: 'GET',
    url: `${P}/audit/verify`,
    access: { need: 'system' },
    tag: 'Audit',
    summary: 'Verify the whole audit hash chain (and its signed checkpoint)',
    response: z.object({ ok: z.boolean() }).passthrough(),
    handler: jsonRoute(logger, async () => ({ data: await state.audit.verify(deps.auditSigner) })),
  });

  // Secrets: write-only.
  const secretView = z.object({
    name: z.string(),
    updated_at: z.number(),
    value: z.literal('<secret>'),
  });
  const secretName = z.object({ name: z.string() });
  route({
    method: 'GET',
    url: `${P}/secrets`,
    access: { need: 'admin' },
    tag: 'Secrets',
    summary: "The tenant's secrets (names only: values are write-only, shown as <secret>)",
    response: z.array(secretView),
    handler: jsonRoute(logger, async (req) => {
      const rows = await deps.secrets.list(tenantId(principalOf(req).tenant));
      return {
        data: rows.map((s) => ({ name: s.name, updated_at: s.updatedAt, value: s.value })),
      };
    }),
  });
  const secretBody = z.object({ value: z.string().min(1) });
  route({
    method: 'PUT',
    url: `${P}/secrets/:name`,
    access: { need: 'admin' },
    tag: 'Secrets',
    summary: 'Create or replace a secret (encrypted at rest; never returned)',
    params: secretName,
    body: secretBody,
    response: z.object({ name: z.string(), value: z.literal('<secret>') }),
    handler: jsonRoute(logger, async (req) => {
      const p = principalOf(req);
      const name = param(req, 'name');
      await deps.secrets.put(
        tenantId(p.tenant),
        name,
        parseBody(secretBody, req.body).value,
        actorOf(p),
      );
      return { data: { name, value: '<secret>' as const } };
    }),
  });
  route({
    method: 'DELETE',
    url: `${P}/secrets/:name`,
    access: { need: 'admin' },
    tag: 'Secrets',
    summary: 'Delete a secret',
    params: secretName,
    response: z.object({}),
    handler: jsonRoute(logger, async (req) => {
      const p = principalOf(req);
      const name = param(req, 'name');
      if (!(await deps.secrets.delete(tenantId(p.tenant), name, actorOf(p))))
        throw new ApiError('not_found', `no secret ${JSON.stringify(name)}`);
      return { data: {} };
    }),
  });

  route({
    method: 'GET',
    url: `${P}/limits`,
    access: { need: 'read' },
    tag: 'Tenants',
    summary: "The credential's tenant's effective limits",
    response: z.record(z.string(), z.number()),
    handler: jsonRoute(logger, async (req) => ({
      data: { ...deps.limits.for(tenantId(principalOf(req).tenant)) },
    })),
  });
}
