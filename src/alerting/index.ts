/**
 * @module alerting
 * Alertmanager-compatible alerting: the Alertmanager configuration (loaded unchanged, plus the
 * Argus extensions in docs/user/alertmanager-config.md), matchers, the routing tree and time
 * intervals. Notification, silences and inhibition build on these.
 */
export {
  parseAlertmanagerConfig,
  type AlertmanagerConfig,
  type ParseOptions,
  type ParseResult,
} from './config/parse.js';
export type {
  RawRoute,
  GlobalConfig,
  InhibitRuleConfig,
  TimeIntervalConfig,
  EscalationPolicyConfig,
} from './config/schema.js';
export type { Receiver, IntegrationKey } from './config/receivers-schema.js';
export { IMPLEMENTED as IMPLEMENTED_INTEGRATIONS } from './config/receivers-schema.js';
export type { HttpConfig } from './config/http-schema.js';
export { Secret, SECRET_TEXT } from './config/secret.js';
export { parseMatcher, parseMatchers, MatcherParseError } from './matchers/parse.js';
export { compareMatchers, formatMatcher, formatMatchers, goQuote } from './matchers/format.js';
export {
  Route,
  buildRouteTree,
  groupKey,
  groupLabels,
  DEFAULT_GROUP_WAIT_MS,
  DEFAULT_GROUP_INTERVAL_MS,
  DEFAULT_REPEAT_INTERVAL_MS,
  type RouteOpts,
} from './route/route.js';
export {
  parseTimePeriod,
  isValidLocation,
  TimeIntervalError,
  type TimePeriod,
  type RawTimePeriod,
  type Range,
} from './timeinterval/parse.js';
export { contains, periodContains } from './timeinterval/contains.js';
