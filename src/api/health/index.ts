/**
 * @module api/health
 * The health routes under /api/argus/v1 (checks, services, overall health, maintenance,
 * heartbeat pings) and the public status page (`/status`), over the server's HealthApiSource.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../util/index.js';
import type { RouteTable } from '../route-table.js';
import { registerCheckRoutes } from './checks.js';
import { registerPingRoutes } from './ping.js';
import { registerServiceRoutes } from './services.js';
import type { HealthApiSource } from './source.js';
import { registerStatusPageRoutes } from './status-page.js';

export function registerHealthRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: HealthApiSource,
  logger: Logger,
): void {
  registerCheckRoutes(app, table, source, logger);
  registerServiceRoutes(app, table, source, logger);
  registerPingRoutes(app, table, source, logger);
  registerStatusPageRoutes(app, table, source, logger);
}

export * from './source.js';
