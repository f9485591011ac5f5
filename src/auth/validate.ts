import { DEFAULT_TENANT, InvalidTenantError, tenantId, type TenantId } from '../model/index.js';
import {
  ROLES,
  TOKEN_SCOPES,
  type MembershipRow,
  type Role,
  type TokenScope,
} from '../state/index.js';
import { AccessValidationError } from './errors.js';

const USERNAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._@-]{0,63}$/;

/** Throws AccessValidationError (field `username`) unless `s` is a valid username. */
export function validUsername(s: string): string {
  if (!USERNAME_RE.test(s)) {
    throw new AccessValidationError(
      'username',
      `invalid username ${JSON.stringify(s)}: want 1-64 of [a-zA-Z0-9._@-], starting with a letter or digit`,
    );
  }
  return s;
}

/** A tenant id, or AccessValidationError (field `tenant`). */
export function validTenant(s: string): TenantId {
  try {
    return tenantId(s);
  } catch (err) {
    if (err instanceof InvalidTenantError) {
      throw new AccessValidationError('tenant', err.message, { cause: err });
    }
    throw err;
  }
}

export function validRole(s: string): Role {
  if (!(ROLES as readonly string[]).includes(s)) {
    throw new AccessValidationError(
      'role',
      `invalid role ${JSON.stringify(s)}: want one of ${ROLES.join(', ')}`,
    );
  }
  return s as Role;
}

export function validScope(s: string): TokenScope {
  if (!(TOKEN_SCOPES as readonly string[]).includes(s)) {
    throw new AccessValidationError(
      'scope',
      `invalid scope ${JSON.stringify(s)}: want one of ${TOKEN_SCOPES.join(', ')}`,
    );
  }
  return s as TokenScope;
}

/** The tenant a password/session acts in when none was asked for: `default` if the user has a role there, else the first membership. */
export function pickTenant(roles: readonly MembershipRow[]): string {
  if (roles.length === 0 || roles.some((r) => r.tenant === DEFAULT_TENANT)) return DEFAULT_TENANT;
  return [...roles].sort((a, b) => (a.tenant < b.tenant ? -1 : 1))[0].tenant;
}
