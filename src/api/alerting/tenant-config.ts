import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  editPolicies,
  hideSecrets,
  parseAlertmanagerConfig,
  policiesView,
  TenantConfigConflictError,
  TenantConfigInvalidError,
  TenantConfigNotFoundError,
  type AlertmanagerConfig,
} from '../../alerting/index.js';
import { actorOf } from '../../auth/index.js';
import type { TenantId } from '../../model/index.js';
import type { Logger } from '../../util/index.js';
import { parseBody, principalOf } from '../access-body.js';
import { P } from '../access-views.js';
import { ApiError } from '../errors.js';
import { jsonRoute, type Answer } from '../respond.js';
import type { RouteTable } from '../route-table.js';
import { TAG } from './alerts.js';
import type { AlertingApiSource, TenantConfigSource } from './source.js';

const C = `${P}/alertmanager/config`;
const E = `${P}/escalation-policies`;
const BODY_LIMIT = 1024 * 1024;

const configView = z.object({
  source: z
    .enum(['tenant', 'file', 'built-in'])
    .describe("`tenant`: the tenant's own; `file`: argus.yml's; `built-in`: none configured"),
  yaml: z.string().describe('The config as YAML, every secret shown as `<secret>`'),
  version: z.number().optional().describe("The tenant's config version (source `tenant`)"),
  updated_by: z.string().optional(),
  updated_at: z.number().optional(),
});

const policy = z.strictObject({
  name: z.string(),
  levels: z.array(z.strictObject({ receiver: z.string(), delay: z.string() })),
  repeat: z.number().int().min(0),
});

const policiesResponse = z.object({
  source: z.enum(['tenant', 'file', 'built-in']),
  version: z.number().optional(),
  policies: z.array(policy),
  routes: z.array(
    z.object({
      id: z.string().describe('The route’s config path: `route`, `route.routes[0]`, …'),
      matchers: z.array(z.string()),
      receiver: z.string().nullable(),
      escalation_policy: z.string().nullable().describe('Set on this route'),
      effective_policy: z.string().nullable().describe('Its own or inherited'),
    }),
  ),
  receivers: z.array(z.string()),
});

const configBody = z.strictObject({
  yaml: z.string().describe('Alertmanager YAML (plus Argus extensions); `<secret>` keeps a value'),
  version: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('The version this edit started from; omit when the tenant has no config yet'),
});

const policiesBody = z.strictObject({
  policies: z.array(policy),
  attach: z.array(z.strictObject({ route: z.string(), policy: z.string().nullable() })).default([]),
  version: z.number().int().positive().optional(),
});

function mapError(err: unknown): unknown {
  if (err instanceof TenantConfigInvalidError)
    return new ApiError('bad_data', `invalid alertmanager config:\n${err.errors.join('\n')}`, {
      cause: err,
    });
  if (err instanceof TenantConfigNotFoundError)
    return new ApiError('not_found', err.message, { cause: err });
  if (err instanceof TenantConfigConflictError)
    return new ApiError('conflict', err.message, { cause: err });
  return err;
}

const mapped =
  <T>(fn: (req: FastifyRequest, reply: FastifyReply) => Promise<Answer<T>>) =>
  async (req: FastifyRequest, reply: FastifyReply): Promise<Answer<T>> => {
    try {
      return await fn(req, reply);
    } catch (err) {
      throw mapError(err);
    }
  };

interface Current {
  source: 'tenant' | 'file' | 'built-in';
  /** Secrets included. */
  raw: string;
  config: AlertmanagerConfig;
  version?: number;
  updatedBy?: string;
  updatedAt?: number;
}

/** The config the tenant uses now, as the API shows and edits it. */
async function current(src: TenantConfigSource, tenant: TenantId): Promise<Current> {
  const st = await src.store.get(tenant);
  if (st === undefined) return src.file();
  // Parsed only to know which fields are secrets (it was validated on save).
  const { config } = parseAlertmanagerConfig(st.yaml, { baseDir: '/nonexistent' });
  return {
    source: 'tenant',
    raw: st.yaml,
    config,
    version: st.version,
    updatedBy: st.updatedBy,
    updatedAt: st.updatedAt,
  };
}

const configOut = (c: Current): z.output<typeof configView> => ({
  source: c.source,
  yaml: hideSecrets(c.raw, c.config),
  ...(c.version !== undefined && {
    version: c.version,
    updated_by: c.updatedBy,
    updated_at: c.updatedAt,
  }),
});

const policiesOut = (c: Current): z.output<typeof policiesResponse> => ({
  source: c.source,
  ...(c.version !== undefined && { version: c.version }),
  ...policiesView(c.config),
  receivers: (c.config.receivers ?? []).map((r) => r.name),
});

/**
 * A tenant's own Alertmanager config (like Mimir's per-tenant configs) under
 * /api/argus/v1/alertmanager/config, and its escalation policies as JSON under
 * /api/argus/v1/escalation-policies. Saves are validated, audited and applied at once.
 */
export function registerTenantConfigRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: AlertingApiSource,
  logger: Logger,
): void {
  const need = (): TenantConfigSource => {
    if (source.tenantConfigs === undefined)
      throw new ApiError('not_found', 'per-tenant alertmanager configs are not enabled');
    return source.tenantConfigs;
  };
  const tenantOf = (req: FastifyRequest) => principalOf(req).tenant as TenantId;
  /** Saves `yaml` for the request's tenant and applies it; answers what it now uses. */
  const save = async (req: FastifyRequest, yaml: string, version: number | undefined) => {
    const src = need();
    const p = principalOf(req);
    const tenant = p.tenant as TenantId;
    const r = await src.store.save(tenant, yaml, actorOf(p), version, src.file().raw);
    src.applyTenant(tenant, r.loaded, r.stored);
    return current(src, tenant);
  };

  table.add(app, {
    method: 'GET',
    url: C,
    access: { need: 'read' },
    tag: TAG,
    summary: "The tenant's Alertmanager config: its own, else argus.yml's (secrets hidden)",
    response: configView,
    handler: jsonRoute(logger, async (req) => ({
      data: configOut(await current(need(), tenantOf(req))),
    })),
  });
  table.add(app, {
    method: 'PUT',
    url: C,
    access: { need: 'admin' },
    tag: TAG,
    summary: "Set the tenant's own Alertmanager config; validated, applied at once",
    description:
      'Refused: what the parser refuses, `templates` and other server files, destinations the outbound guard refuses. A field sent as `<secret>` keeps its stored value.',
    body: configBody,
    response: configView,
    statuses: { 409: 'Saved by someone else since `version`' },
    options: { bodyLimit: BODY_LIMIT },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const b = parseBody(configBody, req.body);
        return { data: configOut(await save(req, b.yaml, b.version)) };
      }),
    ),
  });
  table.add(app, {
    method: 'DELETE',
    url: C,
    access: { need: 'admin' },
    tag: TAG,
    summary: "Drop the tenant's own config: it uses argus.yml's again",
    response: configView,
    statuses: { 404: 'The tenant has no config of its own' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const src = need();
        const p = principalOf(req);
        const tenant = p.tenant as TenantId;
        await src.store.delete(tenant, actorOf(p));
        src.applyTenant(tenant, undefined);
        return { data: configOut(await current(src, tenant)) };
      }),
    ),
  });
  table.add(app, {
    method: 'GET',
    url: E,
    access: { need: 'read' },
    tag: TAG,
    summary: "The escalation policies of the tenant's config, its routes and receivers",
    response: policiesResponse,
    handler: jsonRoute(logger, async (req) => ({
      data: policiesOut(await current(need(), tenantOf(req))),
    })),
  });
  table.add(app, {
    method: 'PUT',
    url: E,
    access: { need: 'admin' },
    tag: TAG,
    summary:
      "Replace the escalation policies and attach/detach them to routes; the rest of the tenant's config is kept",
    description:
      "The first edit creates the tenant's own config from argus.yml's. `version`: the tenant config version it started from (omit when `source` was not `tenant`).",
    body: policiesBody,
    response: policiesResponse,
    statuses: { 409: 'Saved by someone else since `version`' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const b = parseBody(policiesBody, req.body);
        const cur = await current(need(), tenantOf(req));
        const yaml = editPolicies(cur.raw, { policies: b.policies, attach: b.attach });
        return { data: policiesOut(await save(req, yaml, b.version)) };
      }),
    ),
  });
}
