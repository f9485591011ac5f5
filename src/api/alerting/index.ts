/**
 * @module api/alerting
 * The Alertmanager API v2 (`/api/v2/alerts`, silences, status, receivers: what Prometheus and
 * amtool speak) and Argus's alerting API under /api/argus/v1 (acks, one-click ack links,
 * history, MTTA/MTTR, receivers and test sends, an alert's notifications, the tenant's own
 * Alertmanager config and escalation policies), per tenant.
 */
import type { FastifyInstance } from 'fastify';
import type { SqlAccess } from '../../state/index.js';
import type { Logger } from '../../util/index.js';
import type { RouteTable } from '../route-table.js';
import { registerAckRoutes } from './acks.js';
import { registerAlertRoutes } from './alerts.js';
import { registerHistoryRoutes } from './history.js';
import { registerSilenceRoutes } from './silences.js';
import type { AlertingApiSource } from './source.js';
import { registerStatusRoutes } from './status.js';
import { registerTenantConfigRoutes } from './tenant-config.js';

export interface AlertingRouteDeps {
  source: AlertingApiSource;
  /** The state store's SQL (outbox and receipts). */
  sql: SqlAccess;
  /** Largest `POST /api/v2/alerts` body. */
  maxBodyBytes: number;
  version: string;
  logger: Logger;
}

export function registerAlertingRoutes(
  app: FastifyInstance,
  table: RouteTable,
  deps: AlertingRouteDeps,
): void {
  const { source, logger } = deps;
  registerAlertRoutes(app, table, source, deps.maxBodyBytes, logger);
  registerSilenceRoutes(app, table, source, logger);
  registerStatusRoutes(app, table, source, deps.version, logger);
  registerAckRoutes(app, table, source, logger);
  registerHistoryRoutes(app, table, source, deps.sql, logger);
  registerTenantConfigRoutes(app, table, source, logger);
}

export type { AlertingApiSource } from './source.js';
