/**
 * @module dashboards
 * Dashboards: the JSON format (schemaVersion 1, a strict zod schema with errors that name the
 * path), the per-tenant store with version history and optimistic concurrency (`DashboardStore`,
 * SQLite through the state store so every change is audited in its transaction), provisioning
 * of read-only dashboards from files, and a best-effort Grafana JSON converter for imports.
 */
export {
  dashboardSchema,
  parseDashboard,
  formatPath,
  LIMITS,
  GRID_COLUMNS,
  PANEL_TYPES,
  COLOR_NAMES,
  UID_RE,
  type Dashboard,
  type Panel,
  type Variable,
  type PanelType,
} from './schema.js';
export {
  DashboardError,
  DashboardValidationError,
  DashboardNotFoundError,
  DashboardConflictError,
  DashboardReadOnlyError,
} from './errors.js';
export type {
  DashboardStore,
  DashboardMeta,
  StoredDashboard,
  VersionMeta,
  StoredVersion,
} from './store.js';
export { SqliteDashboards, MAX_VERSIONS } from './sqlite-store.js';
export { toArgusDashboard, uidFrom, type ConvertedDashboard } from './convert.js';
export { isGrafanaDashboard } from './grafana.js';
export {
  provisionDashboards,
  MAX_FILE_BYTES,
  type ProvisionReport,
  type ProvisionProblem,
  type ProvisionOptions,
} from './provisioning.js';
export { dashboardsConfigSchema, type DashboardsConfig } from './config.js';
