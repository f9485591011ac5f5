import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.js';
import {
  DashboardConflictError,
  DashboardNotFoundError,
  DashboardReadOnlyError,
  DashboardValidationError,
  toArgusDashboard,
  type DashboardMeta,
  type DashboardStore,
  type StoredDashboard,
} from '../dashboards/index.js';
import type { Logger } from '../util/index.js';
import { parseBody, principalOf } from './access-body.js';
import { P, param } from './access-views.js';
import { ApiError } from './errors.js';
import { errorReply, jsonRoute, mapErrors } from './respond.js';
import type { RouteTable } from './route-table.js';

/** Dashboards are bigger than the default 1 MiB body; the format's own limits still apply. */
const BODY_LIMIT = 2 * 1024 * 1024;
const D = `${P}/dashboards`;

/** A fresh uid: 11 URL-safe characters. */
export const newUid = (): string => randomBytes(8).toString('base64url');

const metaView = z.object({
  uid: z.string(),
  title: z.string(),
  tags: z.array(z.string()),
  version: z.number(),
  created_at: z.number(),
  created_by: z.string(),
  updated_at: z.number(),
  updated_by: z.string(),
  provisioned: z.boolean().describe('Read-only: from a file in dashboards.provisioning_dir'),
  provisioned_file: z.string().nullable(),
});
const zDashboardJson = z
  .record(z.string(), z.unknown())
  .describe('A dashboard (docs/format/dashboard.md)');
const fullView = metaView.extend({ dashboard: zDashboardJson });
const versionView = z.object({
  version: z.number(),
  author: z.string(),
  time: z.number(),
  message: z.string(),
});

function viewMeta(m: DashboardMeta): z.output<typeof metaView> {
  return {
    uid: m.uid,
    title: m.title,
    tags: m.tags,
    version: m.version,
    created_at: m.createdAt,
    created_by: m.createdBy,
    updated_at: m.updatedAt,
    updated_by: m.updatedBy,
    provisioned: m.provisionedFile !== null,
    provisioned_file: m.provisionedFile,
  };
}
const viewFull = (d: StoredDashboard) => ({ ...viewMeta(d), dashboard: d.dashboard });

/** The module's errors in the API's closed set. */
const mapped = mapErrors([
  [DashboardValidationError, 'bad_data'],
  [DashboardNotFoundError, 'not_found'],
  [DashboardConflictError, 'conflict'],
  [DashboardReadOnlyError, 'forbidden'],
]);

function versionParam(req: FastifyRequest): number {
  const s = param(req, 'n');
  const n = Number(s);
  if (!/^\d{1,9}$/.test(s) || n < 1)
    throw new ApiError(
      'bad_data',
      `invalid parameter "n": expected a version number, got ${JSON.stringify(s)}`,
    );
  return n;
}

const uidParams = z.object({ uid: z.string() });
const versionParams = z.object({ uid: z.string(), n: z.string() });
const createBody = z.strictObject({
  dashboard: zDashboardJson.describe('A dashboard; a missing uid is generated'),
  message: z.string().max(512).optional(),
});
const updateBody = z.strictObject({
  dashboard: zDashboardJson,
  version: z.number().int().positive().describe('The version this edit started from'),
  message: z.string().max(512).optional(),
});

/** Dashboards of the credential's tenant under /api/argus/v1/dashboards. */
export function registerDashboardRoutes(
  app: FastifyInstance,
  table: RouteTable,
  store: DashboardStore,
  logger: Logger,
): void {
  const route = (spec: Parameters<RouteTable['add']>[1]) => table.add(app, spec);
  const must = async (tenant: string, uid: string): Promise<StoredDashboard> => {
    const d = await store.get(tenant, uid);
    if (d === undefined)
      throw new ApiError('not_found', `dashboard ${JSON.stringify(uid)} not found`);
    return d;
  };

  route({
    method: 'GET',
    url: D,
    access: { need: 'read' },
    tag: 'Dashboards',
    summary: "The tenant's dashboards (no JSON), by title; ?tag= and ?q= (title substring) filter",
    query: z.object({ tag: z.string().optional(), q: z.string().optional() }),
    response: z.array(metaView),
    handler: jsonRoute(logger, async (req) => {
      const { tag, q } = req.query as { tag?: string; q?: string };
      const needle = q?.toLowerCase();
      const rows = (await store.list(principalOf(req).tenant)).filter(
        (m) =>
          (tag === undefined || m.tags.includes(tag)) &&
          (needle === undefined || m.title.toLowerCase().includes(needle)),
      );
      return { data: rows.map(viewMeta) };
    }),
  });
  route({
    method: 'POST',
    url: D,
    successStatus: 201,
    access: { need: 'edit' },
    tag: 'Dashboards',
    summary: 'Create a dashboard (version 1)',
    body: createBody,
    response: fullView,
    statuses: { 409: 'The uid is taken' },
    options: { bodyLimit: BODY_LIMIT },
    handler: jsonRoute(
      logger,
      mapped(async (req, reply) => {
        const p = principalOf(req);
        const b = parseBody(createBody, req.body);
        const { dashboard } = toArgusDashboard(b.dashboard, newUid);
        void reply.code(201);
        return { data: viewFull(await store.create(p.tenant, dashboard, actorOf(p), b.message)) };
      }),
    ),
  });
  route({
    method: 'GET',
    url: `${D}/:uid`,
    access: { need: 'read' },
    tag: 'Dashboards',
    summary: 'One dashboard with its JSON and version',
    params: uidParams,
    response: fullView,
    statuses: { 404: 'No such dashboard' },
    handler: jsonRoute(logger, async (req) => ({
      data: viewFull(await must(principalOf(req).tenant, param(req, 'uid'))),
    })),
  });
  route({
    method: 'PUT',
    url: `${D}/:uid`,
    access: { need: 'edit' },
    tag: 'Dashboards',
    summary: 'Save a new version; `version` must be the stored one',
    params: uidParams,
    body: updateBody,
    response: fullView,
    statuses: {
      404: 'No such dashboard',
      409: 'Saved by someone else since `version`: reload and apply the change again',
      403: 'Provisioned dashboards are read-only',
    },
    options: { bodyLimit: BODY_LIMIT },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const p = principalOf(req);
        const uid = param(req, 'uid');
        const b = parseBody(updateBody, req.body);
        if (b.dashboard.uid !== undefined && b.dashboard.uid !== uid)
          throw new ApiError(
            'bad_data',
            `invalid request field "dashboard.uid": ${JSON.stringify(b.dashboard.uid)} differs from the URL's ${JSON.stringify(uid)}`,
          );
        const { dashboard } = toArgusDashboard({ ...b.dashboard, uid }, () => uid);
        return {
          data: viewFull(await store.update(p.tenant, dashboard, b.version, actorOf(p), b.message)),
        };
      }),
    ),
  });
  route({
    method: 'DELETE',
    url: `${D}/:uid`,
    access: { need: 'edit' },
    tag: 'Dashboards',
    summary: 'Delete a dashboard and its versions (the audit trail keeps the record)',
    params: uidParams,
    response: z.object({}),
    statuses: { 404: 'No such dashboard', 403: 'Provisioned dashboards are read-only' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const p = principalOf(req);
        await store.delete(p.tenant, param(req, 'uid'), actorOf(p));
        return { data: {} };
      }),
    ),
  });
  route({
    method: 'GET',
    url: `${D}/:uid/versions`,
    access: { need: 'read' },
    tag: 'Dashboards',
    summary: 'Saved versions, newest first (JSON not included)',
    params: uidParams,
    response: z.array(versionView),
    statuses: { 404: 'No such dashboard' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => ({
        data: await store.versions(principalOf(req).tenant, param(req, 'uid')),
      })),
    ),
  });
  route({
    method: 'GET',
    url: `${D}/:uid/versions/:n`,
    access: { need: 'read' },
    tag: 'Dashboards',
    summary: 'One saved version with its JSON',
    params: versionParams,
    response: versionView.extend({ dashboard: zDashboardJson }),
    statuses: { 404: 'No such dashboard or version' },
    handler: jsonRoute(logger, async (req) => {
      const uid = param(req, 'uid');
      const n = versionParam(req);
      const v = await store.version(principalOf(req).tenant, uid, n);
      if (v === undefined)
        throw new ApiError('not_found', `dashboard ${JSON.stringify(uid)} has no version ${n}`);
      return { data: v };
    }),
  });
  route({
    method: 'POST',
    url: `${D}/:uid/versions/:n/restore`,
    access: { need: 'edit' },
    tag: 'Dashboards',
    summary: "Save version n's JSON as a new version",
    params: versionParams,
    response: fullView,
    statuses: { 404: 'No such dashboard or version', 403: 'Provisioned dashboards are read-only' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const p = principalOf(req);
        return {
          data: viewFull(
            await store.restore(p.tenant, param(req, 'uid'), versionParam(req), actorOf(p)),
          ),
        };
      }),
    ),
  });
  route({
    method: 'GET',
    url: `${D}/:uid/export`,
    access: { need: 'read' },
    tag: 'Dashboards',
    summary: 'The dashboard JSON as a file download (import it elsewhere, or provision it)',
    params: uidParams,
    response: {
      contentType: 'application/json',
      description: 'The dashboard JSON (docs/format/dashboard.md)',
    },
    statuses: { 404: 'No such dashboard' },
    handler: async (req, reply) => {
      try {
        const d = await must(principalOf(req).tenant, param(req, 'uid'));
        // The uid's alphabet is [A-Za-z0-9_-]: safe in the header as is.
        return await reply
          .type('application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="${d.uid}.json"`)
          .send(`${JSON.stringify(d.dashboard, null, 2)}\n`);
      } catch (err) {
        return errorReply(logger, req, reply, err);
      }
    },
  });
  const importBody = z
    .record(z.string(), z.unknown())
    .describe(
      'An Argus or Grafana dashboard JSON, or {dashboard, overwrite?, message?} (a Grafana API export {dashboard, meta} works too)',
    );
  route({
    method: 'POST',
    url: `${D}/import`,
    successStatus: 201,
    access: { need: 'edit' },
    tag: 'Dashboards',
    summary:
      'Import a dashboard JSON (Argus or Grafana); a taken uid gets a new one unless overwrite',
    description:
      'Grafana dashboards are converted best-effort (timeseries/graph, stat, gauge, bar gauge, table and text panels with PromQL targets; label_values() variables); what was dropped is listed in `warnings`. With `overwrite` (body field or ?overwrite=true) a dashboard with the same uid is replaced by a new version.',
    query: z.object({ overwrite: z.enum(['true', 'false']).optional() }),
    body: importBody,
    response: fullView.extend({
      converted_from: z.enum(['grafana']).nullable(),
      uid_changed: z.boolean(),
    }),
    statuses: { 403: 'Overwriting a provisioned dashboard' },
    options: { bodyLimit: BODY_LIMIT },
    handler: jsonRoute(
      logger,
      mapped(async (req, reply) => {
        const p = principalOf(req);
        const body = parseBody(importBody, req.body);
        const wrapped =
          typeof body.dashboard === 'object' && body.dashboard !== null && !('meta' in body);
        const value = wrapped ? body.dashboard : body;
        const overwrite =
          (wrapped && body.overwrite === true) ||
          (req.query as { overwrite?: string }).overwrite === 'true';
        const message =
          wrapped && typeof body.message === 'string' ? body.message.slice(0, 512) : 'imported';
        const c = toArgusDashboard(value, newUid);
        const warnings = [...c.warnings];
        const existing = await store.get(p.tenant, c.dashboard.uid);
        let saved: StoredDashboard;
        let uidChanged = false;
        if (existing !== undefined && overwrite) {
          saved = await store.update(p.tenant, c.dashboard, existing.version, actorOf(p), message);
        } else {
          if (existing !== undefined) {
            const uid = newUid();
            warnings.push(
              `uid ${JSON.stringify(c.dashboard.uid)} is taken by "${existing.dashboard.title}"; imported as ${uid}` +
                (existing.dashboard.title === c.dashboard.title ? ' titled "… (copy)"' : ''),
            );
            c.dashboard.uid = uid;
            // Two rows with one title cannot be told apart in the list.
            if (existing.dashboard.title === c.dashboard.title)
              c.dashboard.title = `${c.dashboard.title} (copy)`.slice(0, 256);
            uidChanged = true;
          }
          saved = await store.create(p.tenant, c.dashboard, actorOf(p), message);
        }
        void reply.code(201);
        return {
          data: { ...viewFull(saved), converted_from: c.convertedFrom, uid_changed: uidChanged },
          warnings,
        };
      }),
    ),
  });
}
