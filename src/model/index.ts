/**
 * @module model
 * Value types every module shares: label sets, matchers, tenant ids, sample constants.
 * No I/O.
 */
export { Labels, METRIC_NAME, InvalidLabelsError, cmpStr } from './labels.js';
export {
  validateLabels,
  isWellFormed,
  DEFAULT_LABEL_LIMITS,
  type LabelLimits,
  type NameValidation,
} from './validation.js';
export { Matcher, InvalidMatcherError, type MatchType } from './matcher.js';
export { DEFAULT_TENANT, tenantId, InvalidTenantError, type TenantId } from './tenant.js';
export { STALE_NAN_BITS, staleNaN, isStaleNaN, sameFloatBits } from './sample.js';
export { isResolved, type Alert } from './alert.js';
