/**
 * remote_write for the alerts benchmark: small snappy protobuf bodies of one sample per series,
 * posted over keep-alive HTTP; the answer's arrival is the "accepted" time latency counts from.
 */
import snappy from 'snappy';
import { encodeLabels, maxEntrySize, writeSeriesSample } from './encode.js';

export interface SeriesSample {
  /** Flat, sorted [name, value, ...] pairs including `__name__`. */
  labels: readonly string[];
  value: number;
}

/** One WriteRequest body (snappy) with one sample per series, all at `ts` (ms). */
export function writeBody(samples: readonly SeriesSample[], ts: number): Buffer {
  const encoded = samples.map((s) => encodeLabels(s.labels));
  const buf = Buffer.alloc(encoded.reduce((n, l) => n + maxEntrySize(l.length), 0));
  let off = 0;
  for (let i = 0; i < samples.length; i++)
    off = writeSeriesSample(buf, off, encoded[i], samples[i].value, ts);
  return snappy.compressSync(buf.subarray(0, off));
}

export interface Accepted {
  /** `performance.now()` when the 2xx answer arrived. */
  at: number;
  /** `Date.now()` at the same moment (to compare with the servers' evaluation timestamps). */
  epochMs: number;
}

/** Posts one body; throws unless the server answers 2xx. */
export async function remoteWrite(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<Accepted> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
      ...headers,
    },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  const at = performance.now();
  const epochMs = Date.now();
  if (res.status < 200 || res.status > 299)
    throw new Error(`cannot remote_write to ${url}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return { at, epochMs };
}
