/**
 * @module health
 * Services and their dependencies: aggregated status (up / degraded / down / unknown /
 * maintenance), root causes ("impacted by X"), alerts for check state changes with dependents
 * suppressed in favour of the root cause, maintenance windows, uptime and SLOs.
 */
export * from './types.js';
export { validateServices, type ServiceRefs } from './validate.js';
export {
  statusOfChecks,
  rootCauses,
  evaluateServices,
  overall,
  activeWindow,
  type ServiceEval,
} from './aggregate.js';
export {
  uptimeReport,
  sloReport,
  uptimeTotals,
  mergeIntervals,
  UPTIME_WINDOWS,
  type Uptime,
  type UptimeWindow,
  type DailyUptime,
  type SloReport,
  type StateEvent,
  type Interval,
} from './uptime.js';
export { ALERT_NAME, checkURL, desiredAlerts, AlertTracker, type AlertBase } from './alerts.js';
export {
  HealthError,
  HealthInvalidError,
  HealthNotFoundError,
  HealthConflictError,
} from './errors.js';
export { type HealthEvent } from './events.js';
export {
  SqliteMaintenanceStore,
  MAX_WINDOW_MS,
  type NewMaintenanceWindow,
  type MaintenanceFilter,
} from './maintenance-store.js';
export {
  SqliteServiceStore,
  parseServiceDefinition,
  type StoredService,
  type ServicePutOptions,
} from './service-store.js';
export { HealthEngine, type HealthEngineOptions, type SubjectKind } from './engine.js';
