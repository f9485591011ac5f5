import { ArgusError } from '../util/index.js';

/**
 * A tenant id. Every storage and query call takes one explicitly; it is resolved from the
 * request's credential at the edge (never read from ambient state).
 */
export type TenantId = string & { readonly __tenant: unique symbol };

/** The tenant that exists on every installation. */
export const DEFAULT_TENANT = 'default' as TenantId;

/** A call arrived without a tenant, or with one that cannot be a tenant id. */
export class InvalidTenantError extends ArgusError {}

const TENANT_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Validates and brands a tenant id (lower-case letters, digits, `_`, `-`; 1–63 chars). */
export function tenantId(id: string): TenantId {
  if (!TENANT_RE.test(id)) {
    throw new InvalidTenantError(
      `invalid tenant id ${JSON.stringify(id)}: want 1-63 of [a-z0-9_-], starting with a letter or digit`,
    );
  }
  return id as TenantId;
}
