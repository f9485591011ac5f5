import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  IMPLEMENTED_INTEGRATIONS,
  testNotificationFor,
  type IntegrationKey,
  type Receiver,
} from '../../alerting/index.js';
import type { Logger } from '../../util/index.js';
import { param, P } from '../access-views.js';
import { ApiError } from '../errors.js';
import { jsonRoute } from '../respond.js';
import type { RouteTable } from '../route-table.js';
import { tenantOf } from '../tenant.js';
import { TAG } from './alerts.js';
import { configYaml } from './config-yaml.js';
import { amRoute, goTime, mapped } from './respond.js';
import type { AlertingApiSource } from './source.js';

/** How long a receiver test waits for each channel. */
const TEST_TIMEOUT_MS = 30_000;

/** The `*_configs` lists a receiver holds, with their counts. */
function integrationsOf(r: Receiver): { type: string; count: number; implemented: boolean }[] {
  const out = [];
  for (const [k, v] of Object.entries(r)) {
    if (!k.endsWith('_configs') || !Array.isArray(v) || v.length === 0) continue;
    out.push({
      type: k.slice(0, -'_configs'.length),
      count: v.length,
      implemented: IMPLEMENTED_INTEGRATIONS.has(k as IntegrationKey),
    });
  }
  return out;
}

const receiverView = z.object({
  name: z.string(),
  channels: z.array(
    z.object({
      kind: z.string(),
      name: z.string(),
      sendResolved: z.boolean(),
      sendsAcks: z.boolean(),
    }),
  ),
  integrations: z
    .array(z.object({ type: z.string(), count: z.number(), implemented: z.boolean() }))
    .describe('Configured integrations; unimplemented ones load but send nothing'),
});

const testView = z.object({
  receiver: z.string(),
  results: z.array(
    z.object({
      channel: z.string(),
      kind: z.string(),
      ok: z.boolean(),
      status: z.number().optional(),
      error: z.string().optional(),
    }),
  ),
});

/** `/api/v2/status`, `/api/v2/receivers`, and Argus's receiver list and test sends. */
export function registerStatusRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: AlertingApiSource,
  version: string,
  logger: Logger,
): void {
  const startedAt = Date.now();
  const cfg = (req: FastifyRequest) => source.configFor(tenantOf(req));
  const receivers = (req: FastifyRequest) => cfg(req).config.receivers ?? [];

  table.add(app, {
    method: 'GET',
    url: '/api/v2/status',
    access: { need: 'read' },
    tag: TAG,
    summary:
      "Alertmanager status: cluster (disabled), version, the tenant's config in force, uptime",
    description:
      "The config (the tenant's own, else argus.yml's) is YAML with every secret shown as `<secret>`.",
    response: { contentType: 'application/json', description: 'alertmanagerStatus' },
    handler: amRoute(logger, (req) => ({
      cluster: { status: 'disabled', peers: [] },
      versionInfo: {
        version,
        revision: '',
        branch: '',
        buildUser: '',
        buildDate: '',
        goVersion: `node ${process.version}`,
      },
      config: { original: configYaml(cfg(req).config) },
      uptime: goTime(startedAt),
    })),
  });

  table.add(app, {
    method: 'GET',
    url: '/api/v2/receivers',
    access: { need: 'read' },
    tag: TAG,
    summary: 'Receiver names (Alertmanager API v2)',
    response: { contentType: 'application/json', description: '[{name}]' },
    handler: amRoute(logger, (req) => receivers(req).map((r) => ({ name: r.name }))),
  });

  table.add(app, {
    method: 'GET',
    url: `${P}/receivers`,
    access: { need: 'read' },
    tag: TAG,
    summary: 'Receivers with their channels and which integrations Argus implements',
    response: z.array(receiverView),
    handler: jsonRoute(logger, (req) => ({
      data: receivers(req).map((r) => ({
        name: r.name,
        channels: (cfg(req).channels.get(r.name) ?? []).map((c) => ({
          kind: c.kind,
          name: c.name,
          sendResolved: c.sendResolved,
          sendsAcks: c.sendsAcks,
        })),
        integrations: integrationsOf(r),
      })),
    })),
  });

  table.add(app, {
    method: 'POST',
    url: `${P}/receivers/:name/test`,
    access: { need: 'admin' },
    tag: TAG,
    summary: 'Send a test notification through every channel of a receiver; per-channel results',
    params: z.object({ name: z.string() }),
    response: testView,
    statuses: { 404: 'No such receiver' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const name = param(req, 'name');
        if (!receivers(req).some((r) => r.name === name))
          throw new ApiError(
            'not_found',
            `cannot test receiver ${JSON.stringify(name)}: no such receiver in the alertmanager config`,
          );
        const n = testNotificationFor(name, {
          now: Date.now(),
          externalURL: `${req.protocol}://${req.headers.host ?? 'localhost'}/`,
          tenant: tenantOf(req),
        });
        const results = await Promise.all(
          (cfg(req).channels.get(name) ?? []).map(async (ch) => {
            const r = await ch.send(n, AbortSignal.timeout(TEST_TIMEOUT_MS));
            return {
              channel: ch.name,
              kind: ch.kind,
              ok: r.ok,
              ...(r.status !== undefined && { status: r.status }),
              ...(r.error !== undefined && { error: r.error }),
            };
          }),
        );
        return { data: { receiver: name, results } };
      }),
    ),
  });
}
