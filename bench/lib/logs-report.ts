/**
 * The logs benchmark's table: figure, Argus, peer, ratio, target (issue #9) and whether met.
 */
import { textTable } from './table.js';
import type { Comparison } from './logs-query.js';

export interface IngestFigures {
  lineBytes: number;
  fileBytes: number;
  entries: number;
  requests: number;
  wallS: number;
  mbps: number;
  serverCpuS: number;
  settleS: number;
  settleCpuS: number;
  diskBytes: number;
  diskBreakdown: Record<string, number>;
  diskRatio: number;
  storedEntries: number;
  compacted: boolean;
  /** zstd -3 of the raw file ÷ raw, measured in the same run. */
  zstdRatio: number;
}

const met = (ok: boolean): string => (ok ? 'met' : 'MISSED');
const s = (v: number): string => `${v.toFixed(3)} s`;
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

export function renderLogsTable(i: IngestFigures, cs: Comparison[]): string {
  const noWal = i.diskBytes - (i.diskBreakdown.wal ?? 0);
  const mb = i.lineBytes / 1e6;
  const rows: string[][] = [
    [
      'ingest MB/s (Loki push, wall)',
      i.mbps.toFixed(1),
      '32.5 (SQLite FTS5, ref.)',
      `${(i.mbps / 32.5).toFixed(2)}×`,
      `${i.serverCpuS.toFixed(1)} s`,
      '',
      `${(mb / i.serverCpuS).toFixed(1)} MB per CPU-s`,
      '≥ 50 MB/s',
      met(i.mbps >= 50),
    ],
    [
      'disk ÷ raw (chunks+index+WAL)',
      pct(i.diskRatio),
      `${pct(i.zstdRatio)} (zstd -3)`,
      `${(i.diskRatio / i.zstdRatio).toFixed(2)}×`,
      '',
      '',
      '',
      '≤ 15%',
      met(i.diskRatio <= 0.15),
    ],
    [
      'disk ÷ raw without the WAL',
      pct(noWal / i.fileBytes),
      `${pct(i.zstdRatio)} (zstd -3)`,
      `${(noWal / i.fileBytes / i.zstdRatio).toFixed(2)}×`,
      '',
      '',
      '',
      '(info)',
      '',
    ],
  ];
  const targets: Record<string, [string, (ratio: number) => boolean]> = {
    'rare trace id': ['≥ 10× faster', (r) => r <= 0.1],
    'regex 0.1%': ['≤ 2× grep -E', (r) => r <= 2],
    'sum by status': ['-', () => true],
  };
  const times = (r: number): string =>
    r < 1 ? `${(1 / r).toFixed(1)}× faster` : `${r.toFixed(2)}× slower`;
  for (const c of cs) {
    const ratio = c.argus.medianS / c.grep.medianS;
    const cpuRatio = c.argus.cpuMedianS / Math.max(c.grep.cpuMedianS, 0.001);
    const [want, ok] = targets[c.name] ?? ['-', () => true];
    rows.push([
      `${c.name} (median of ${c.argus.runsS.length})`,
      s(c.argus.medianS),
      s(c.grep.medianS),
      times(ratio),
      s(c.argus.cpuMedianS),
      s(c.grep.cpuMedianS),
      times(cpuRatio),
      want,
      `${want === '-' ? '' : met(ok(ratio))}${c.ok ? '' : ' COUNT MISMATCH'}`,
    ]);
  }
  return textTable(
    ['figure', 'argus', 'peer', 'ratio', 'argus CPU', 'peer CPU', 'CPU ratio', 'target', 'wall'],
    rows,
  );
}
