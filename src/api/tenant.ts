import type { FastifyRequest } from 'fastify';
import { DEFAULT_TENANT, type TenantId } from '../model/index.js';

/**
 * The tenant a request acts for. THE single place tenancy is resolved at the HTTP edge: every
 * route calls it, so authentication/tenancy (issue #3) changes only this function.
 */
export function tenantOf(_req: FastifyRequest): TenantId {
  return DEFAULT_TENANT;
}
