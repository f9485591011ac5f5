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
export {
  Dispatcher,
  type DispatcherOptions,
  type MuterEntry,
  type AlertState,
  type AlertStatus,
  type GroupView,
} from './dispatch/dispatcher.js';
export { realScheduler, FakeScheduler, type Scheduler, type Timer } from './notify/clock.js';
export { needsUpdate, type NflogEntry, type DedupInput } from './notify/nflog.js';
export {
  Notifier,
  backoffMs,
  RESOLVED_EXPIRY_MS,
  type NotifierOptions,
  type NotifyStats,
  type Offer,
} from './notify/notifier.js';
export {
  listOutbox,
  listReceipts,
  pruneOutbox,
  type OutboxRow,
  type Receipt,
} from './notify/outbox.js';
export { AckStore, type AckRecord, type AckTarget } from './notify/ack.js';
export { AckSigner, AckTokenError, type AckTokenPayload } from './notify/ack-token.js';
export { Escalator, planSteps, type EscalationStep } from './notify/escalation.js';
export {
  AlertHistory,
  HISTORY_KINDS,
  type HistoryKind,
  type HistoryEntry,
  type HistoryInput,
  type HistoryQuery,
  type ResponseTimes,
} from './history/history.js';
export {
  SqliteAlertProvider,
  DEFAULT_RESOLVE_TIMEOUT_MS,
  DEFAULT_ALERT_RETENTION_MS,
  DEFAULT_MAX_ALERTS_PER_TENANT,
  type AlertProviderOptions,
} from './alerts/sqlite-provider.js';
export { fingerprint, merge as mergeAlerts, type HeldAlert } from './alerts/merge.js';
export { validateAlert } from './alerts/validate.js';
export { AlertValidationError, AlertLimitError } from './alerts/errors.js';
export {
  SqliteSilences,
  DEFAULT_SILENCE_RETENTION_MS,
  DEFAULT_MAX_SILENCES_PER_TENANT,
  type SilencesOptions,
} from './silence/sqlite-silences.js';
export {
  silenceState,
  silenceMatches,
  compareSilences,
  type Silence,
  type SilenceInput,
  type SilenceState,
} from './silence/silence.js';
export { validateSilence } from './silence/validate.js';
export {
  SilenceValidationError,
  SilenceNotFoundError,
  SilenceLimitError,
} from './silence/errors.js';
export { Inhibitor, inhibitRules, type InhibitRule } from './inhibit/inhibitor.js';
export {
  CHANNELS,
  createChannels,
  testNotification,
  testNotificationFor,
  webhookMessage,
  signBody,
  eventAction,
  templateData,
  TemplateData,
  TemplateAlert,
  defaultTemplateSet,
  loadTemplateSet,
  TemplateLoadError,
  type ChannelContext,
  type ChannelFactory,
  type TestResult,
  type WebhookConfig,
} from './notify/channels/index.js';
export type { Channel, Notification, NotifyAlert, DeliveryResult } from './notify/types.js';
export type { AlertProvider, Muter, StoredAlert } from './types.js';
export {
  loadTenantConfig,
  receiverChannels,
  API_CONFIG_FILE,
  TenantConfigError,
  TenantConfigInvalidError,
  TenantConfigConflictError,
  TenantConfigNotFoundError,
  type LoadedReceivers,
} from './tenant-config/load.js';
export { hideSecrets, restoreSecrets } from './tenant-config/secrets.js';
export {
  policiesView,
  editPolicies,
  routePath,
  type PoliciesView,
  type PolicyView,
  type PolicyLevel,
  type PolicyEdit,
  type RouteView,
} from './tenant-config/policies.js';
export {
  SqliteTenantConfigs,
  type StoredTenantConfig,
} from './tenant-config/sqlite-tenant-configs.js';
