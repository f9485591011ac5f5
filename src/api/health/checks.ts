import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../../auth/index.js';
import type { Logger } from '../../util/index.js';
import { parseBody, principalOf } from '../access-body.js';
import { P, param } from '../access-views.js';
import { ApiError } from '../errors.js';
import { jsonRoute } from '../respond.js';
import type { RouteTable } from '../route-table.js';
import { limitParam, rangeParams } from './params.js';
import { mapped, notFound, queryOf, TAG, withName } from './respond.js';
import {
  checkView,
  eventView,
  kindView,
  nameParam,
  rangeQuery,
  resultPoint,
  runView,
  saveBody,
  tryBody,
  uptimeView,
} from './schemas.js';
import type { HealthApiSource } from './source.js';

const C = `${P}/checks`;
const BODY_LIMIT = 256 * 1024;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Results are one point per probe: a week at a 10 s interval is 60,480 points. */
export const MAX_RESULTS_SPAN = 7 * DAY;
export const MAX_HISTORY_SPAN = 400 * DAY;
export const MAX_HISTORY_LIMIT = 10_000;
/** Static routes under /checks/ that shadow a check of that name. */
const RESERVED = new Set(['kinds', 'try']);

/** Checks: kinds, CRUD, run now, try an unsaved definition, results, history, uptime. */
export function registerCheckRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: HealthApiSource,
  logger: Logger,
): void {
  const existing = async (tenant: string, name: string) => {
    const c = await source.check(tenant, name);
    if (c === undefined) throw notFound('check', name);
    return c;
  };
  table.add(app, {
    method: 'GET',
    url: `${C}/kinds`,
    access: { need: 'read' },
    tag: TAG,
    summary: 'The check kinds this server has (http, tcp, dns, …)',
    response: z.array(kindView),
    handler: jsonRoute(logger, () => ({ data: source.kinds() })),
  });
  table.add(app, {
    method: 'GET',
    url: C,
    access: { need: 'read' },
    tag: TAG,
    summary: "The tenant's checks with their current state",
    response: z.array(checkView),
    handler: jsonRoute(logger, async (req) => ({
      data: await source.checks(principalOf(req).tenant),
    })),
  });
  table.add(app, {
    method: 'GET',
    url: `${C}/:name`,
    access: { need: 'read' },
    tag: TAG,
    summary: 'One check: definition, state, last run and error',
    params: nameParam,
    response: checkView,
    statuses: { 404: 'No such check' },
    handler: jsonRoute(logger, async (req) => ({
      data: await existing(principalOf(req).tenant, param(req, 'name')),
    })),
  });
  table.add(app, {
    method: 'PUT',
    url: `${C}/:name`,
    access: { need: 'edit' },
    tag: TAG,
    summary:
      'Create (no version) or replace (the version it edited) a check; validated, audited, applied at once',
    description:
      'A validation error (400) lists every problem. Checks from argus.yml are read-only (409).',
    params: nameParam,
    body: saveBody,
    response: checkView,
    statuses: {
      404: 'Replacing a check that does not exist',
      409: 'It exists (create), was saved since `version`, or is provisioned',
    },
    options: { bodyLimit: BODY_LIMIT },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const p = principalOf(req);
        const name = param(req, 'name');
        if (RESERVED.has(name))
          throw new ApiError(
            'bad_data',
            `cannot save check ${JSON.stringify(name)}: the name is reserved (${C}/${name} is another route)`,
          );
        const b = parseBody(saveBody, req.body);
        const def = withName(b.definition, name);
        return { data: await source.saveCheck(p.tenant, name, def, actorOf(p), b.version) };
      }),
    ),
  });
  table.add(app, {
    method: 'DELETE',
    url: `${C}/:name`,
    access: { need: 'edit' },
    tag: TAG,
    summary: 'Delete an API-managed check (audited)',
    params: nameParam,
    response: z.object({}),
    statuses: { 404: 'No such check', 409: 'Provisioned from argus.yml, or a service uses it' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const p = principalOf(req);
        await source.deleteCheck(p.tenant, param(req, 'name'), actorOf(p));
        return { data: {} };
      }),
    ),
  });
  table.add(app, {
    method: 'POST',
    url: `${C}/:name/run`,
    access: { need: 'edit' },
    tag: TAG,
    summary: 'Probe a check now, outside its schedule (the result counts like a scheduled one)',
    params: nameParam,
    response: runView,
    statuses: { 404: 'No such check' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => ({
        data: await source.runCheck(principalOf(req).tenant, param(req, 'name')),
      })),
    ),
  });
  table.add(app, {
    method: 'POST',
    url: `${C}/try`,
    access: { need: 'edit' },
    tag: TAG,
    summary: 'Probe an unsaved definition once (the editor’s "Test"); nothing is stored',
    description: 'Targets go through the outbound guard like API-created checks.',
    body: tryBody,
    response: runView,
    options: { bodyLimit: BODY_LIMIT },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const b = parseBody(tryBody, req.body);
        return { data: await source.tryCheck(principalOf(req).tenant, b.definition) };
      }),
    ),
  });
  table.add(app, {
    method: 'GET',
    url: `${C}/:name/results`,
    access: { need: 'read' },
    tag: TAG,
    summary: "A check's probe results (success, duration) over a range; default the last hour",
    description: `The span is at most ${MAX_RESULTS_SPAN / DAY} days.`,
    params: nameParam,
    query: rangeQuery,
    response: z.array(resultPoint),
    statuses: { 404: 'No such check' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const tenant = principalOf(req).tenant;
        const name = param(req, 'name');
        const r = rangeParams(queryOf(req.url), Date.now(), HOUR, MAX_RESULTS_SPAN);
        await existing(tenant, name);
        return { data: await source.results(tenant, name, r.from, r.to) };
      }),
    ),
  });
  table.add(app, {
    method: 'GET',
    url: `${C}/:name/history`,
    access: { need: 'read' },
    tag: TAG,
    summary:
      "A check's state changes (with the error then), newest first; default the last 30 days",
    params: nameParam,
    query: rangeQuery.extend({
      limit: z.string().optional().describe(`1..${MAX_HISTORY_LIMIT}, default 100`),
    }),
    response: z.array(eventView),
    statuses: { 404: 'No such check' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const tenant = principalOf(req).tenant;
        const name = param(req, 'name');
        const q = queryOf(req.url);
        const r = rangeParams(q, Date.now(), 30 * DAY, MAX_HISTORY_SPAN);
        const limit = limitParam(q, 100, MAX_HISTORY_LIMIT);
        await existing(tenant, name);
        return { data: await source.history(tenant, 'check', name, r.from, r.to, limit) };
      }),
    ),
  });
  table.add(app, {
    method: 'GET',
    url: `${C}/:name/uptime`,
    access: { need: 'read' },
    tag: TAG,
    summary: "A check's uptime over 24 h / 7 d / 30 d / 90 d and per day for 90 days",
    params: nameParam,
    response: uptimeView,
    statuses: { 404: 'No such check' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const tenant = principalOf(req).tenant;
        const name = param(req, 'name');
        await existing(tenant, name);
        return { data: await source.uptime(tenant, 'check', name) };
      }),
    ),
  });
}
