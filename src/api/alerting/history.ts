import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HISTORY_KINDS, listOutbox, listReceipts, type HistoryKind } from '../../alerting/index.js';
import type { SqlAccess } from '../../state/index.js';
import type { Logger } from '../../util/index.js';
import { param, P } from '../access-views.js';
import { badParam } from '../errors.js';
import { paramsOf, parseTime } from '../params.js';
import { jsonRoute } from '../respond.js';
import type { RouteTable } from '../route-table.js';
import { tenantOf } from '../tenant.js';
import { TAG } from './alerts.js';
import type { AlertingApiSource } from './source.js';

const DEFAULT_RANGE_MS = 7 * 24 * 3_600_000;
const MAX_HISTORY = 10_000;

function optTime(p: URLSearchParams, name: string): number | undefined {
  const s = p.get(name);
  return s === null || s === '' ? undefined : parseTime(name, s);
}

function optString(p: URLSearchParams, name: string): string | undefined {
  const s = p.get(name);
  return s === null || s === '' ? undefined : s;
}

const historyEntry = z.object({
  seq: z.number(),
  time: z.number().describe('Unix ms'),
  kind: z.enum(HISTORY_KINDS as [HistoryKind, ...HistoryKind[]]),
  fingerprint: z.string(),
  alertname: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

/** Alert history, MTTA/MTTR and an alert's notifications (Argus). */
export function registerHistoryRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: Pick<AlertingApiSource, 'history'>,
  sql: SqlAccess,
  logger: Logger,
): void {
  table.add(app, {
    method: 'GET',
    url: `${P}/alerts/history`,
    access: { need: 'read' },
    tag: TAG,
    summary: 'Alert history: state changes, delivery attempts, acks, silences (newest first)',
    query: z.object({
      from: z.string().optional().describe('Unix seconds or RFC3339'),
      to: z.string().optional().describe('Unix seconds or RFC3339'),
      alertname: z.string().optional(),
      fingerprint: z.string().optional(),
      kind: z.enum(HISTORY_KINDS as [HistoryKind, ...HistoryKind[]]).optional(),
      limit: z.string().optional().describe(`Default 100, at most ${MAX_HISTORY}`),
    }),
    response: z.array(historyEntry),
    handler: jsonRoute(logger, async (req) => {
      const p = paramsOf(req);
      const kind = optString(p, 'kind');
      if (kind !== undefined && !(HISTORY_KINDS as readonly string[]).includes(kind))
        throw badParam(
          'kind',
          `want one of ${HISTORY_KINDS.join(', ')}, got ${JSON.stringify(kind)}`,
        );
      const ls = optString(p, 'limit');
      if (ls !== undefined && (!/^\d{1,6}$/.test(ls) || Number(ls) < 1 || Number(ls) > MAX_HISTORY))
        throw badParam('limit', `want 1 to ${MAX_HISTORY}, got ${JSON.stringify(ls)}`);
      const entries = await source.history.query(tenantOf(req), {
        from: optTime(p, 'from'),
        to: optTime(p, 'to'),
        alertname: optString(p, 'alertname'),
        fingerprint: optString(p, 'fingerprint'),
        kind: kind as HistoryKind | undefined,
        limit: ls === undefined ? undefined : Number(ls),
      });
      return {
        data: entries.map((e) => ({
          seq: e.seq,
          time: e.time,
          kind: e.kind,
          fingerprint: e.fingerprint,
          alertname: e.alertname,
          detail: e.detail,
        })),
      };
    }),
  });

  table.add(app, {
    method: 'GET',
    url: `${P}/alerts/response-times`,
    access: { need: 'read' },
    tag: TAG,
    summary: 'MTTA (firing → first ack) and MTTR (firing → resolved) per alert name',
    query: z.object({
      from: z.string().optional().describe('Default: 7 days before `to`'),
      to: z.string().optional().describe('Default: now'),
    }),
    response: z.array(
      z.object({
        alertname: z.string(),
        episodes: z.number(),
        mttaMs: z.number().nullable(),
        mttrMs: z.number().nullable(),
      }),
    ),
    handler: jsonRoute(logger, async (req) => {
      const p = paramsOf(req);
      const to = optTime(p, 'to') ?? Date.now();
      const from = optTime(p, 'from') ?? to - DEFAULT_RANGE_MS;
      if (to < from) throw badParam('to', 'must not be before from');
      return { data: await source.history.responseTimes(tenantOf(req), from, to) };
    }),
  });

  table.add(app, {
    method: 'GET',
    url: `${P}/alerts/:fingerprint/notifications`,
    access: { need: 'read' },
    tag: TAG,
    summary:
      "Notifications that carried an alert, per channel, with each delivery attempt's receipt",
    params: z.object({ fingerprint: z.string() }),
    response: z.array(z.record(z.string(), z.unknown())),
    handler: jsonRoute(logger, async (req) => {
      const fp = param(req, 'fingerprint');
      const tenant = tenantOf(req);
      const rows = await sql.read((r) =>
        listOutbox(r, tenant)
          .filter((o) => o.notification.alerts.some((a) => a.fingerprint === fp))
          .map((o) => ({
            id: o.id,
            notificationId: o.notificationId,
            receiver: o.receiver,
            channel: o.channel,
            groupKey: o.notification.groupKey,
            status: o.notification.status,
            ackUpdate: o.notification.ackUpdate,
            escalationLevel: o.notification.escalationLevel,
            state: o.state,
            attempts: o.attempts,
            nextAttemptAt: o.nextAttemptAt,
            receipts: listReceipts(r, o.id),
          })),
      );
      return { data: rows };
    }),
  });
}
