/** Helpers shared by the block and compact tests (not used by production code). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isStaleNaN, type Labels, type Matcher } from '../../model/index.js';
import type { Querier } from '../../storage/index.js';
import { XorEncoder } from '../chunkenc/index.js';
import type { ChunkMeta, SeriesChunks } from './writer.js';

export interface TestSeries {
  labels: Labels;
  ts: number[];
  /** Use a Float64Array for NaN payloads: a number[] may canonicalise them. */
  vs: ArrayLike<number>;
}

/** Encodes samples into XOR chunks of at most `perChunk` samples. */
export function encodeChunks(
  ts: readonly number[],
  vs: ArrayLike<number>,
  perChunk = 120,
): ChunkMeta[] {
  const out: ChunkMeta[] = [];
  for (let i = 0; i < ts.length; i += perChunk) {
    const enc = new XorEncoder();
    for (let j = i; j < Math.min(ts.length, i + perChunk); j++) enc.append(ts[j], vs[j]);
    out.push({ minTime: enc.minTime, maxTime: enc.maxTime, data: enc.finish() });
  }
  return out;
}

export function toSeriesChunks(series: readonly TestSeries[], perChunk = 120): SeriesChunks[] {
  return series.map((s) => ({ labels: s.labels, chunks: encodeChunks(s.ts, s.vs, perChunk) }));
}

/** A fresh temp dir and its cleanup. */
export function tempDir(prefix = 'argus-block-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(`${tmpdir()}/${prefix}`);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Value rendering that keeps stale markers and NaN distinguishable in deepEqual. */
export function tag(v: number): number | string {
  if (isStaleNaN(v)) return 'stale';
  if (Number.isNaN(v)) return 'NaN';
  if (Object.is(v, -0)) return '-0';
  return v;
}

export interface ReadSeries {
  labels: string;
  ts: number[];
  vs: (number | string)[];
}

/** Runs a select and drains every series. */
export function readSelect(q: Querier, matchers: readonly Matcher[]): ReadSeries[] {
  return q.select(matchers).map((s) => {
    const it = s.iterator();
    const ts: number[] = [];
    const vs: (number | string)[] = [];
    while (it.next()) {
      ts.push(it.t);
      vs.push(tag(it.v));
    }
    return { labels: s.labels.toString(), ts, vs };
  });
}

/** The expected result of a select over in-memory series (naive model). */
export function modelSelect(
  series: readonly TestSeries[],
  matchers: readonly Matcher[],
  mint: number,
  maxt: number,
): ReadSeries[] {
  const out: ReadSeries[] = [];
  for (const s of series) {
    if (!matchers.every((m) => m.matches(s.labels.get(m.name)))) continue;
    const ts: number[] = [];
    const vs: (number | string)[] = [];
    for (let i = 0; i < s.ts.length; i++) {
      if (s.ts[i] >= mint && s.ts[i] <= maxt) {
        ts.push(s.ts[i]);
        vs.push(tag(s.vs[i]));
      }
    }
    if (ts.length > 0) out.push({ labels: s.labels.toString(), ts, vs });
  }
  return out;
}
