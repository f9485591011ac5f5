/** A fixed-width text table: first column left-aligned, the others right-aligned. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Writes a results object as pretty JSON to `out`, creating its directory. */
export async function writeResults(out: string, results: unknown): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const path = await import('node:path');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(results, null, 2));
}

/** `.bench/NAME-<time>.json`, like the ingest benchmark. */
export function defaultOut(name: string): string {
  return `.bench/${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function log(msg: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

/** Machine facts for the results file. */
export async function machine(): Promise<Record<string, unknown>> {
  const os = await import('node:os');
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memBytes: os.totalmem(),
    node: process.version,
    loadavgAtStart: os.loadavg(),
  };
}
