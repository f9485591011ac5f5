/**
 * The logs benchmark's table: figure, Argus, peer, ratio, target (issue #9) and whether met.
 */
import { textTable } from './lib/table.js';
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
}

/** zstd -3 on the raw file, PERFORMANCE.md (the corpus). */
const ZSTD_RATIO = 0.159;

const met = (ok: boolean): string => (ok ? 'met' : 'MISSED');
const s = (v: number): string => `${v.toFixed(3)} s`;

export function renderLogsTable(i: IngestFigures, cs: Comparison[]): string {
  const rows: string[][] = [
    [
      'ingest MB/s (Loki push)',
      i.mbps.toFixed(1),
      '32.5 (SQLite FTS5, ref.)',
      `${(i.mbps / 32.5).toFixed(2)}×`,
      '≥ 50 MB/s',
      met(i.mbps >= 50),
    ],
    [
      'disk ÷ raw (chunks+index+WAL)',
      `${(100 * i.diskRatio).toFixed(1)}%`,
      `${(100 * ZSTD_RATIO).toFixed(1)}% (zstd -3, ref.)`,
      `${(i.diskRatio / ZSTD_RATIO).toFixed(2)}×`,
      '≤ 15%',
      met(i.diskRatio <= 0.15),
    ],
  ];
  const targets: Record<string, [string, (ratio: number) => boolean]> = {
    'rare trace id': ['≥ 10× faster', (r) => r <= 0.1],
    'regex 0.1%': ['≤ 2× grep -E', (r) => r <= 2],
    'sum by status': ['-', () => true],
  };
  for (const c of cs) {
    const ratio = c.argus.medianS / c.grep.medianS;
    const [want, ok] = targets[c.name] ?? ['-', () => true];
    rows.push([
      `${c.name} (median of ${c.argus.runsS.length})`,
      s(c.argus.medianS),
      s(c.grep.medianS),
      ratio < 1 ? `${(1 / ratio).toFixed(1)}× faster` : `${ratio.toFixed(2)}× slower`,
      want,
      `${want === '-' ? '' : met(ok(ratio))}${c.ok ? '' : ' COUNT MISMATCH'}`,
    ]);
  }
  return textTable(['figure', 'argus', 'peer', 'ratio', 'target', ''], rows);
}
