/**
 * @module tenancy
 * Per-tenant limits with safe defaults (ingestion samples/s with a burst, active series,
 * request body size, concurrent queries, query samples and series), configured under
 * `limits:` in argus.yml with per-tenant overrides and reloadable. Refusals are
 * `TenantLimitError`s (HTTP 429) and count in `argus_tenant_limit_exceeded_total`.
 * See docs/user/limits.md.
 */
export {
  defaultLimitsConfig,
  LIMIT_DEFAULTS,
  limitsConfigSchema,
  tenantLimitsSchema,
  type LimitsConfig,
  type TenantLimitsConfig,
} from './config.js';
export { TenantLimitError, type LimitName } from './errors.js';
export {
  resolveLimits,
  TenantLimits,
  type QueryGate,
  type ResolvedLimits,
  type TenantLimitsOptions,
} from './limits.js';
