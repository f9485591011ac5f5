import type { FastifyInstance } from 'fastify';
import type { Logger } from '../util/index.js';
import { z } from 'zod';
import { actorOf } from '../auth/index.js';
import { tenantId } from '../model/index.js';
import { parseBody, principalOf } from './access-body.js';
import { ApiError } from './errors.js';
import { parseTime } from './params.js';
import { jsonRoute } from './respond.js';
import type { RouteTable } from './route-table.js';
import { P, param, type AccessDeps } from './access-views.js';

/** Tenants, the audit trail, write-only secrets and limits under /api/argus/v1. */
export function registerTenantRoutes(
  app: FastifyInstance,
  table: RouteTable,
  deps: AccessDeps,
  logger: Logger,
): void {
  const { admin, state } = deps;
  const route = (spec: Parameters<RouteTable['add']>[1]) => table.add(app, spec);

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
  const tenantBody = z.strictObject({ id: z.string() });
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
  const secretBody = z.strictObject({ value: z.string().min(1) });
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
