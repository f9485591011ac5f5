import { Gauge, type Registry } from 'prom-client';
import type { HostCollectorStats } from '../hostmetrics/index.js';
import type { ScrapeManager } from '../scrape/index.js';

/**
 * Argus's own metrics about collection, read at /metrics time: scrape targets by job and health
 * (as Prometheus's `up` summarised), and the host collector's ticks, overruns and errors.
 */
export function collectionMetrics(
  registry: Registry,
  scrape: ScrapeManager,
  host: () => HostCollectorStats | undefined,
): void {
  if (registry.getSingleMetric('argus_scrape_targets')) return;
  new Gauge({
    name: 'argus_scrape_targets',
    help: 'Scrape targets, by tenant, job and health (up, down, unknown = not scraped yet).',
    labelNames: ['tenant', 'job', 'health'],
    registers: [registry],
    collect() {
      this.reset();
      for (const t of scrape.activeTargets())
        this.inc({ tenant: t.tenant, job: t.scrapePool, health: t.health });
    },
  });
  new Gauge({
    name: 'argus_scrape_targets_dropped',
    help: 'Discovered targets dropped by relabel_configs, by tenant and job.',
    labelNames: ['tenant', 'job'],
    registers: [registry],
    collect() {
      this.reset();
      for (const t of scrape.droppedTargets()) this.inc({ tenant: t.tenant, job: t.scrapePool });
    },
  });
  const stat = (name: string, help: string, get: (s: HostCollectorStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const s = host();
        this.set(s === undefined ? 0 : get(s));
      },
    });
  stat('argus_host_collector_ticks', 'Host collector runs since start.', (s) => s.ticks);
  stat(
    'argus_host_collector_overruns',
    'Host collector runs skipped because the previous one was still running.',
    (s) => s.overruns,
  );
  stat(
    'argus_host_collector_append_errors',
    'Host collector runs whose samples the store refused.',
    (s) => s.appendErrors,
  );
  new Gauge({
    name: 'argus_host_collector_errors',
    help: 'Failed runs per host collector (cpu, meminfo, …).',
    labelNames: ['collector'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [c, n] of host()?.collectorErrors ?? []) this.set({ collector: c }, n);
    },
  });
}
