import { Counter, Gauge, type Registry } from 'prom-client';
import type { CheckEngineMetrics } from '../checks/index.js';

/**
 * The check engine's own metrics, read at /metrics time: probes run, skipped (still running
 * when due again), timed out, state changes, samples written, and the scheduling lag.
 */
export function healthMetrics(registry: Registry, stats: () => CheckEngineMetrics): void {
  if (registry.getSingleMetric('argus_check_runs_total')) return;
  const counter = (name: string, help: string, get: (m: CheckEngineMetrics) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(get(stats()));
      },
    });
  const gauge = (name: string, help: string, get: (m: CheckEngineMetrics) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(get(stats()));
      },
    });
  gauge('argus_checks', 'Health checks scheduled (all tenants).', (m) => m.checks);
  gauge('argus_check_probes_running', 'Probes in flight.', (m) => m.running);
  gauge(
    'argus_check_probes_waiting',
    'Probes due but waiting for a slot (health.concurrency).',
    (m) => m.queuedForSlot,
  );
  counter('argus_check_runs_total', 'Probes run.', (m) => m.runsTotal);
  counter(
    'argus_check_skipped_total',
    'Runs skipped because the previous probe of the check was still running.',
    (m) => m.skippedTotal,
  );
  counter('argus_check_timeouts_total', 'Probes that hit their timeout.', (m) => m.timeoutsTotal);
  counter(
    'argus_check_state_changes_total',
    'Flap-protected check state changes.',
    (m) => m.stateChangesTotal,
  );
  counter(
    'argus_check_samples_appended_total',
    'probe_* samples written to the store.',
    (m) => m.samplesAppendedTotal,
  );
  counter(
    'argus_check_samples_dropped_total',
    'probe_* samples the store refused.',
    (m) => m.samplesDroppedTotal,
  );
  const lag = new Gauge({
    name: 'argus_check_scheduling_lag_seconds',
    help: '|actual start − due time| of recent scheduled probes.',
    labelNames: ['quantile'] as const,
    registers: [registry],
    collect() {
      const m = stats();
      this.set({ quantile: '0.5' }, m.schedulingLagP50Ms / 1000);
      this.set({ quantile: '0.99' }, m.schedulingLagP99Ms / 1000);
      this.set({ quantile: '1' }, m.schedulingLagMaxMs / 1000);
    },
  });
  void lag;
}
