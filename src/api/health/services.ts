import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../../auth/index.js';
import type { Logger } from '../../util/index.js';
import { parseBody, principalOf } from '../access-body.js';
import { P, param } from '../access-views.js';
import { ApiError, badParam } from '../errors.js';
import { jsonRoute } from '../respond.js';
import type { RouteTable } from '../route-table.js';
import { MAX_HISTORY_LIMIT, MAX_HISTORY_SPAN } from './checks.js';
import { bodyTime, humanSpan, limitParam, rangeParams } from './params.js';
import { mapped, notFound, queryOf, TAG, withName } from './respond.js';
import {
  eventView,
  maintenanceBody,
  maintenanceView,
  nameParam,
  overallView,
  rangeQuery,
  saveBody,
  serviceView,
  sloView,
  uptimeView,
} from './schemas.js';
import type { HealthApiSource } from './source.js';

const S = `${P}/services`;
const DAY = 86_400_000;
/** The longest maintenance window: longer ones are better modelled as disabling the service. */
export const MAX_MAINTENANCE_MS = 90 * DAY;

/** Services (CRUD, health with root cause, uptime, SLO, history), overall health, maintenance. */
export function registerServiceRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: HealthApiSource,
  logger: Logger,
): void {
  const existing = async (tenant: string, name: string) => {
    const s = await source.service(tenant, name);
    if (s === undefined) throw notFound('service', name);
    return s;
  };
  table.add(app, {
    method: 'GET',
    url: S,
    access: { need: 'read' },
    tag: TAG,
    summary: "The tenant's services with their status and root causes",
    response: z.array(serviceView),
    handler: jsonRoute(logger, async (req) => ({
      data: await source.services(principalOf(req).tenant),
    })),
  });
  for (const [suffix, summary] of [
    ['', 'One service: definition, status, checks'],
    [
      '/health',
      'A service’s health: status, its checks’ states, and the root cause (`impacted_by`)',
    ],
  ] as const) {
    table.add(app, {
      method: 'GET',
      url: `${S}/:name${suffix}`,
      access: { need: 'read' },
      tag: TAG,
      summary,
      params: nameParam,
      response: serviceView,
      statuses: { 404: 'No such service' },
      handler: jsonRoute(logger, async (req) => ({
        data: await existing(principalOf(req).tenant, param(req, 'name')),
      })),
    });
  }
  table.add(app, {
    method: 'PUT',
    url: `${S}/:name`,
    access: { need: 'edit' },
    tag: TAG,
    summary:
      'Create (no version) or replace (the version it edited) a service; dependency cycles are rejected naming the cycle',
    description:
      'A validation error (400) lists every problem. Services from argus.yml are read-only (409).',
    params: nameParam,
    body: saveBody,
    response: serviceView,
    statuses: {
      404: 'Replacing a service that does not exist',
      409: 'It exists (create), was saved since `version`, or is provisioned',
    },
    options: { bodyLimit: 256 * 1024 },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const p = principalOf(req);
        const name = param(req, 'name');
        const b = parseBody(saveBody, req.body);
        const def = withName(b.definition, name);
        return { data: await source.saveService(p.tenant, name, def, actorOf(p), b.version) };
      }),
    ),
  });
  table.add(app, {
    method: 'DELETE',
    url: `${S}/:name`,
    access: { need: 'edit' },
    tag: TAG,
    summary: 'Delete an API-managed service (audited; its checks stay)',
    params: nameParam,
    response: z.object({}),
    statuses: { 404: 'No such service', 409: 'Provisioned, or other services depend on it' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const p = principalOf(req);
        await source.deleteService(p.tenant, param(req, 'name'), actorOf(p));
        return { data: {} };
      }),
    ),
  });
  table.add(app, {
    method: 'GET',
    url: `${S}/:name/uptime`,
    access: { need: 'read' },
    tag: TAG,
    summary: "A service's uptime over 24 h / 7 d / 30 d / 90 d and per day for 90 days",
    params: nameParam,
    response: uptimeView,
    statuses: { 404: 'No such service' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const tenant = principalOf(req).tenant;
        const name = param(req, 'name');
        await existing(tenant, name);
        return { data: await source.uptime(tenant, 'service', name) };
      }),
    ),
  });
  table.add(app, {
    method: 'GET',
    url: `${S}/:name/slo`,
    access: { need: 'read' },
    tag: TAG,
    summary: "A service's SLO: target, availability over the window, error budget remaining",
    params: nameParam,
    response: sloView,
    statuses: { 404: 'No such service, or it has no SLO target' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const tenant = principalOf(req).tenant;
        const name = param(req, 'name');
        await existing(tenant, name);
        const slo = await source.slo(tenant, name);
        if (slo === undefined)
          throw new ApiError(
            'not_found',
            `service ${JSON.stringify(name)} has no SLO target (set "slo" in its definition)`,
          );
        return { data: slo };
      }),
    ),
  });
  table.add(app, {
    method: 'GET',
    url: `${S}/:name/history`,
    access: { need: 'read' },
    tag: TAG,
    summary: "A service's status changes (with the root cause then); default the last 30 days",
    params: nameParam,
    query: rangeQuery.extend({ limit: z.string().optional() }),
    response: z.array(eventView),
    statuses: { 404: 'No such service' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const tenant = principalOf(req).tenant;
        const name = param(req, 'name');
        const q = queryOf(req.url);
        const r = rangeParams(q, Date.now(), 30 * DAY, MAX_HISTORY_SPAN);
        const limit = limitParam(q, 100, MAX_HISTORY_LIMIT);
        await existing(tenant, name);
        return { data: await source.history(tenant, 'service', name, r.from, r.to, limit) };
      }),
    ),
  });
  table.add(app, {
    method: 'GET',
    url: `${P}/health`,
    access: { need: 'read' },
    tag: TAG,
    summary:
      "The tenant's overall health: worst status, root causes, every service (the server's own liveness is /-/healthy)",
    response: overallView,
    handler: jsonRoute(logger, async (req) => ({
      data: await source.health(principalOf(req).tenant),
    })),
  });
  registerMaintenanceRoutes(app, table, source, logger);
}

function registerMaintenanceRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: HealthApiSource,
  logger: Logger,
): void {
  const M = `${P}/maintenance`;
  table.add(app, {
    method: 'GET',
    url: M,
    access: { need: 'read' },
    tag: TAG,
    summary: 'Maintenance windows (current and upcoming), optionally of one service',
    query: z.object({ service: z.string().optional() }),
    response: z.array(maintenanceView),
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const s = queryOf(req.url).get('service');
        return {
          data: await source.maintenance(
            principalOf(req).tenant,
            s === null || s === '' ? undefined : s,
          ),
        };
      }),
    ),
  });
  table.add(app, {
    method: 'POST',
    url: M,
    access: { need: 'edit' },
    tag: TAG,
    summary: 'Schedule a maintenance window: mutes the service and its checks (audited)',
    description: `Times are ms since the epoch or RFC 3339; the end after the start; at most ${MAX_MAINTENANCE_MS / DAY} days long.`,
    body: maintenanceBody,
    response: maintenanceView,
    successStatus: 201,
    statuses: { 201: 'Created', 404: 'No such service' },
    handler: jsonRoute(
      logger,
      mapped(async (req, reply) => {
        const p = principalOf(req);
        const b = parseBody(maintenanceBody, req.body);
        const time = (field: string, v: number | string) => {
          const ms = bodyTime(v);
          if (ms === undefined)
            throw new ApiError(
              'bad_data',
              `invalid request field "${field}": want ms since the epoch or RFC 3339 like 2026-01-02T03:04:05Z, got ${JSON.stringify(v)}`,
            );
          return ms;
        };
        const startsAt = time('starts_at', b.starts_at);
        const endsAt = time('ends_at', b.ends_at);
        if (endsAt <= startsAt)
          throw new ApiError(
            'bad_data',
            `invalid request field "ends_at": ${new Date(endsAt).toISOString()} is not after starts_at ${new Date(startsAt).toISOString()}`,
          );
        if (endsAt - startsAt > MAX_MAINTENANCE_MS)
          throw new ApiError(
            'bad_data',
            `invalid request field "ends_at": the window is ${humanSpan(endsAt - startsAt)} long; at most ${MAX_MAINTENANCE_MS / DAY}d`,
          );
        const w = await source.addMaintenance(
          p.tenant,
          { service: b.service, starts_at: startsAt, ends_at: endsAt, comment: b.comment },
          actorOf(p),
        );
        void reply.code(201);
        return { data: w };
      }),
    ),
  });
  table.add(app, {
    method: 'DELETE',
    url: `${M}/:id`,
    access: { need: 'edit' },
    tag: TAG,
    summary: 'End or cancel a maintenance window (audited)',
    params: z.object({ id: z.string() }),
    response: z.object({}),
    statuses: { 404: 'No such window', 409: 'Provisioned from argus.yml' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const p = principalOf(req);
        const raw = param(req, 'id');
        if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1)
          throw badParam('id', `want a positive integer, got ${JSON.stringify(raw)}`);
        await source.deleteMaintenance(p.tenant, Number(raw), actorOf(p));
        return { data: {} };
      }),
    ),
  });
}
