/**
 * What the engine knows about a check at run time, and the events it emits. The health module
 * (services, dependencies, alerts) and the API read these; they are the engine's public output.
 */
import type { TenantId } from '../model/index.js';
import type { CheckDefinition } from './definition.js';
import type { ProbeResult } from './types.js';

/** Flap-protected state: `unknown` until `failure_threshold`/`success_threshold` probes agree. */
export type CheckState = 'unknown' | 'up' | 'down';

/** Where a definition comes from: argus.yml (read-only in the API/UI) or the API. */
export type CheckSource = 'config' | 'api';

/** One probe's outcome as the engine keeps it (the last N per check, in memory). */
export interface CheckRun {
  /** When the probe started (ms). */
  readonly at: number;
  readonly result: ProbeResult;
}

export interface CheckStatus {
  readonly tenant: TenantId;
  readonly name: string;
  readonly kind: string;
  /** The kind's `target(spec)`: the `instance` label. */
  readonly target: string;
  readonly source: CheckSource;
  readonly state: CheckState;
  /** When it entered `state` (ms). */
  readonly since: number;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  readonly lastRun?: CheckRun;
  /** The error of the last failed probe (kept after later successes, for the UI). */
  readonly lastError?: string;
  readonly lastErrorAt?: number;
  /** When the next probe is due (ms); undefined when disabled. */
  readonly nextRunAt?: number;
}

/** Emitted when a check's flap-protected state changes (persisted as a health event). */
export interface CheckStateChange {
  readonly tenant: TenantId;
  readonly check: string;
  readonly from: CheckState;
  readonly to: CheckState;
  readonly at: number;
  /** The failing probe's error when `to` is down. */
  readonly error?: string;
}

/** A definition with where it came from (what the engine schedules). */
export interface ScheduledCheck {
  readonly definition: CheckDefinition;
  readonly source: CheckSource;
  /** The services the check belongs to: the `service` label of its metrics. */
  readonly services?: readonly string[];
}
