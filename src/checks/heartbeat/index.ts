/**
 * @module checks/heartbeat
 * Push checks, like healthchecks.io: a cron job calls the check's URL (`…/ping/<token>`, or
 * `/start` and `/fail`) and the check is down when the job stops calling. The kind is passive:
 * the engine records pings and runs the probe on each ping and every `interval`.
 *
 * The rule, evaluated at probe time `now` (first match wins):
 * 1. the last `/fail` ping is at or after the last success ping → down ("job reported failure");
 * 2. a `/start` ping without a later success or fail ping is older than `grace` → down
 *    ("started but did not finish");
 * 3. no success ping for longer than `period + grace` (counted from the last success ping, or
 *    from when the check appeared when it never got one) → down ("late");
 * 4. otherwise up.
 *
 * Metrics: `argus_heartbeat_last_ping_timestamp_seconds` (the last success ping, Unix seconds;
 * absent before the first one), `argus_heartbeat_age_seconds` (seconds since that ping, or
 * since the check appeared).
 */
import { z } from 'zod';
import { formatDuration, zDuration } from '../../config/index.js';
import type { CheckKind, ProbeMetric } from '../types.js';

export const heartbeatSchema = z
  .object({
    /** How often the job is expected to ping. */
    period: zDuration,
    /** Extra time allowed after `period` (and the longest a started run may take). */
    grace: zDuration.default(5 * 60_000),
  })
  .strict()
  .refine((s) => s.period > 0, { message: 'period: must be positive', path: ['period'] });
export type HeartbeatSpec = z.output<typeof heartbeatSchema>;

const iso = (ms: number): string => new Date(ms).toISOString();

export const heartbeatKind: CheckKind<HeartbeatSpec> = {
  name: 'heartbeat',
  description: 'Down when a job stops pinging its URL within period + grace (push check).',
  schema: heartbeatSchema,
  passive: true,
  // A `/fail` ping or a missed period is down at once: the job already decided it failed.
  // …and lateness is noticed within 10 s (a passive check costs nothing to run).
  defaults: { failure_threshold: 1, interval: 10_000 },
  target: (s) => `heartbeat every ${formatDuration(s.period)}`,
  probe(s, ctx) {
    const now = ctx.now();
    const hb = ctx.heartbeat;
    const ref = hb.lastPing ?? hb.since;
    const metrics: ProbeMetric[] = [];
    // ref 0: restored as down without a ping (the engine does not know when it appeared).
    if (ref > 0)
      metrics.push({
        name: 'argus_heartbeat_age_seconds',
        value: Math.max(0, now - ref) / 1000,
        help: 'Seconds since the last success ping (or since the check appeared).',
      });
    if (hb.lastPing !== undefined)
      metrics.push({
        name: 'argus_heartbeat_last_ping_timestamp_seconds',
        value: hb.lastPing / 1000,
        help: 'When the last success ping arrived (Unix seconds).',
      });
    const fail = (error: string) =>
      Promise.resolve({ success: false, durationSeconds: 0, error, metrics });
    if (hb.lastFail !== undefined && hb.lastFail >= (hb.lastPing ?? -Infinity)) {
      const msg = hb.lastFailMessage ? `: ${hb.lastFailMessage}` : '';
      return fail(`the job reported failure at ${iso(hb.lastFail)}${msg}`);
    }
    if (hb.lastStart !== undefined && now - hb.lastStart > s.grace)
      return fail(
        `the job started at ${iso(hb.lastStart)} and did not finish within grace ${formatDuration(s.grace)}`,
      );
    if (now - ref > s.period + s.grace) {
      const since =
        hb.lastPing !== undefined
          ? `since ${iso(ref)}`
          : ref > 0
            ? `since the check appeared at ${iso(ref)}`
            : 'since the check appeared';
      return fail(
        `late: no ping ${since}${ref > 0 ? ` (${formatDuration(now - ref)})` : ''}, want one every ${formatDuration(s.period)} + grace ${formatDuration(s.grace)}`,
      );
    }
    return Promise.resolve({ success: true, durationSeconds: 0, metrics });
  },
};
export default heartbeatKind;
