/**
 * The remote_write client of the process-level crash test (crash.test.ts), run as its own
 * process: `node dist/test/integration/crash-writer.js URL T0 [SENDERS] [SERIES]`.
 * SENDERS concurrent senders each post requests k = 0, 1, 2, … forever; request (s, k) holds one
 * sample for each of SERIES series `argus_crash_test{sender="s",series="i"}` at `T0 + k * STEP_MS`
 * with the value `sampleValue(s, i, k)`. A request is never retried: a retry of a half-applied
 * request would complete it and hide the bug the test looks for. One line per answer on stdout:
 * `ack S K` (2xx), `fail S K http STATUS BODY` or `fail S K error MESSAGE` (no answer). The parent kills us.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EncodeSeries } from '../../src/ingest/remote-write/index.js';
import { remoteWrite } from './helpers.js';

export const METRIC = 'argus_crash_test';
export const STEP_MS = 100;

/** The value of series `i` of sender `s` in request `k`: exact in f64, distinct per (s, i, k). */
export function sampleValue(s: number, i: number, k: number): number {
  return (s * 1_000_003 + i * 7_919 + k * 104_729) / 64;
}

/** Request `k` of sender `s`. */
export function crashRequest(t0: number, s: number, k: number, series: number): EncodeSeries[] {
  const out: EncodeSeries[] = [];
  const t = t0 + k * STEP_MS;
  for (let i = 0; i < series; i++) {
    out.push({
      labels: [
        ['__name__', METRIC],
        ['sender', String(s)],
        ['series', String(i)],
      ],
      samples: [{ t, v: sampleValue(s, i, k) }],
    });
  }
  return out;
}

async function sender(url: string, t0: number, s: number, series: number): Promise<never> {
  for (let k = 0; ; k++) {
    let line: string;
    try {
      const r = await remoteWrite(url, crashRequest(t0, s, k, series));
      line =
        r.status >= 200 && r.status < 300
          ? `ack ${s} ${k}`
          : `fail ${s} ${k} http ${r.status} ${r.body.replace(/\s+/g, ' ')}`;
    } catch (err) {
      const why = err instanceof Error && err.cause instanceof Error ? err.cause : err;
      line = `fail ${s} ${k} error ${why instanceof Error ? why.message : String(why)}`;
    }
    process.stdout.write(`${line}\n`);
    // While the server is down, do not spin on "connection refused".
    if (line.startsWith('fail')) await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const [url, t0s, senders = '4', series = '200'] = process.argv.slice(2);
  if (url === undefined || t0s === undefined) {
    throw new Error('usage: crash-writer URL T0 [SENDERS] [SERIES]');
  }
  await Promise.all(
    Array.from({ length: Number(senders) }, (_, s) => sender(url, Number(t0s), s, Number(series))),
  );
}

// Run only as a program: the test imports the data functions above.
if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  await main();
}
