/**
 * @module net
 * The outbound-request guard. Every request to a destination a user supplied (checks, webhooks,
 * notification channels, scrape targets entered in the UI/API) goes through `guardedRequest`,
 * `guardedConnect` or `guardedResolve`, which refuse loopback, private, link-local, metadata and
 * other non-public addresses in every spelling, check the RESOLVED address at connect time (DNS
 * rebinding) and re-check every redirect. Operators allow-list exceptions in `outbound.allow`.
 */
export { classifyAddress, classifyName, type AddressClass } from './address.js';
export { parseHostLiteral } from './ip.js';
export {
  OutboundGuard,
  type OutboundGuardOptions,
  type CheckResult,
  type AddressResolver,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TIMEOUT_MS,
} from './guard.js';
export {
  guardedRequest,
  type GuardedRequestOptions,
  type GuardedResponse,
  type HopInfo,
  type HopTimings,
  type HopTls,
} from './fetch.js';
export {
  guardedConnect,
  guardedResolve,
  type GuardedConnectOptions,
  type GuardedResolveOptions,
} from './connect.js';
export {
  type BlockReason,
  OutboundError,
  OutboundBlockedError,
  InvalidDestinationError,
  InvalidAllowEntryError,
  ResponseTooLargeError,
  OutboundTimeoutError,
  TooManyRedirectsError,
  ResolveError,
} from './errors.js';
export {
  outboundConfigSchema,
  type OutboundConfig,
  defaultOutboundConfig,
  guardFromConfig,
} from './config.js';
