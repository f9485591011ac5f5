import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TenantId } from '../model/index.js';
import { alertsApiData, rulesApiData, type RuleManager, type RulesFilter } from '../rules/index.js';
import type { Logger } from '../util/index.js';
import { ApiError } from './errors.js';
import { paramsOf } from './params.js';
import { jsonRoute } from './respond.js';
import type { RouteTable } from './route-table.js';
import { tenantOf } from './tenant.js';

/** What the rules routes read: each tenant's rule manager (undefined: no rules). */
export interface RulesSource {
  managerFor(tenant: TenantId): RuleManager | undefined;
}

const TYPES = ['alert', 'record'] as const;

/** `GET /api/v1/rules` and `GET /api/v1/alerts` (Prometheus-compatible), per tenant. */
export function registerRulesRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: RulesSource,
  logger: Logger,
): void {
  table.add(app, {
    method: 'GET',
    url: '/api/v1/rules',
    access: { need: 'read' },
    tag: 'Rules',
    summary:
      'Recording and alerting rules by group, with health, last error, last evaluation and alerts (Prometheus-compatible)',
    query: z.object({
      type: z.enum(TYPES).optional().describe('alert or record: only that kind'),
      'rule_name[]': z.string().optional().describe('Only rules with this name (repeatable)'),
      'rule_group[]': z.string().optional().describe('Only groups with this name (repeatable)'),
      'file[]': z.string().optional().describe('Only groups from this file (repeatable)'),
      exclude_alerts: z
        .enum(['true', 'false'])
        .optional()
        .describe("Leave out alerting rules' alerts"),
    }),
    response: z.object({ groups: z.array(z.record(z.string(), z.unknown())) }),
    handler: jsonRoute(logger, (req) => {
      const p = paramsOf(req);
      const type = p.get('type');
      if (type !== null && type !== '' && !(TYPES as readonly string[]).includes(type))
        throw new ApiError(
          'bad_data',
          `invalid parameter "type": want alert or record, got ${JSON.stringify(type)}`,
        );
      const ex = p.get('exclude_alerts');
      if (ex !== null && ex !== '' && ex !== 'true' && ex !== 'false')
        throw new ApiError(
          'bad_data',
          `invalid parameter "exclude_alerts": want true or false, got ${JSON.stringify(ex)}`,
        );
      const filter: RulesFilter = {
        type: type === 'alert' || type === 'record' ? type : undefined,
        ruleName: p.getAll('rule_name[]'),
        ruleGroup: p.getAll('rule_group[]'),
        file: p.getAll('file[]'),
        excludeAlerts: ex === 'true',
      };
      const m = source.managerFor(tenantOf(req));
      return { data: m ? rulesApiData(m, filter) : { groups: [] } };
    }),
  });

  table.add(app, {
    method: 'GET',
    url: '/api/v1/alerts',
    access: { need: 'read' },
    tag: 'Rules',
    summary: 'Pending and firing alerts of the alerting rules (Prometheus-compatible)',
    response: z.object({ alerts: z.array(z.record(z.string(), z.unknown())) }),
    handler: jsonRoute(logger, (req) => {
      const m = source.managerFor(tenantOf(req));
      return { data: m ? alertsApiData(m) : { alerts: [] } };
    }),
  });
}
