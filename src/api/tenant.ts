import type { FastifyRequest } from 'fastify';
import { tenantId, type TenantId } from '../model/index.js';
import { BugError } from '../util/index.js';

/**
 * The tenant a request acts for: ONLY from its credential (the access hook sets
 * `req.principal`; `X-Scope-OrgID` is honoured there, and only for cross-tenant credentials).
 * Every route that touches tenant data calls this.
 */
export function tenantOf(req: FastifyRequest): TenantId {
  if (req.principal === undefined)
    throw new BugError(`tenantOf: ${req.method} ${req.url} has no principal (public route?)`);
  return tenantId(req.principal.tenant);
}
