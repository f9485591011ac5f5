/** Tables of the alerts benchmark: delivery latency per system, dispatch CPU and memory. */
import type { DispatchResult } from './alerts-dispatch.js';
import type { LatencyResult } from './alerts-latency.js';
import { secs } from './alerts-stats.js';
import { textTable } from './table.js';

/** The stretch target: p95 at most 100 ms whatever the evaluation interval. */
export const STRETCH_P95_MS = 100;

const NAMES: Record<string, string> = {
  prometheus: 'prometheus+alertmanager',
  argus: 'argus',
};

export function latencyVerdict(results: readonly LatencyResult[]): {
  ratioP95?: number;
  targetMet?: boolean;
  stretchMet?: boolean;
} {
  const a = results.find((r) => r.peer === 'argus');
  const p = results.find((r) => r.peer === 'prometheus');
  const ratioP95 = a && p ? a.latencyMs.p95 / p.latencyMs.p95 : undefined;
  return {
    ratioP95,
    targetMet: ratioP95 === undefined ? undefined : ratioP95 <= 1,
    stretchMet: a === undefined ? undefined : a.latencyMs.p95 <= STRETCH_P95_MS,
  };
}

export function renderLatency(results: readonly LatencyResult[]): string {
  const rows = results.map((r) => [
    NAMES[r.peer],
    `${r.delivered}/${r.alerts}`,
    secs(r.latencyMs.p50),
    secs(r.latencyMs.p95),
    secs(r.latencyMs.p99),
    secs(r.latencyMs.max),
    `${secs(r.waitMs.p50)} / ${secs(r.waitMs.p95)}`,
    `${secs(r.afterEvalMs.p50)} / ${secs(r.afterEvalMs.p95)} / ${secs(r.afterEvalMs.max)}`,
  ]);
  const a = results.find((r) => r.peer === 'argus');
  const p = results.find((r) => r.peer === 'prometheus');
  if (a && p) {
    const x = (k: 'p50' | 'p95' | 'p99' | 'max'): string =>
      `${(a.latencyMs[k] / p.latencyMs[k]).toFixed(2)}×`;
    rows.push(['argus/peer', '', x('p50'), x('p95'), x('p99'), x('max'), '', '']);
  }
  const v = latencyVerdict(results);
  if (v.targetMet !== undefined)
    rows.push(['target p95 ≤ 1.0× peer', '', '', v.targetMet ? 'met' : 'MISSED', '', '', '', '']);
  if (v.stretchMet !== undefined)
    rows.push(['stretch p95 ≤ 0.1 s', '', '', v.stretchMet ? 'met' : 'not met', '', '', '', '']);
  return textTable(
    [
      'system',
      'mailed',
      'p50 s',
      'p95 s',
      'p99 s',
      'max s',
      'wait for eval p50/p95 s',
      'after eval p50/p95/max s',
    ],
    rows,
  );
}

/** The pipeline's own share in Argus: the run with alerting minus the rules-only baseline. */
export function argusPipeline(
  results: readonly DispatchResult[],
): { cpuSeconds: number; rssBytes: number; peakRssBytes: number } | undefined {
  const a = results.find((r) => r.run === 'argus');
  const b = results.find((r) => r.run === 'argus-baseline');
  if (!a || !b) return undefined;
  return {
    cpuSeconds: a.cpuSeconds - b.cpuSeconds,
    rssBytes: a.rssBytes - b.rssBytes,
    peakRssBytes: a.peakRssBytes - b.peakRssBytes,
  };
}

export function renderDispatch(results: readonly DispatchResult[], windowS: number): string {
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const rows = results.map((r) => [
    r.run === 'alertmanager' ? 'alertmanager 0.25' : r.run,
    r.cpuSeconds.toFixed(2),
    `${((r.cpuSeconds / windowS) * 100).toFixed(1)}%`,
    mib(r.rssBytes),
    mib(r.peakRssBytes),
    r.run === 'argus-baseline' ? '-' : `${r.groupsNotified}`,
    r.run === 'argus-baseline' ? '-' : `${r.webhooks}`,
    r.run === 'argus-baseline' ? '-' : `${r.alertsNotified}`,
    r.run === 'argus-baseline' ? '-' : secs(r.allGroupsMs),
  ]);
  const pipe = argusPipeline(results);
  const am = results.find((r) => r.run === 'alertmanager');
  if (pipe) {
    rows.push([
      'argus pipeline (minus baseline)',
      pipe.cpuSeconds.toFixed(2),
      `${((pipe.cpuSeconds / windowS) * 100).toFixed(1)}%`,
      mib(pipe.rssBytes),
      mib(pipe.peakRssBytes),
      '',
      '',
      '',
      '',
    ]);
    if (am) {
      rows.push([
        'argus pipeline / alertmanager',
        `${(pipe.cpuSeconds / am.cpuSeconds).toFixed(2)}×`,
        '',
        `${(pipe.rssBytes / am.rssBytes).toFixed(2)}×`,
        `${(pipe.peakRssBytes / am.peakRssBytes).toFixed(2)}×`,
        '',
        '',
        '',
        '',
      ]);
    }
  }
  return textTable(
    ['run', 'CPU s', 'CPU/core', 'RSS', 'peak RSS', 'groups', 'webhooks', 'alerts', 'all groups s'],
    rows,
  );
}

/** Argus's steps after the evaluation (medians and p95, from its state database). */
export function renderStages(results: readonly LatencyResult[]): string {
  const st = results.find((r) => r.peer === 'argus')?.stages;
  if (st === undefined) return '';
  const rows = [
    ['evaluation → alert stored', st.evalToStoredMs],
    ['stored → notification queued (dispatch)', st.storedToQueuedMs],
    ['queued → receiver accepted (channel)', st.queuedToDeliveredMs],
    ['  of which the SMTP session', st.channelLatencyMs],
  ] as const;
  return textTable(
    ['argus after evaluation', 'p50 ms', 'p95 ms', 'max ms'],
    rows.map(([name, s]) => [name, s.p50.toFixed(0), s.p95.toFixed(0), s.max.toFixed(0)]),
  );
}
