/**
 * Services: groups of checks with dependencies on other services, and what their health is.
 */
import { z } from 'zod';
import { zDuration } from '../config/index.js';
import {
  zName,
  type CheckState,
  type CheckStateChange,
  type CheckStatus,
} from '../checks/index.js';
import type { TenantId } from '../model/index.js';

/** Aggregated service status. */
export type ServiceStatus = 'up' | 'degraded' | 'down' | 'unknown' | 'maintenance';

export const serviceDefinitionSchema = z
  .object({
    name: zName,
    description: z.string().max(1000).default(''),
    /** Names of checks (kind `promql` for PromQL conditions) whose states make the status. */
    checks: z.array(zName).default([]),
    /** Services this one needs. A DAG: cycles are refused naming the cycle. */
    depends_on: z.array(zName).default([]),
    /** Shown on the public status page (name, description, status, uptime; nothing else). */
    public: z.boolean().default(false),
    /** Optional SLO: availability target in percent over a rolling window. */
    slo: z
      .object({
        target: z.number().gt(0).lt(100),
        window: zDuration.default(30 * 86_400_000),
      })
      .strict()
      .optional(),
    /** Default `severity` of alerts for this service's checks (a check's own wins when set). */
    severity: z.string().min(1).max(64).optional(),
    /** Extra labels on the service's alerts. */
    labels: z.record(z.string(), z.string()).default({}),
    /**
     * Recurring or fixed maintenance windows from config (API windows are stored separately).
     * RFC 3339 start/end.
     */
    maintenance: z
      .array(
        z
          .object({
            start: z.iso.datetime({ offset: true }),
            end: z.iso.datetime({ offset: true }),
            comment: z.string().default(''),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type ServiceDefinition = z.output<typeof serviceDefinitionSchema>;

/** A maintenance window (ms). */
export interface MaintenanceWindow {
  readonly id: number;
  readonly service: string;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly comment: string;
  readonly createdBy: string;
  readonly source: 'config' | 'api';
}

/** A service's health at one moment. */
export interface ServiceHealth {
  readonly name: string;
  readonly status: ServiceStatus;
  /** When the status last changed (ms). */
  readonly since: number;
  /** Checks of this service and their states. */
  readonly checks: readonly { readonly name: string; readonly state: CheckState }[];
  /**
   * Down dependencies (transitively) that are themselves root causes: this service's problems
   * are blamed on them and its alerts suppressed in their favour. Empty when none.
   */
  readonly impactedBy: readonly string[];
  /** The maintenance window in force, if any. */
  readonly maintenance?: MaintenanceWindow;
}

/**
 * What the health engine reads from the check engine. The check engine implements it; the
 * health module depends only on this.
 */
export interface CheckStateSource {
  /** The current status of every check of `tenant` (config and API). MUST be cheap and sync. */
  statuses(tenant: TenantId): readonly CheckStatus[];
  /**
   * Subscribes to flap-protected state changes (all tenants). Returns the unsubscribe function.
   * `fn` MUST NOT throw; it is called after the change is visible through `statuses`.
   */
  onStateChange(fn: (c: CheckStateChange) => void): () => void;
}

/** What an alert needs to know about a check beyond its state (from its definition). */
export interface CheckAlertInfo {
  readonly name: string;
  readonly kind: string;
  /** The `instance` label. */
  readonly target: string;
  /** The check's own severity; the service's, then `critical`, when unset. */
  readonly severity?: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A service definition with where it comes from (argus.yml is read-only in the API/UI). */
export interface ServiceEntry {
  readonly definition: ServiceDefinition;
  readonly source: 'config' | 'api';
}

/** The health API's answer for one tenant. */
export interface TenantHealth {
  /** Worst service status (maintenance ignored); `unknown` with no services. */
  readonly status: ServiceStatus;
  readonly services: readonly ServiceHealth[];
  /** Down services with no down dependency of their own, sorted. */
  readonly rootCauses: readonly string[];
}
