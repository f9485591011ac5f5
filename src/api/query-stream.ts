import type { Labels } from '../model/index.js';
import type { MatrixSeries, QueryValue, VectorSample } from '../promql/index.js';
import { formatSampleValue, formatTimestamp } from './query-format.js';

/** What follows `data` in a successful query response. */
export interface QueryEnvelopeExtras {
  warnings: string[];
  infos: string[];
  /** Written as `data.stats` when present (the `stats` parameter). */
  stats?: unknown;
}

/** About how many characters each chunk holds: big enough to amortise a write, small enough to interleave. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Timestamps formatted once per query: a range query's series share the step times, so most
 * of a matrix's timestamps repeat (formatting a float is most of a point's cost).
 */
class TimestampCache {
  private readonly m = new Map<number, string>();
  get(ms: number): string {
    let s = this.m.get(ms);
    if (s === undefined) {
      s = String(formatTimestamp(ms));
      // Bounded: a raw range-selector result has arbitrary sample times.
      if (this.m.size < 20_000) this.m.set(ms, s);
    }
    return s;
  }
}

function labelsJson(l: Labels): string {
  const f = l.flat;
  let s = '{';
  for (let i = 0; i < f.length; i += 2) {
    if (i > 0) s += ',';
    s += JSON.stringify(f[i]) + ':' + JSON.stringify(f[i + 1]);
  }
  return s + '}';
}

function pointJson(t: string, v: number): string {
  return '[' + t + ',"' + formatSampleValue(v) + '"]';
}

function vectorSampleJson(s: VectorSample, times: TimestampCache): string {
  return '{"metric":' + labelsJson(s.labels) + ',"value":' + pointJson(times.get(s.t), s.v) + '}';
}

function matrixSeriesJson(s: MatrixSeries, times: TimestampCache): string {
  let out = '{"metric":' + labelsJson(s.labels) + ',"values":[';
  const n = s.ts.length;
  for (let i = 0; i < n; i++) {
    if (i > 0) out += ',';
    out += pointJson(times.get(s.ts[i]), s.vs[i]);
  }
  return out + ']}';
}

function tail(extras: QueryEnvelopeExtras): string {
  let s = '';
  if (extras.stats !== undefined) s += ',"stats":' + JSON.stringify(extras.stats);
  s += '}';
  if (extras.warnings.length > 0) s += ',"warnings":' + JSON.stringify(extras.warnings);
  if (extras.infos.length > 0) s += ',"infos":' + JSON.stringify(extras.infos);
  return s + '}';
}

/**
 * The whole success envelope `{"status":"success","data":{"resultType":…,"result":[…]},…}`
 * as a sequence of string chunks of about 64 KiB, built one series at a time so that a large
 * result never exists as one object tree or one string (a 1M-point matrix is ~30 MB of JSON),
 * and the server can interleave other work between chunks. `limit` > 0 keeps the first
 * `limit` series (the caller adds the truncation warning).
 */
export function* queryResponseChunks(
  v: QueryValue,
  limit: number,
  extras: QueryEnvelopeExtras,
): Generator<string, void, undefined> {
  const head = '{"status":"success","data":{"resultType":"' + v.resultType + '","result":';
  const times = new TimestampCache();
  switch (v.resultType) {
    case 'scalar':
      yield head + pointJson(times.get(v.t), v.v) + tail(extras);
      return;
    case 'string':
      yield head + '[' + times.get(v.t) + ',' + JSON.stringify(v.v) + ']' + tail(extras);
      return;
    case 'vector':
    case 'matrix': {
      const series = v.series;
      const n = limit > 0 ? Math.min(limit, series.length) : series.length;
      let buf = head + '[';
      for (let i = 0; i < n; i++) {
        if (i > 0) buf += ',';
        buf +=
          v.resultType === 'vector'
            ? vectorSampleJson(v.series[i], times)
            : matrixSeriesJson(v.series[i], times);
        if (buf.length >= CHUNK_CHARS) {
          yield buf;
          buf = '';
        }
      }
      yield buf + ']' + tail(extras);
      return;
    }
  }
}
