/**
 * Flap protection: a check's state changes only after `failure_threshold` consecutive failed
 * probes (to down) or `success_threshold` consecutive successful ones (to up). From `unknown`,
 * whichever threshold is reached first decides. Pure: the engine keeps the counters.
 */
import type { CheckState } from './status.js';

export interface FlapState {
  readonly state: CheckState;
  /** Consecutive failed probes (0 after a success). */
  readonly failures: number;
  /** Consecutive successful probes (0 after a failure). */
  readonly successes: number;
}

export interface FlapThresholds {
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

/** The state after one more probe. Counters saturate at 1e6 so they never grow unbounded. */
export function applyProbe(s: FlapState, success: boolean, t: FlapThresholds): FlapState {
  const failures = success ? 0 : Math.min(s.failures + 1, 1e6);
  const successes = success ? Math.min(s.successes + 1, 1e6) : 0;
  let state = s.state;
  if (state !== 'down' && failures >= t.failureThreshold) state = 'down';
  else if (state !== 'up' && successes >= t.successThreshold) state = 'up';
  return { state, failures, successes };
}
