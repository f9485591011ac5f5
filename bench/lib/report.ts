/** Renders peer results as a fixed-width table with Argus/Prometheus ratios and targets. */
import type { PeerResult } from './run-peer.js';

interface Column {
  title: string;
  value: (r: PeerResult) => number;
  fmt: (v: number) => string;
  /** Target on the ratio Argus/Prometheus: 'min' = at least 1.0, 'max' = at most 1.0. */
  target?: 'min' | 'max';
}

const fixed = (d: number) => (v: number) => (Number.isNaN(v) ? 'n/a' : v.toFixed(d));

export const COLUMNS: Column[] = [
  {
    title: 'samples/s',
    value: (r) => r.samplesPerSec,
    fmt: (v) => `${(v / 1000).toFixed(0)}k`,
    target: 'min',
  },
  { title: 'CPU µs/sample', value: (r) => r.cpuMicrosPerSample, fmt: fixed(2) },
  {
    title: 'RSS/series',
    value: (r) => r.rssBytesPerSeries,
    fmt: (v) => `${(v / 1024).toFixed(2)} KB`,
    target: 'max',
  },
  {
    title: 'bytes/sample',
    // An empty snapshot is a broken measurement, not a perfect score.
    value: (r) => (r.snapshotBytes > 0 ? r.bytesPerSample : NaN),
    fmt: fixed(2),
    target: 'max',
  },
  { title: 'restart s', value: (r) => r.restartMs / 1000, fmt: fixed(2), target: 'max' },
];

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

/** The table text: one row per peer, then ratios and targets when both peers ran. */
export function renderTable(results: PeerResult[]): string {
  const header = ['system', ...COLUMNS.map((c) => c.title), 'probes'];
  const rows = results.map((r) => [
    r.restartAfter === 'SIGKILL' ? r.peer : `${r.peer} (restart after SIGTERM)`,
    ...COLUMNS.map((c) => c.fmt(c.value(r))),
    r.probesOk ? 'ok' : 'INCOMPLETE',
  ]);
  const prom = results.find((r) => r.peer === 'prometheus');
  const argus = results.find((r) => r.peer === 'argus');
  if (prom && argus) {
    rows.push([
      'argus/prometheus',
      ...COLUMNS.map((c) => `${fixed(2)(c.value(argus) / c.value(prom))}×`),
      '',
    ]);
    rows.push([
      'target',
      ...COLUMNS.map((c) => {
        if (!c.target) return '-';
        const ratio = c.value(argus) / c.value(prom);
        if (Number.isNaN(ratio)) return 'n/a';
        const ok = c.target === 'min' ? ratio >= 1 : ratio <= 1;
        return `${c.target === 'min' ? '≥' : '≤'}1.0 ${ok ? 'met' : 'MISSED'}`;
      }),
      '',
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [
    row(header, widths),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => row(r, widths)),
  ].join('\n');
}

/** Ratio object for the JSON result file. */
export function ratios(results: PeerResult[]): Record<string, number> | undefined {
  const prom = results.find((r) => r.peer === 'prometheus');
  const argus = results.find((r) => r.peer === 'argus');
  if (!prom || !argus) return undefined;
  return Object.fromEntries(COLUMNS.map((c) => [c.title, c.value(argus) / c.value(prom)]));
}
