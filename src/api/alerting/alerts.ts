import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  buildRouteTree,
  validateAlert,
  type AlertStatus,
  type StoredAlert,
} from '../../alerting/index.js';
import { isResolved, type Alert, type TenantId } from '../../model/index.js';
import type { Logger } from '../../util/index.js';
import { ApiError } from '../errors.js';
import { paramsOf } from '../params.js';
import type { RouteTable } from '../route-table.js';
import { tenantOf } from '../tenant.js';
import { boolParam, filterParam, matchesAll, receiverParam } from './params.js';
import { amRoute, goTime } from './respond.js';
import type { AlertingApiSource } from './source.js';

export const TAG = 'Alerting';
const JSON_ANSWER = 'application/json';

/** Alertmanager's `gettableAlert`. */
export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Readonly<Record<string, string>>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL?: string;
  fingerprint: string;
  receivers: { name: string }[];
  status: {
    state: string;
    silencedBy: readonly string[];
    inhibitedBy: readonly string[];
    mutedBy: readonly string[];
  };
  /** Argus: who acknowledged this firing episode (null: nobody). Alertmanager clients ignore it. */
  acknowledged: { by: string; at: string; comment: string } | null;
}

function gettable(s: StoredAlert, st: AlertStatus, acks: AlertingApiSource['acks']): GettableAlert {
  const a = s.alert;
  const ack = acks.get(s.tenant, s.fingerprint, a.startsAt);
  return {
    labels: a.labels.toObject(),
    annotations: a.annotations,
    startsAt: goTime(a.startsAt),
    endsAt: goTime(a.endsAt),
    updatedAt: goTime(s.updatedAt),
    ...(a.generatorURL !== '' && { generatorURL: a.generatorURL }),
    fingerprint: s.fingerprint,
    receivers: st.receivers.map((name) => ({ name })),
    status: {
      state: st.state,
      silencedBy: st.silencedBy,
      inhibitedBy: st.inhibitedBy,
      mutedBy: [],
    },
    acknowledged: ack ? { by: ack.by, at: goTime(ack.at), comment: ack.comment } : null,
  };
}

/** The status of a held alert: the dispatcher's, or "unprocessed" before the tenant has one. */
function statusOf(
  source: AlertingApiSource,
  tenant: TenantId,
): (s: StoredAlert) => AlertStatus | undefined {
  const d = source.dispatcherFor(tenant);
  // Alertmanager's API sets an alert's status when listing it (silences and inhibitions are
  // checked right then), so a held alert is never "unprocessed" there: the same here.
  if (d)
    return (s) => {
      const st = d.status(s.fingerprint);
      return st?.state === 'unprocessed' ? { ...st, state: 'active' } : st;
    };
  const tree = buildRouteTree(source.configFor(tenant).config.route);
  return (s) => ({
    state: 'unprocessed',
    silencedBy: [],
    inhibitedBy: [],
    receivers: [...new Set(tree.match(s.alert.labels).map((r) => r.opts.receiver))],
  });
}

/** The alert filters of `GET /api/v2/alerts` (and groups), as Alertmanager applies them. */
function alertFilter(p: URLSearchParams): (s: StoredAlert, st: AlertStatus) => boolean {
  const matchers = filterParam(p);
  const receiver = receiverParam(p);
  const active = boolParam(p, 'active', true);
  const silenced = boolParam(p, 'silenced', true);
  const inhibited = boolParam(p, 'inhibited', true);
  const unprocessed = boolParam(p, 'unprocessed', true);
  const now = Date.now();
  return (s, st) => {
    if (isResolved(s.alert, now)) return false;
    if (receiver && !st.receivers.some((r) => receiver.matches(r))) return false;
    if (!matchesAll(matchers, s.alert.labels)) return false;
    if (!active && st.state === 'active') return false;
    if (!unprocessed && st.state === 'unprocessed') return false;
    if (!silenced && st.silencedBy.length > 0) return false;
    if (!inhibited && st.inhibitedBy.length > 0) return false;
    return true;
  };
}

const filterQuery = z.object({
  filter: z.string().optional().describe('A matcher like alertname="X" (repeatable)'),
  receiver: z.string().optional().describe('A regex over receiver names'),
  active: z.enum(['true', 'false']).optional().describe('Include active alerts (default true)'),
  silenced: z.enum(['true', 'false']).optional().describe('Include silenced alerts'),
  inhibited: z.enum(['true', 'false']).optional().describe('Include inhibited alerts'),
  unprocessed: z.enum(['true', 'false']).optional().describe('Include unprocessed alerts'),
});

/** `POST/GET /api/v2/alerts` and `GET /api/v2/alerts/groups` (Alertmanager API v2). */
export function registerAlertRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: AlertingApiSource,
  maxBodyBytes: number,
  logger: Logger,
): void {
  table.add(app, {
    method: 'POST',
    url: '/api/v2/alerts',
    access: { need: 'ingest', openable: 'ingest' },
    tag: TAG,
    summary: 'Post alerts (Alertmanager API v2 postableAlerts; what Prometheus sends)',
    description:
      'A JSON array of alerts {labels, annotations, startsAt, endsAt, generatorURL}. Every alert is checked first (a bad one fails the request, naming its position); the alerts are stored durably before the 200.',
    body: z.array(z.record(z.string(), z.unknown())),
    response: { contentType: JSON_ANSWER, description: 'Empty on success' },
    statuses: { 429: 'The tenant holds too many alerts' },
    options: { bodyLimit: maxBodyBytes },
    handler: amRoute(logger, async (req, reply) => {
      if (!Array.isArray(req.body))
        throw new ApiError('bad_data', 'cannot accept alerts: body must be a JSON array of alerts');
      const alerts: Alert[] = req.body.map((raw: unknown, i) => validateAlert(raw, i));
      await source.put(tenantOf(req), alerts);
      return reply.code(200).send();
    }),
  });

  table.add(app, {
    method: 'GET',
    url: '/api/v2/alerts',
    access: { need: 'read' },
    tag: TAG,
    summary: 'Alerts held, with status and receivers (Alertmanager API v2 gettableAlerts)',
    query: filterQuery,
    response: { contentType: JSON_ANSWER, description: 'gettableAlerts' },
    handler: amRoute(logger, (req) => {
      const tenant = tenantOf(req);
      const keep = alertFilter(paramsOf(req));
      const status = statusOf(source, tenant);
      const out: GettableAlert[] = [];
      for (const s of source.provider.list(tenant)) {
        const st = status(s);
        if (st && keep(s, st)) out.push(gettable(s, st, source.acks));
      }
      return out.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
    }),
  });

  table.add(app, {
    method: 'GET',
    url: '/api/v2/alerts/groups',
    access: { need: 'read' },
    tag: TAG,
    summary: 'Aggregation groups with their alerts (Alertmanager API v2 alertGroups)',
    query: filterQuery,
    response: { contentType: JSON_ANSWER, description: 'alertGroups' },
    handler: amRoute(logger, (req) => {
      const tenant = tenantOf(req);
      const keep = alertFilter(paramsOf(req));
      const d = source.dispatcherFor(tenant);
      const out = [];
      for (const g of d?.groups() ?? []) {
        const alerts: GettableAlert[] = [];
        for (const a of g.alerts) {
          const s = source.provider.get(tenant, a.fingerprint);
          if (s && keep(s, a.alertStatus)) alerts.push(gettable(s, a.alertStatus, source.acks));
        }
        if (alerts.length > 0)
          // groupKey: Argus's addition (acks and silences of a whole group name it).
          out.push({
            labels: g.labels,
            receiver: { name: g.receiver },
            alerts,
            groupKey: g.groupKey,
          });
      }
      return out;
    }),
  });
}
