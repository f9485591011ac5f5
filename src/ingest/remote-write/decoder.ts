import type { Appender, MetricMetadata, MetricType, SeriesRef } from '../../storage/index.js';
import { UnknownSeriesRefError } from '../../storage/index.js';
import { hashBytes } from '../../util/index.js';
import type { LabelLimits, Labels, NameValidation } from '../../model/index.js';
import { decodeLabels } from './decode-labels.js';
import { METRIC_TYPE_NUMBERS } from './encode.js';
import { RemoteWriteError, fromAppendError, malformed } from './errors.js';
import { ProtoReader, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './proto-reader.js';
import type { SeriesCache } from './series-cache.js';

/** What the decoder checks itself (the store checks again; these make the 400s precise). */
export interface DecodeOptions {
  labelLimits: LabelLimits;
  nameValidation: NameValidation;
  /** Samples more than this many ms after `now` are refused. */
  maxFutureMs: number;
}

/** Counts and metadata of one decoded request. */
export interface DecodeResult {
  series: number;
  samples: number;
  /** Exemplars present in the request; not stored yet. */
  exemplars: number;
  metadata: { metric: string; md: MetricMetadata }[];
}

const TYPE_NAMES: MetricType[] = [];
for (const [k, n] of Object.entries(METRIC_TYPE_NUMBERS)) TYPE_NAMES[n] = k as MetricType;

const TAG_TS_LABEL = (1 << 3) | WIRE_LEN;
const TAG_TS_SAMPLE = (2 << 3) | WIRE_LEN;
const TAG_TS_HISTOGRAM = (4 << 3) | WIRE_LEN;
const TAG_SAMPLE_VALUE = (1 << 3) | WIRE_I64;
const TAG_SAMPLE_TS = (2 << 3) | WIRE_VARINT;
const strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Walks an uncompressed remote_write 1.0 WriteRequest straight over its bytes and appends every
 * sample to an Appender. No object is built per label or sample: a series' label fields are
 * hashed as raw bytes and looked up in the tenant's SeriesCache; label strings are decoded only
 * for series the cache does not know. Not re-entrant per instance (one reader is reused), which
 * is fine on one event loop since `decode` is synchronous.
 */
export class WriteRequestDecoder {
  private readonly r = new ProtoReader();
  private readonly f64 = new Float64Array(1);
  private readonly u8 = new Uint8Array(this.f64.buffer);

  constructor(private readonly opts: DecodeOptions) {}

  /** Decodes `raw` into `app`. Throws RemoteWriteError (4xx) or a non-storage error (500). */
  decode(raw: Buffer, app: Appender, cache: SeriesCache, now: number): DecodeResult {
    const r = this.r;
    r.reset(raw);
    const end = raw.length;
    const res: DecodeResult = { series: 0, samples: 0, exemplars: 0, metadata: [] };
    while (r.pos < end) {
      const tag = r.uint32(end);
      const field = tag >>> 3;
      if (field === 1) {
        r.expectWire('WriteRequest.timeseries', tag & 7, WIRE_LEN);
        const se = r.lenEnd(end);
        this.series(raw, r.pos, se, res, app, cache, now);
        r.pos = se;
      } else if (field === 3) {
        r.expectWire('WriteRequest.metadata', tag & 7, WIRE_LEN);
        const me = r.lenEnd(end);
        this.metadata(me, res);
        r.pos = me;
      } else {
        r.skip(tag & 7, end);
      }
    }
    return res;
  }

  /** One TimeSeries at raw[start, end): locate labels and samples, resolve the series, append. */
  private series(
    raw: Buffer,
    start: number,
    end: number,
    res: DecodeResult,
    app: Appender,
    cache: SeriesCache,
    now: number,
  ): void {
    const r = this.r;
    const index = res.series++;
    let labStart = -1;
    let labEnd = -1;
    let contiguous = true;
    let firstSample = -1;
    r.pos = start;
    while (r.pos < end) {
      const at = r.pos;
      const tag = r.uint32(end);
      if (tag === TAG_TS_LABEL) {
        if (labStart < 0) labStart = at;
        else if (labEnd !== at) contiguous = false;
        r.pos = r.lenEnd(end);
        labEnd = r.pos;
      } else if (tag === TAG_TS_SAMPLE) {
        if (firstSample < 0) firstSample = at;
        r.pos = r.lenEnd(end);
      } else {
        const field = tag >>> 3;
        if (field === 4) {
          throw new RemoteWriteError(
            400,
            'native_histograms',
            `cannot ingest series #${index}: native histograms are not supported yet`,
          );
        }
        if (field === 1 || field === 2 || field === 3)
          r.expectWire(`TimeSeries field ${field}`, tag & 7, WIRE_LEN);
        if (field === 3) res.exemplars++;
        r.skip(tag & 7, end);
      }
    }
    if (firstSample < 0) return; // nothing to store

    // Resolve the series by its raw label bytes.
    let key: Buffer;
    let kStart: number;
    let kEnd: number;
    if (labStart < 0) {
      key = raw;
      kStart = kEnd = 0;
    } else if (contiguous) {
      key = raw;
      kStart = labStart;
      kEnd = labEnd;
    } else {
      key = gatherLabelFields(raw, start, end);
      kStart = 0;
      kEnd = key.length;
    }
    const hash = hashBytes(key, kStart, kEnd);
    const hit = cache.get(hash, key, kStart, kEnd);
    let ref: SeriesRef = hit === undefined ? 0 : hit.ref;
    let labels: Labels | null = null;
    if (hit === undefined) labels = this.labels(raw, start, end, index);
    const firstRef = ref;

    r.pos = firstSample;
    const f64 = this.f64;
    const u8 = this.u8;
    const maxT = now + this.opts.maxFutureMs;
    while (r.pos < end) {
      const tag = r.uint32(end);
      if (tag !== TAG_TS_SAMPLE) {
        r.skip(tag & 7, end);
        continue;
      }
      const se = r.lenEnd(end);
      let v = 0;
      let t = 0;
      while (r.pos < se) {
        const st = r.uint32(se);
        if (st === TAG_SAMPLE_VALUE) {
          if (r.pos + 8 > se) throw malformed(`truncated sample value at byte ${r.pos}`);
          for (let i = 0; i < 8; i++) u8[i] = raw[r.pos + i]!;
          v = f64[0]!;
          r.pos += 8;
        } else if (st === TAG_SAMPLE_TS) {
          t = r.int64(se);
        } else {
          const f = st >>> 3;
          if (f === 1) r.expectWire('Sample.value', st & 7, WIRE_I64);
          if (f === 2) r.expectWire('Sample.timestamp', st & 7, WIRE_VARINT);
          r.skip(st & 7, se);
        }
      }
      res.samples++;
      if (t < 0 || t > Number.MAX_SAFE_INTEGER || t > maxT) {
        labels ??= this.labels(raw, start, end, index);
        const why =
          t > maxT && t >= 0 && t <= Number.MAX_SAFE_INTEGER
            ? `timestamp ${t} is more than ${this.opts.maxFutureMs} ms in the future (now ${now})`
            : `invalid timestamp ${t} (want 0 <= t <= ${Number.MAX_SAFE_INTEGER} ms)`;
        throw new RemoteWriteError(
          400,
          t > maxT && t <= Number.MAX_SAFE_INTEGER ? 'too_far_in_future' : 'invalid_timestamp',
          `cannot ingest series ${labels.toString()}: ${why}`,
        );
      }
      ref = this.append(app, ref, labels, t, v, raw, start, end, index);
      if (ref !== 0) labels = null; // later samples of this series go by ref
    }
    if (ref !== firstRef) {
      cache.set(hash, ref, Buffer.from(key.subarray(kStart, kEnd)));
    }
  }

  private append(
    app: Appender,
    ref: SeriesRef,
    labels: Labels | null,
    t: number,
    v: number,
    raw: Buffer,
    start: number,
    end: number,
    index: number,
  ): SeriesRef {
    try {
      try {
        return app.append(ref, labels, t, v);
      } catch (err) {
        if (!(err instanceof UnknownSeriesRefError) || labels !== null) throw err;
      }
      // The store forgot the ref (series garbage-collected): resolve again by labels.
      labels = this.labels(raw, start, end, index);
      return app.append(0, labels, t, v);
    } catch (err) {
      const name = (labels ?? this.labels(raw, start, end, index)).toString();
      throw fromAppendError(err, `cannot ingest series ${name}`) ?? err;
    }
  }

  private labels(raw: Buffer, start: number, end: number, index: number): Labels {
    return decodeLabels(raw, start, end, index, this.opts.labelLimits, this.opts.nameValidation);
  }

  /** One MetricMetadata message ending at `end`. Entries without a metric name are ignored. */
  private metadata(end: number, res: DecodeResult): void {
    const r = this.r;
    const raw = r.buf;
    let type: MetricType = 'unknown';
    let metric = '';
    let help = '';
    let unit = '';
    while (r.pos < end) {
      const tag = r.uint32(end);
      const f = tag >>> 3;
      if (f === 1 && (tag & 7) === WIRE_VARINT) {
        type = TYPE_NAMES[r.uint32(end)] ?? 'unknown';
      } else if ((f === 2 || f === 4 || f === 5) && (tag & 7) === WIRE_LEN) {
        const se = r.lenEnd(end);
        let s: string;
        try {
          s = strict.decode(raw.subarray(r.pos, se));
        } catch (err) {
          throw new RemoteWriteError(
            400,
            'malformed',
            `cannot ingest metadata #${res.metadata.length}: string field ${f} is not valid UTF-8`,
            { cause: err },
          );
        }
        r.pos = se;
        if (f === 2) metric = s;
        else if (f === 4) help = s;
        else unit = s;
      } else {
        if (f === 1) r.expectWire('MetricMetadata.type', tag & 7, WIRE_VARINT);
        if (f === 2 || f === 4 || f === 5)
          r.expectWire(`MetricMetadata field ${f}`, tag & 7, WIRE_LEN);
        r.skip(tag & 7, end);
      }
    }
    if (metric !== '') res.metadata.push({ metric, md: { type, help, unit } });
  }
}

/** Concatenates a TimeSeries' label fields when samples are interleaved between them (rare). */
function gatherLabelFields(raw: Buffer, start: number, end: number): Buffer {
  const r = new ProtoReader();
  r.reset(raw);
  r.pos = start;
  const parts: Buffer[] = [];
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    r.skip(tag & 7, end);
    if (tag === TAG_TS_LABEL) parts.push(raw.subarray(at, r.pos));
  }
  return Buffer.concat(parts);
}

/** Best-effort count of the samples (floats and native histograms) in a request (for rejection counters); stops at damage. */
export function countSamples(raw: Buffer): number {
  const r = new ProtoReader();
  r.reset(raw);
  let n = 0;
  try {
    while (r.pos < raw.length) {
      const tag = r.uint32(raw.length);
      if (tag !== ((1 << 3) | WIRE_LEN)) {
        r.skip(tag & 7, raw.length);
        continue;
      }
      const se = r.lenEnd(raw.length);
      while (r.pos < se) {
        const t = r.uint32(se);
        if (t === TAG_TS_SAMPLE || t === TAG_TS_HISTOGRAM) n++;
        r.skip(t & 7, se);
      }
    }
  } catch {
    // damaged from here on: count what was readable
  }
  return n;
}
