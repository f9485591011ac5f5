/**
 * What the health routes need from the server: one facade over the check engine, the services
 * engine and their stores (the server implements it in src/server/health.ts). Views are the
 * JSON the API returns (snake_case, times in ms since the epoch).
 */
import { ArgusError } from '../../util/index.js';

export type CheckStateView = 'unknown' | 'up' | 'down';
export type ServiceStatusView = 'up' | 'degraded' | 'down' | 'unknown' | 'maintenance';
export type SourceView = 'config' | 'api';

export interface ProbeResultView {
  success: boolean;
  duration_seconds: number;
  error?: string;
  /** blackbox-style gauges of this probe: name, labels, value. */
  metrics: { name: string; labels?: Record<string, string>; value: number }[];
  detail?: Record<string, string | number | boolean>;
}

export interface CheckRunView extends ProbeResultView {
  /** When the probe started. */
  at: number;
}

export interface CheckView {
  name: string;
  kind: string;
  description: string;
  /** The probed target (URL, host:port…): the `instance` label. */
  target: string;
  source: SourceView;
  enabled: boolean;
  interval_seconds: number;
  timeout_seconds: number;
  /** The definition as written (secrets as `{secret: name}` or "<secret>"), for editing. */
  definition: Record<string, unknown>;
  /** Services that include this check. */
  services: string[];
  state: CheckStateView;
  since: number;
  consecutive_failures: number;
  consecutive_successes: number;
  last_run?: CheckRunView;
  last_error?: string;
  last_error_at?: number;
  next_run_at?: number;
  /** Heartbeat checks: the URL a job pings (`…/ping/<token>`, `/start`, `/fail`). */
  ping_url?: string;
  /** API-managed checks: the version to send back when editing. */
  version?: number;
  updated_by?: string;
  updated_at?: number;
}

/** A state change of a check or service (and the error/root cause then). */
export interface HealthEventView {
  at: number;
  state: string;
  detail: Record<string, unknown>;
}

export interface UptimeView {
  /** Ratio 0..1 of known, non-maintenance time spent up; null when there is no data. */
  windows: {
    '24h': number | null;
    '7d': number | null;
    '30d': number | null;
    '90d': number | null;
  };
  /** The last 90 days, oldest first (UTC days). */
  daily: { day: string; ratio: number | null; down_seconds: number; maintenance_seconds: number }[];
}

export interface SloView {
  /** Percent, e.g. 99.9. */
  target: number;
  window_seconds: number;
  /** Ratio over the window (null without data). */
  availability: number | null;
  error_budget_seconds: number;
  /** Down time spent in the window. */
  spent_seconds: number;
  /** 1 = untouched, 0 = spent, negative = overspent. */
  remaining_ratio: number;
}

export interface MaintenanceView {
  id: number;
  service: string;
  starts_at: number;
  ends_at: number;
  comment: string;
  created_by: string;
  source: SourceView;
}

export interface ServiceView {
  name: string;
  description: string;
  source: SourceView;
  checks: { name: string; state: CheckStateView }[];
  depends_on: string[];
  public: boolean;
  status: ServiceStatusView;
  since: number;
  /** Root causes: down dependencies this service's problems are blamed on. */
  impacted_by: string[];
  maintenance?: MaintenanceView;
  slo?: { target: number; window_seconds: number };
  /** The definition as written, for editing. */
  definition: Record<string, unknown>;
  version?: number;
  updated_by?: string;
  updated_at?: number;
}

export interface OverallHealthView {
  /** Worst service status (maintenance ignored); `up` with no services. */
  status: ServiceStatusView;
  root_causes: string[];
  services: ServiceView[];
  /** Checks in no service (their states count in `status` as services of one check do not). */
  counts: { checks: number; up: number; down: number; unknown: number };
}

/** One probe's figures from the metrics store (for charts). */
export interface ResultPointView {
  at: number;
  success: boolean;
  duration_seconds: number;
  /** Present for recent probes the engine still holds. */
  error?: string;
}

/** What the public status page shows: public services only, nothing else. */
export interface PublicStatusView {
  title: string;
  status: ServiceStatusView;
  updated_at: number;
  services: {
    name: string;
    description: string;
    status: ServiceStatusView;
    uptime_90d: number | null;
    daily: { day: string; ratio: number | null }[];
  }[];
  /** Current and upcoming (7 days) maintenance of public services. */
  maintenance: { service: string; starts_at: number; ends_at: number; comment: string }[];
  /** Public services currently down or degraded. */
  outages: { service: string; status: ServiceStatusView; since: number }[];
}

/** The facade. Methods throw the errors below (the routes map them to HTTP statuses). */
export interface HealthApiSource {
  kinds(): { name: string; description: string }[];

  checks(tenant: string): Promise<CheckView[]>;
  check(tenant: string, name: string): Promise<CheckView | undefined>;
  /** Create (no version) or replace (the version edited) an API check; applied at once. */
  saveCheck(
    tenant: string,
    name: string,
    definition: Record<string, unknown>,
    actor: string,
    version?: number,
  ): Promise<CheckView>;
  deleteCheck(tenant: string, name: string, actor: string): Promise<void>;
  /** Probes now, outside the schedule (the result also counts like a scheduled one). */
  runCheck(tenant: string, name: string): Promise<CheckRunView>;
  /** Probes an unsaved definition once through the API guard (the editor's "Test"). */
  tryCheck(tenant: string, definition: Record<string, unknown>): Promise<CheckRunView>;
  results(tenant: string, name: string, from: number, to: number): Promise<ResultPointView[]>;
  history(
    tenant: string,
    subject: 'check' | 'service',
    name: string,
    from: number,
    to: number,
    limit: number,
  ): Promise<HealthEventView[]>;
  uptime(tenant: string, subject: 'check' | 'service', name: string): Promise<UptimeView>;

  services(tenant: string): Promise<ServiceView[]>;
  service(tenant: string, name: string): Promise<ServiceView | undefined>;
  saveService(
    tenant: string,
    name: string,
    definition: Record<string, unknown>,
    actor: string,
    version?: number,
  ): Promise<ServiceView>;
  deleteService(tenant: string, name: string, actor: string): Promise<void>;
  slo(tenant: string, name: string): Promise<SloView | undefined>;
  health(tenant: string): Promise<OverallHealthView>;

  maintenance(tenant: string, service?: string): Promise<MaintenanceView[]>;
  addMaintenance(
    tenant: string,
    w: { service: string; starts_at: number; ends_at: number; comment: string },
    actor: string,
  ): Promise<MaintenanceView>;
  deleteMaintenance(tenant: string, id: number, actor: string): Promise<void>;

  /** A heartbeat ping; false when the token matches no check. */
  ping(token: string, kind: 'success' | 'start' | 'fail', message?: string): boolean;
  /** The public status page of a tenant (undefined: the tenant has no public service). */
  statusPage(tenant: string): Promise<PublicStatusView | undefined>;
}

export class HealthApiError extends ArgusError {}
/** The definition does not validate; `problems` are `field: message` lines. */
export class HealthInvalidError extends HealthApiError {
  constructor(
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(problems.join('; '), options);
  }
}
export class HealthNotFoundError extends HealthApiError {}
/** Exists already (create), saved since the version edited, or provisioned (read-only). */
export class HealthConflictError extends HealthApiError {}
