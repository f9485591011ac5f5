/**
 * Waits until the log store is done with the ingested corpus: every chunk sealed (the bench
 * config seals idle streams after 5 s) and compaction idle (nothing rewritten for two of its
 * 15 s intervals), as the server reports them on /metrics and on disk; then measures the data
 * dir's `logs/` and counts the stored entries with one LogQL query.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { dirBytes } from './proc.js';
import { sleep } from './table.js';
import { BASE_MS, HOUR_MS } from './logs-gen.js';
import { SELECTOR } from './logs-query.js';

/** Two compaction intervals of the bench config and a margin. */
const STABLE_MS = 35_000;

export interface Settled {
  waitS: number;
  diskBytes: number;
  /** Bytes per top-level entry of `logs/` (chunk blocks, WAL, ...). */
  breakdown: Record<string, number>;
  /** Entries the store answers for the whole hour (must equal the corpus's lines). */
  entries: number;
  /** Whether the store's gauges said compaction shrank the chunks after sealing. */
  compacted: boolean;
  metrics: Record<string, number>;
}

async function logsMetrics(
  base: string,
  headers: Record<string, string>,
): Promise<Record<string, number>> {
  const res = await fetch(`${base}/metrics`, { headers, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`cannot read ${base}/metrics: HTTP ${res.status}`);
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^(argus_logs_[a-z_]+)(?:\{[^}]*\})?\s+(\S+)$/gm))
    out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
  return out;
}

async function breakdown(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    out[e.name] = e.isDirectory() ? await dirBytes(p) : (await stat(p)).size;
  }
  return out;
}

export async function waitSettled(
  base: string,
  headers: Record<string, string>,
  logsDir: string,
  timeoutS: number,
): Promise<Settled> {
  const t0 = performance.now();
  let last = '';
  let since = performance.now();
  let sealedBytes = -1;
  let m: Record<string, number> = {};
  for (;;) {
    m = await logsMetrics(base, headers);
    const disk = await dirBytes(logsDir);
    const head = m.argus_logs_head_bytes ?? -1;
    if (head === 0 && sealedBytes < 0) sealedBytes = m.argus_logs_stored_bytes ?? 0;
    const key = `${head} ${m.argus_logs_stored_bytes} ${m.argus_logs_chunks} ${disk}`;
    if (key !== last) {
      last = key;
      since = performance.now();
    } else if (head === 0 && performance.now() - since >= STABLE_MS) break;
    if (performance.now() - t0 > timeoutS * 1000)
      throw new Error(
        `cannot wait for the log store to settle: still changing after ${timeoutS} s (${key})`,
      );
    await sleep(2000);
  }
  const waitS = (performance.now() - t0) / 1000;
  const parts = await breakdown(logsDir);
  const diskBytes = Object.values(parts).reduce((a, b) => a + b, 0);
  const q = `sum(count_over_time(${SELECTOR}[1h]))`;
  const url = `${base}/loki/api/v1/query?${new URLSearchParams({ query: q, time: `${BASE_MS + HOUR_MS}000000` }).toString()}`;
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(600_000) });
  const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
  const entries = Number(body.data?.result?.[0]?.value[1] ?? -1);
  return {
    waitS,
    diskBytes,
    breakdown: parts,
    entries,
    compacted: sealedBytes > 0 && (m.argus_logs_stored_bytes ?? 0) < sealedBytes,
    metrics: m,
  };
}
