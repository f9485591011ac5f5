/**
 * Pre-generates the ingest load as snappy-compressed remote_write requests, once, before any
 * server starts: both peers then receive byte-identical bodies and the senders spend almost no
 * CPU. Requests follow a live Prometheus: step-major order, one sample per series per request.
 */
import snappy from 'snappy';
import { encodeWriteRequest } from '../../src/ingest/remote-write/index.js';
import { encodeLabels, maxEntrySize, writeSeriesSample } from './encode.js';
import { mulberry32 } from './rand.js';
import { SERIES_PER_HOST, hostSeries, type SeriesDef } from './series.js';

export interface LoadOptions {
  /** Wanted series; rounded up to whole hosts of 176 series. */
  series: number;
  steps: number;
  stepMs: number;
  samplesPerRequest: number;
  /** Fraction of all series whose value changes at each step. */
  changeRatio: number;
  seed: number;
  /** Timestamp of the last step (ms). */
  endMs: number;
  /** series.ts's query shape (region label, 4 CPUs); off keeps ingest figures comparable. */
  queryShape?: boolean;
}

/** A series whose stored sample count is checked after restart. */
export interface Probe {
  labels: string[];
  /** PromQL selector matching exactly this series. */
  selector: string;
  samples: number;
}

export interface Load {
  requests: Buffer[];
  /** Samples in each request (the last one may be short). */
  requestSamples: Uint32Array;
  /**
   * For each request, the highest earlier request holding a previous sample of one of its
   * series (-1 if none): it must be answered before this one is sent, or samples arrive out of
   * order (concurrent senders finish in any order).
   */
  after: Int32Array;
  hosts: number;
  series: number;
  samples: number;
  firstTs: number;
  lastTs: number;
  rawBytes: number;
  compressedBytes: number;
  probes: Probe[];
}

function selectorOf(labels: readonly string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < labels.length; i += 2)
    parts.push(`${labels[i]}=${JSON.stringify(labels[i + 1])}`);
  return `{${parts.join(',')}}`;
}

/** Starting value: counters at a plausible uptime, gauges around their scale. */
function initialValue(def: SeriesDef, rnd: () => number): number {
  switch (def.kind) {
    case 'counterFloat':
      return Math.round(rnd() * def.scale * 1e4 * 100) / 100;
    case 'counterInt':
      return def.bucket >= 0 ? 0 : Math.floor(rnd() * def.scale * 1e4);
    case 'gaugeFloat':
      return Math.round(rnd() * def.scale * 100) / 100;
    case 'gaugeInt':
      return Math.floor(rnd() * def.scale);
    case 'constant':
      return def.scale === 1 ? 1 : Math.floor(def.scale);
  }
}

/** One random-walk step of a non-histogram series. */
function walk(def: SeriesDef, v: number, rnd: () => number): number {
  switch (def.kind) {
    case 'counterFloat':
      return Math.round((v + rnd() * def.scale + 0.01) * 100) / 100;
    case 'counterInt':
      return v + 1 + Math.floor(rnd() * def.scale);
    case 'gaugeFloat':
      return Math.max(0, Math.round((v + (rnd() - 0.5) * def.scale * 0.2) * 100) / 100);
    case 'gaugeInt':
      return Math.max(0, v + Math.round((rnd() - 0.5) * Math.max(2, def.scale * 0.01)));
    case 'constant':
      return v;
  }
}

/** Builds every request of the load. Deterministic for equal options. */
export function generateLoad(opts: LoadOptions): Load {
  const hosts = Math.max(1, Math.ceil(opts.series / SERIES_PER_HOST));
  const defs: SeriesDef[] = [];
  for (let h = 0; h < hosts; h++) defs.push(...hostSeries(h, opts.queryShape ?? false));
  const n = defs.length;
  const labelBytes = defs.map((d) => encodeLabels(d.labels));
  const rnd = mulberry32(opts.seed);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = initialValue(defs[i], rnd);
  // Constants never change, so the walking series change a bit more often to hit the ratio.
  const walking = defs.filter((d) => d.kind !== 'constant').length;
  const pChange = Math.min(1, (opts.changeRatio * n) / walking);
  // One sample per series per request needs at least as many series as samples per request.
  const perRequest = Math.min(opts.samplesPerRequest, n);
  const maxEntry = labelBytes.reduce((m, b) => Math.max(m, maxEntrySize(b.length)), 0);
  const scratch = Buffer.allocUnsafe(maxEntry * perRequest);
  const firstTs = opts.endMs - (opts.steps - 1) * opts.stepMs;
  const requests: Buffer[] = [];
  const counts: number[] = [];
  let off = 0;
  let inRequest = 0;
  let rawBytes = 0;
  let compressedBytes = 0;
  let firstRaw: Buffer | undefined;
  const flush = (): void => {
    firstRaw ??= Buffer.from(scratch.subarray(0, off));
    const body = snappy.compressSync(scratch.subarray(0, off));
    requests.push(body);
    counts.push(inRequest);
    rawBytes += off;
    compressedBytes += body.length;
    off = 0;
    inRequest = 0;
  };
  const initial = values.slice(0, perRequest);
  for (let step = 0; step < opts.steps; step++) {
    const ts = firstTs + step * opts.stepMs;
    if (step > 0) advance(defs, values, rnd, pChange);
    for (let i = 0; i < n; i++) {
      off = writeSeriesSample(scratch, off, labelBytes[i], values[i], ts);
      if (++inRequest === perRequest) flush();
    }
  }
  if (inRequest > 0) flush();
  const probeIdx = [0, Math.floor(n / 2) - (Math.floor(n / 2) % SERIES_PER_HOST) + 20, n - 1];
  const probes = [...new Set(probeIdx)].map((i) => ({
    labels: defs[i].labels,
    selector: selectorOf(defs[i].labels),
    samples: opts.steps,
  }));
  crossCheck(defs, initial, firstTs, firstRaw!);
  // Samples form one stream (step-major); a series' previous sample sits n positions earlier.
  const after = new Int32Array(requests.length);
  for (let i = 0; i < requests.length; i++) {
    const lastPrev = i * perRequest + counts[i] - 1 - n;
    after[i] = lastPrev < 0 ? -1 : Math.floor(lastPrev / perRequest);
  }
  return {
    requests,
    after,
    requestSamples: Uint32Array.from(counts),
    hosts,
    series: n,
    samples: n * opts.steps,
    firstTs,
    lastTs: firstTs + (opts.steps - 1) * opts.stepMs,
    rawBytes,
    compressedBytes,
    probes,
  };
}

/** Moves every series one step; a host's histogram buckets stay cumulative in `le`. */
function advance(defs: SeriesDef[], values: Float64Array, rnd: () => number, p: number): void {
  for (let i = 0; i < defs.length; i++) {
    const def = defs[i];
    if (def.bucket === 0) {
      // Histogram block: 12 buckets, then _sum and _count (see series.ts).
      if (rnd() >= p) {
        i += 13;
        continue;
      }
      let cum = 0;
      for (let b = 0; b < 12; b++) {
        cum += Math.floor(rnd() * def.scale * (b < 11 ? 1 / (b + 1) : 0.1));
        values[i + b] += cum;
      }
      values[i + 12] = Math.round((values[i + 12] + cum * (0.02 + rnd() * 0.1)) * 1e3) / 1e3;
      values[i + 13] += cum;
      i += 13;
      continue;
    }
    if (def.kind !== 'constant' && rnd() < p) values[i] = walk(def, values[i], rnd);
  }
}

/**
 * The fast writer must agree byte for byte with the project's encoder; checked on the first
 * request (the encoder builds objects per sample, too slow for all 24M).
 */
function crossCheck(defs: SeriesDef[], values: Float64Array, ts: number, got: Buffer): void {
  const series = Array.from(values, (v, i) => {
    const l = defs[i].labels;
    const labels: [string, string][] = [];
    for (let j = 0; j < l.length; j += 2) labels.push([l[j], l[j + 1]]);
    return { labels, samples: [{ t: ts, v }] };
  });
  const want = encodeWriteRequest(series);
  if (Buffer.compare(got, want) !== 0) {
    throw new Error(
      `cannot generate load: request 0 differs from encodeWriteRequest (got ${got.length} bytes, want ${want.length})`,
    );
  }
}
