import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { silenceState, type Silence } from '../../alerting/index.js';
import { actorOf } from '../../auth/index.js';
import { Matcher } from '../../model/index.js';
import type { Logger } from '../../util/index.js';
import { principalOf } from '../access-body.js';
import { param } from '../access-views.js';
import { ApiError } from '../errors.js';
import { paramsOf } from '../params.js';
import type { RouteTable } from '../route-table.js';
import { tenantOf } from '../tenant.js';
import { TAG } from './alerts.js';
import { filterParam } from './params.js';
import { amRoute, goTime } from './respond.js';
import type { AlertingApiSource } from './source.js';

const JSON_ANSWER = 'application/json';
const MAX_BODY = 256 * 1024;

/** Alertmanager's API `matcher` object. */
const zMatcher = z.object({
  name: z.string(),
  value: z.string(),
  isRegex: z.boolean(),
  isEqual: z.boolean().optional().describe('Default true; false negates'),
});
const zPostable = z.object({
  id: z.string().optional().describe('Set to update that silence'),
  matchers: z.array(zMatcher),
  startsAt: z.string().describe('RFC3339'),
  endsAt: z.string().describe('RFC3339'),
  createdBy: z.string(),
  comment: z.string(),
});

/** An API matcher object to a Matcher: `isEqual` false negates, `isRegex` makes it a regex. */
export function toMatcher(m: z.output<typeof zMatcher>): Matcher {
  const eq = m.isEqual ?? true;
  const type = m.isRegex ? (eq ? '=~' : '!~') : eq ? '=' : '!=';
  return new Matcher(type, m.name, m.value);
}

export function fromMatcher(m: Matcher): z.output<typeof zMatcher> {
  return {
    name: m.name,
    value: m.value,
    isRegex: m.type === '=~' || m.type === '!~',
    isEqual: m.type === '=' || m.type === '=~',
  };
}

/** Alertmanager's `gettableSilence`. */
export function gettableSilence(s: Silence, now: number) {
  return {
    id: s.id,
    status: { state: silenceState(s, now) },
    updatedAt: goTime(s.updatedAt),
    matchers: s.matchers.map(fromMatcher),
    startsAt: goTime(s.startsAt),
    endsAt: goTime(s.endsAt),
    createdBy: s.createdBy,
    comment: s.comment,
  };
}

function time(field: string, s: string): number {
  const t = Date.parse(s);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(t))
    throw new ApiError(
      'bad_data',
      `cannot save silence: ${field} in body must be of type date-time: ${JSON.stringify(s)}`,
    );
  return t;
}

function postable(body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError('bad_data', 'cannot save silence: body must be a JSON object');
  const r = zPostable.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    const where = i.path.length > 0 ? i.path.join('.') : 'body';
    // A missing field in Alertmanager's (go-openapi's) words.
    if (/received undefined$/.test(i.message))
      throw new ApiError('bad_data', `cannot save silence: ${where} in body is required`);
    throw new ApiError('bad_data', `cannot save silence: ${where}: ${i.message}`);
  }
  return r.data;
}

/** Silences of the credential's tenant (Alertmanager API v2). */
export function registerSilenceRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: AlertingApiSource,
  logger: Logger,
): void {
  table.add(app, {
    method: 'GET',
    url: '/api/v2/silences',
    access: { need: 'read' },
    tag: TAG,
    summary: 'Silences, active and pending first (Alertmanager API v2 gettableSilences)',
    query: z.object({
      filter: z
        .string()
        .optional()
        .describe('A matcher; silences whose matchers all equal-match it (repeatable)'),
    }),
    response: { contentType: JSON_ANSWER, description: 'gettableSilences' },
    handler: amRoute(logger, (req) => {
      const filter = filterParam(paramsOf(req));
      const now = Date.now();
      return source.silences.list(tenantOf(req), now, filter).map((s) => gettableSilence(s, now));
    }),
  });

  table.add(app, {
    method: 'POST',
    url: '/api/v2/silences',
    access: { need: 'edit' },
    tag: TAG,
    summary: 'Create a silence, or update one (with `id`) → {silenceID}',
    description:
      'Matchers are objects {name, value, isRegex, isEqual}. `createdBy` and `comment` are required, as in Alertmanager; the audit log records the authenticated principal as the actor.',
    body: zPostable,
    response: { contentType: JSON_ANSWER, description: '{silenceID}' },
    statuses: { 404: 'No silence with that id (update)', 429: 'Too many silences' },
    options: { bodyLimit: MAX_BODY },
    handler: amRoute(logger, async (req) => {
      const b = postable(req.body);
      const s = await source.silences.upsert(
        tenantOf(req),
        {
          ...(b.id !== undefined && b.id !== '' && { id: b.id }),
          matchers: b.matchers.map(toMatcher),
          startsAt: time('startsAt', b.startsAt),
          endsAt: time('endsAt', b.endsAt),
          createdBy: b.createdBy,
          comment: b.comment,
        },
        actorOf(principalOf(req)),
      );
      return { silenceID: s.id };
    }),
  });

  const idParams = z.object({ silenceID: z.string() });
  table.add(app, {
    method: 'GET',
    url: '/api/v2/silence/:silenceID',
    access: { need: 'read' },
    tag: TAG,
    summary: 'One silence (Alertmanager API v2 gettableSilence)',
    params: idParams,
    response: { contentType: JSON_ANSWER, description: 'gettableSilence' },
    statuses: { 404: 'No such silence in this tenant' },
    handler: amRoute(logger, (req) => {
      const id = param(req, 'silenceID');
      const s = source.silences.get(tenantOf(req), id);
      if (!s)
        throw new ApiError(
          'not_found',
          `cannot get silence ${JSON.stringify(id)}: silence not found`,
        );
      return gettableSilence(s, Date.now());
    }),
  });

  table.add(app, {
    method: 'DELETE',
    url: '/api/v2/silence/:silenceID',
    access: { need: 'edit' },
    tag: TAG,
    summary: 'Expire a silence now',
    params: idParams,
    response: { contentType: JSON_ANSWER, description: 'Empty on success' },
    statuses: { 404: 'No such silence in this tenant' },
    handler: amRoute(logger, async (req, reply) => {
      await source.silences.expire(
        tenantOf(req),
        param(req, 'silenceID'),
        actorOf(principalOf(req)),
      );
      return reply.code(200).send();
    }),
  });
}
