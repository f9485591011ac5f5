import type { FastifyInstance } from 'fastify';
import type { Logger } from '../util/index.js';
import type { AccessDeps } from './access-views.js';
import type { RouteTable } from './route-table.js';
import { registerSessionRoutes } from './session-routes.js';
import { registerTenantRoutes } from './tenant-routes.js';
import { registerUserRoutes } from './user-routes.js';

export type { AccessDeps } from './access-views.js';

/** Login, sessions, users, tokens, tenants, audit, secrets and limits under /api/argus/v1. */
export function registerAccessRoutes(
  app: FastifyInstance,
  table: RouteTable,
  deps: AccessDeps,
  logger: Logger,
): void {
  registerSessionRoutes(app, table, deps, logger);
  registerUserRoutes(app, table, deps, logger);
  registerTenantRoutes(app, table, deps, logger);
}
