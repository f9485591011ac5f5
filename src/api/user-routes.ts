import type { FastifyInstance } from 'fastify';
import type { Logger } from '../util/index.js';
import { z } from 'zod';
import { durationField, parseBody, principalOf } from './access-body.js';
import { ApiError } from './errors.js';
import { jsonRoute } from './respond.js';
import type { RouteTable } from './route-table.js';
import {
  P,
  zRole,
  zScope,
  userView,
  tokenView,
  usernameParam,
  viewUser,
  viewToken,
  param,
  type AccessDeps,
} from './access-views.js';

/** Users and API tokens of the credential's tenant under /api/argus/v1. */
export function registerUserRoutes(
  app: FastifyInstance,
  table: RouteTable,
  deps: AccessDeps,
  logger: Logger,
): void {
  const { admin } = deps;
  const route = (spec: Parameters<RouteTable['add']>[1]) => table.add(app, spec);

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
  const createUserBody = z.strictObject({
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
  const setPasswordBody = z.strictObject({ password: z.string().min(1).max(4096) });
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
  const roleBody = z.strictObject({ role: zRole.nullable().describe('null removes the role') });
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
  const createTokenBody = z.strictObject({
    name: z.string().max(128).optional(),
    scope: zScope,
    username: z.string().optional().describe('Another user or service account (admins only)'),
    expires_in: z.string().optional().describe('A duration like 90d; default: never'),
    cross_tenant: z.boolean().default(false).describe('System admins only'),
  });
  route({
    method: 'POST',
    successStatus: 201,
    statuses: { 409: 'A live token of this user has that name' },
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
}
