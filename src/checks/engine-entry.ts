/** The engine's record of one scheduled check (internal to the engine). */
import type { TenantId } from '../model/index.js';
import type { OutboundGuard } from '../net/index.js';
import type { CheckDefinition } from './definition.js';
import type { SeriesSet } from './metrics-writer.js';
import type { ProbeAbort } from './probe.js';
import type { CheckRun, CheckSource, CheckState, CheckStatus } from './status.js';
import type { CheckStateRow } from './state-writer.js';
import type { AnyCheckKind, HeartbeatView } from './types.js';

export interface Entry {
  readonly key: string;
  readonly tenant: TenantId;
  readonly name: string;
  readonly def: CheckDefinition;
  readonly source: CheckSource;
  readonly kind: AnyCheckKind;
  readonly target: string;
  readonly guard: OutboundGuard;
  /** Definition + source + services as JSON: a different value means "changed". */
  readonly fingerprint: string;
  readonly offset: number;
  readonly series: SeriesSet;
  readonly token: string;
  /** Bumped when the entry is rescheduled or removed: heap items of older generations are dropped. */
  gen: number;
  removed: boolean;
  /** The grid time of the next run (without jitter) and its due time (with jitter). */
  nextGrid: number;
  nextDue?: number;
  running?: Promise<CheckRun | undefined>;
  /** A heartbeat ping arrived while a run was in flight: run again when it ends. */
  pinged?: boolean;
  abort?: ProbeAbort;
  state: CheckState;
  since: number;
  failures: number;
  successes: number;
  lastRun?: CheckRun;
  lastAt?: number;
  lastError?: string;
  lastErrorAt?: number;
  history: CheckRun[];
  /** The persisted part of the row as last queued (see persistedView). */
  persisted: string;
  heartbeat: { -readonly [K in keyof HeartbeatView]: HeartbeatView[K] };
}

export function entryStatus(e: Entry): CheckStatus {
  return {
    tenant: e.tenant,
    name: e.name,
    kind: e.def.kind,
    target: e.target,
    source: e.source,
    state: e.state,
    since: e.since,
    consecutiveFailures: e.failures,
    consecutiveSuccesses: e.successes,
    ...(e.lastRun ? { lastRun: e.lastRun } : {}),
    ...(e.lastError !== undefined ? { lastError: e.lastError, lastErrorAt: e.lastErrorAt } : {}),
    ...(e.def.enabled && !e.removed && e.nextDue !== undefined ? { nextRunAt: e.nextDue } : {}),
  };
}

export function entryRow(e: Entry): CheckStateRow {
  return {
    tenant: e.tenant,
    name: e.name,
    state: e.state,
    since: e.since,
    failures: e.failures,
    successes: e.successes,
    last_at: e.lastAt ?? null,
    last_error_at: e.lastErrorAt ?? null,
    last_error: e.lastError ?? null,
    last_ping: e.heartbeat.lastPing ?? null,
    last_start: e.heartbeat.lastStart ?? null,
    last_fail: e.heartbeat.lastFail ?? null,
    last_fail_message: e.heartbeat.lastFailMessage ?? null,
  };
}
