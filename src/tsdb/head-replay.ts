import type { Labels, TenantId } from '../model/index.js';
import type { MetricType } from '../storage/index.js';
import { errorChain, type Logger } from '../util/index.js';
import type { Head } from './head.js';
import type { MemSeries } from './head-series.js';
import type { PersistedChunk } from './headchunks/index.js';
import type { Wal } from './wal/wal.js';
import type { ReplayStats } from './wal/wal-replay.js';
import {
  RecordType,
  decodeMetadata,
  decodeSamplesInto,
  sampleCount,
  decodeSeries,
  recordType,
} from './wal/records.js';

/** What a replay restored and skipped. */
export interface HeadReplayResult {
  series: number;
  samples: number;
  /** Samples not applied: out of order, duplicate, or before the newest block. */
  skippedSamples: number;
  /** Samples whose series record was missing (lost to damage). */
  unknownRefSamples: number;
  /** Records that could not be decoded (skipped). */
  badRecords: number;
  /** Chunks loaded from head chunk files that were attached to series. */
  chunksAttached: number;
  /** WAL samples skipped because an attached chunk holds them. */
  samplesInChunks: number;
  durationMs: number;
  wal: ReplayStats;
}

/** How often replay logs its progress. */
const PROGRESS_EVERY_MS = 3000;

/**
 * Replays the WAL into an empty head: series records create series with their logged refs
 * (a series logged twice under two refs maps both to one series), samples go straight into the
 * chunks (only samples not after the series' newest, or before `head.minValidTime`, are
 * skipped: they were validated when first written), metadata is restored. Progress is logged.
 *
 * `chains` are chunks loaded from head chunk files by ref: a series created by a series record
 * gets its chain, and its WAL samples up to the chain's end are dropped before any decoding
 * work beyond the record's (the chain holds them). Chains of refs that create no series (or
 * map to another ref's series) are ignored: that data comes from the WAL.
 */
export async function replayWal(
  head: Head,
  wal: Wal,
  logger: Logger,
  tenant: TenantId,
  chains: Map<number, readonly PersistedChunk[]> | null = null,
): Promise<HeadReplayResult> {
  const start = performance.now();
  const aliases = head.aliases;
  const minValid = head.minValidTime;
  let series = 0;
  let samples = 0;
  let skipped = 0;
  let unknown = 0;
  let bad = 0;
  let attached = 0;
  let lastLog = start;
  const covered = chains !== null && chains.size > 0 ? new CoveredUntil() : null;

  const onSeries = (ref: number, labels: Labels): void => {
    // Refs are never reused, so a ref's meaning never changes: samples buffered in the replay
    // window may safely be applied after later series records.
    head.reserveRef(ref);
    lastRef = -1;
    const existing = head.getByLabels(labels);
    if (existing !== undefined) {
      if (existing.ref !== ref) aliases.set(ref, existing);
      return;
    }
    if (head.getByRef(ref) !== undefined) {
      // A ref reused for other labels cannot happen in a healthy log; keep the first.
      bad++;
      return;
    }
    const s = head.create(labels, ref);
    head.markLogged(s);
    series++;
    const chain = chains?.get(ref);
    if (chain !== undefined) {
      const maxT = head.attachChunks(s, chain);
      if (maxT >= 0) covered!.set(ref, maxT);
      attached += s.numChunks;
    }
  };
  // Windows apply samples grouped by ref: remember the last series to skip the map lookups.
  let lastRef = -1;
  let last: MemSeries | undefined;
  const apply = (ref: number, t: number, v: number): void => {
    if (ref !== lastRef) {
      lastRef = ref;
      last = head.getByRef(ref) ?? aliases.get(ref);
    }
    const s = last;
    if (s === undefined) {
      unknown++;
      return;
    }
    if (t <= s.lastT || t < minValid) {
      skipped++;
      return;
    }
    head.append(s, t, v);
    samples++;
  };
  const win = new ReplayWindow(apply, covered === null ? null : (r, t) => covered.covers(r, t));
  const onRecord = (rec: Uint8Array): void => {
    try {
      switch (recordType(rec)) {
        case RecordType.Samples:
          win.add(rec);
          break;
        case RecordType.Series:
          // Samples are only buffered after their series records: flushing first is not
          // needed for correctness, but keeps aliases and refs simple to reason about.
          decodeSeries(rec, onSeries);
          break;
        case RecordType.Metadata:
          for (const m of decodeMetadata(rec)) {
            head.metadata.set(m.metric, { type: m.type as MetricType, help: m.help, unit: m.unit });
          }
          break;
        default:
          bad++;
      }
    } catch (err) {
      // A record with a valid checksum that does not decode: skip it, keep the rest.
      if (bad++ === 0)
        logger.warn({ tenant, err: errorChain(err) }, 'skipping undecodable WAL record');
    }
  };
  const progress = (p: { segment: number; of: number }): void => {
    const now = performance.now();
    if (now - lastLog < PROGRESS_EVERY_MS) return;
    lastLog = now;
    logger.info(
      { tenant, segment: p.segment, of: p.of, samples, series },
      `replaying WAL: segment ${p.segment}/${p.of}`,
    );
  };
  const stats = await wal.replay(onRecord, progress);
  win.flush();
  const durationMs = performance.now() - start;
  const result: HeadReplayResult = {
    series,
    samples,
    skippedSamples: skipped,
    unknownRefSamples: unknown,
    badRecords: bad,
    chunksAttached: attached,
    samplesInChunks: win.skipped,
    durationMs,
    wal: stats,
  };
  const { wal: _wal, ...figures } = result;
  logger.info(
    {
      tenant,
      ...figures,
      durationMs: Math.round(durationMs),
      samplesPerSecond: durationMs > 0 ? Math.round((samples * 1000) / durationMs) : undefined,
    },
    'head restored from WAL',
  );
  return result;
}

/** Refs below this get a typed-array slot in CoveredUntil; others a map entry. */
const DENSE_REFS = 1 << 24;

/** Per ref, the maxT of its attached chunk chain: WAL samples up to it are already there. */
class CoveredUntil {
  private dense = new Float64Array(0);
  private readonly sparse = new Map<number, number>();

  set(ref: number, maxT: number): void {
    if (ref >= DENSE_REFS) {
      this.sparse.set(ref, maxT);
      return;
    }
    if (ref >= this.dense.length) {
      const d = new Float64Array(Math.min(DENSE_REFS, Math.max(ref + 1, this.dense.length * 2)));
      d.fill(-1);
      d.set(this.dense);
      this.dense = d;
    }
    this.dense[ref] = maxT;
  }

  covers(ref: number, t: number): boolean {
    if (ref < this.dense.length) return t <= this.dense[ref];
    return ref >= DENSE_REFS && t <= (this.sparse.get(ref) ?? -1);
  }
}

/** Samples buffered per replay window (24 bytes each): large enough for several per series. */
const WINDOW_SAMPLES = 1 << 21;
/** Positions in a sort key (refs < 2^31, so ref * 2^22 + position stays below 2^53). */
const POS_RANGE = 1 << 22;
const MAX_KEY_REF = 2 ** 31;
/** Counting sort when the window's ref span is at most this many times its sample count. */
const MAX_SPAN_PER_SAMPLE = 4;

/**
 * Buffers decoded samples and applies them grouped by series (stable, so each series' samples
 * stay in log order). With one sample per series per record, appending in log order touches a
 * different series' encoder for every sample; grouping keeps one encoder hot in cache for all
 * of its samples in the window, which is what makes replay fast.
 *
 * Samples `skip` rejects (already in a persisted head chunk) are dropped before buffering.
 */
export class ReplayWindow {
  private refs = new Float64Array(WINDOW_SAMPLES);
  private ts = new Float64Array(WINDOW_SAMPLES);
  /** Float64Array: NaN payloads (stale markers) survive. */
  private vs = new Float64Array(WINDOW_SAMPLES);
  private order = new Uint32Array(WINDOW_SAMPLES);
  private counts = new Uint32Array(0);
  private n = 0;
  /** Samples dropped by `skip`. */
  skipped = 0;

  constructor(
    private readonly apply: (ref: number, t: number, v: number) => void,
    /** True when the sample is known to be covered already; null to keep everything. */
    private readonly skip: ((ref: number, t: number) => boolean) | null = null,
    size = WINDOW_SAMPLES,
  ) {
    if (size !== WINDOW_SAMPLES) this.grow(size);
  }

  add(rec: Uint8Array): void {
    const m = sampleCount(rec);
    if (this.n + m > this.refs.length) {
      this.flush();
      if (m > this.refs.length) this.grow(m);
    }
    const n = this.n;
    const { refs, ts, vs } = this;
    decodeSamplesInto(rec, refs.subarray(n), ts.subarray(n), vs.subarray(n));
    const skip = this.skip;
    if (skip === null) {
      this.n = n + m;
      return;
    }
    let k = n;
    for (let i = n; i < n + m; i++) {
      if (skip(refs[i], ts[i])) continue;
      refs[k] = refs[i];
      ts[k] = ts[i];
      vs[k] = vs[i];
      k++;
    }
    this.skipped += n + m - k;
    this.n = k;
  }

  flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.n = 0;
    const { refs, ts, vs } = this;
    let minRef = Infinity;
    let maxRef = 0;
    for (let i = 0; i < n; i++) {
      const r = refs[i];
      if (r > maxRef) maxRef = r;
      if (r < minRef) minRef = r;
    }
    const order = this.sortedOrder(n, minRef, maxRef);
    if (order === null) {
      // A record larger than the window (a huge commit), or refs too large for exact keys:
      // log order, no grouping.
      for (let i = 0; i < n; i++) this.apply(refs[i], ts[i], vs[i]);
      return;
    }
    for (let k = 0; k < n; k++) {
      const i = order[k];
      this.apply(refs[i], ts[i], vs[i]);
    }
  }

  /**
   * Sample positions ordered by ref, stable. A counting sort when refs are dense (the usual
   * case: refs come from one counter), O(n) instead of a comparison sort's O(n log n), which
   * dominated replay; otherwise a sort of ref * 2^22 + position keys. Null when neither fits.
   */
  private sortedOrder(n: number, minRef: number, maxRef: number): Uint32Array | null {
    const refs = this.refs;
    const span = maxRef - minRef + 1;
    if (span <= n * MAX_SPAN_PER_SAMPLE + 1024) {
      if (this.counts.length < span + 1) this.counts = new Uint32Array(span + 1);
      const counts = this.counts.fill(0, 0, span + 1);
      for (let i = 0; i < n; i++) counts[refs[i] - minRef + 1]++;
      for (let r = 1; r <= span; r++) counts[r] += counts[r - 1];
      const order = this.order;
      for (let i = 0; i < n; i++) order[counts[refs[i] - minRef]++] = i;
      return order;
    }
    if (n > POS_RANGE || maxRef >= MAX_KEY_REF) return null;
    // Sort key: ref in the high part, position in the low 2^22 (n <= 2^22 keeps it exact).
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = refs[i] * POS_RANGE + i;
    keys.sort();
    const order = this.order;
    for (let k = 0; k < n; k++) order[k] = keys[k] % POS_RANGE;
    return order;
  }

  private grow(m: number): void {
    this.refs = new Float64Array(m);
    this.ts = new Float64Array(m);
    this.vs = new Float64Array(m);
    this.order = new Uint32Array(m);
  }
}
