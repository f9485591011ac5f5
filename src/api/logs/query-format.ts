import type { LogqlResult, LogqlStats, LogStreamResult } from '../../logql/index.js';
import type { Labels } from '../../model/index.js';
import { formatSampleValue } from '../query-format.js';

/**
 * Loki's JSON shapes of query results (loghttp v1): streams `[{stream, values:[["<ns>", line]]}]`,
 * matrix `[{metric, values:[[<s>, "<v>"]]}]`, vector `[{metric, value:[<s>, "<v>"]}]`, scalar
 * `[<s>, "<v>"]`; and `stats` in Loki's summary/querier/ingester/cache shape. Built as strings:
 * a 5000-line answer is one concatenation, not 5000 small objects.
 */

function labelsJson(l: Labels): string {
  return JSON.stringify(l.toObject());
}

/** `[{"stream":{…},"values":[["<ns>","line"],…]},…]` */
export function streamsJson(streams: readonly LogStreamResult[]): string {
  const parts: string[] = [];
  for (const s of streams) {
    const values: string[] = new Array<string>(s.entries.length);
    for (let i = 0; i < s.entries.length; i++) {
      const e = s.entries[i];
      values[i] = `["${e.ts}",${JSON.stringify(e.line)}]`;
    }
    parts.push(`{"stream":${labelsJson(s.labels)},"values":[${values.join(',')}]}`);
  }
  return `[${parts.join(',')}]`;
}

/** Prometheus-model time: float seconds. */
function sec(ms: number): string {
  return String(ms / 1000);
}

/** The `result` of a query as JSON text, and its Loki `resultType`. */
export function resultJson(r: LogqlResult): { resultType: string; result: string } {
  switch (r.type) {
    case 'streams':
      return { resultType: 'streams', result: streamsJson(r.streams) };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: `[${r.series
          .map(
            (s) =>
              `{"metric":${labelsJson(s.labels)},"values":[${s.points
                .map(([t, v]) => `[${sec(t)},"${formatSampleValue(v)}"]`)
                .join(',')}]}`,
          )
          .join(',')}]`,
      };
    case 'vector':
      return {
        resultType: 'vector',
        result: `[${r.samples
          .map(
            (s) =>
              `{"metric":${labelsJson(s.labels)},"value":[${sec(s.t)},"${formatSampleValue(s.v)}"]}`,
          )
          .join(',')}]`,
      };
    case 'scalar':
      return { resultType: 'scalar', result: `[${sec(r.t)},"${formatSampleValue(r.v)}"]` };
  }
}

/** Entries (or samples) in a result, for `totalEntriesReturned`. */
function returned(r: LogqlResult): number {
  switch (r.type) {
    case 'streams':
      return r.streams.reduce((n, s) => n + s.entries.length, 0);
    case 'matrix':
      return r.series.length;
    case 'vector':
      return r.samples.length;
    case 'scalar':
      return 1;
  }
}

const CACHE_ZERO = {
  entriesFound: 0,
  entriesRequested: 0,
  entriesStored: 0,
  bytesReceived: 0,
  bytesSent: 0,
  requests: 0,
  downloadTime: 0,
  queryLengthServed: 0,
};

/**
 * Loki's `stats` object (what Grafana's query inspector shows). Argus has one store, no
 * ingesters and no caches: the store's figures go under `querier.store`, the rest are 0.
 */
export function statsObject(r: LogqlResult, s: LogqlStats, queueMs: number): object {
  const execS = s.execMs / 1000;
  const bytes = s.read.bytes;
  const lines = s.read.entries;
  const perSecond = (n: number): number => (execS > 0 ? Math.round(n / execS) : 0);
  const store = {
    totalChunksRef: s.read.chunks + s.read.chunksSkipped,
    totalChunksDownloaded: s.read.chunks,
    chunksDownloadTime: 0,
    queryReferencedStructuredMetadata: false,
    chunk: {
      headChunkBytes: 0,
      headChunkLines: 0,
      decompressedBytes: bytes,
      decompressedLines: lines,
      compressedBytes: 0,
      totalDuplicates: 0,
      postFilterLines: lines,
      headChunkStructuredMetadataBytes: 0,
      decompressedStructuredMetadataBytes: 0,
    },
    chunkRefsFetchTime: 0,
    congestionControlLatency: 0,
    pipelineWrapperFilteredLines: 0,
  };
  return {
    summary: {
      bytesProcessedPerSecond: perSecond(bytes),
      linesProcessedPerSecond: perSecond(lines),
      totalBytesProcessed: bytes,
      totalLinesProcessed: lines,
      execTime: execS,
      queueTime: queueMs / 1000,
      subqueries: 0,
      totalEntriesReturned: returned(r),
      splits: 0,
      shards: 0,
      totalPostFilterLines: lines,
      totalStructuredMetadataBytesProcessed: 0,
    },
    querier: { store },
    ingester: {
      totalReached: 0,
      totalChunksMatched: 0,
      totalBatches: 0,
      totalLinesSent: 0,
      store: { ...store, totalChunksRef: 0, totalChunksDownloaded: 0, chunk: zeroed(store.chunk) },
    },
    cache: {
      chunk: CACHE_ZERO,
      index: CACHE_ZERO,
      result: CACHE_ZERO,
      statsResult: CACHE_ZERO,
      volumeResult: CACHE_ZERO,
      seriesResult: CACHE_ZERO,
      labelResult: CACHE_ZERO,
      instantMetricResult: CACHE_ZERO,
    },
  };
}

function zeroed<T extends object>(o: T): T {
  return Object.fromEntries(Object.keys(o).map((k) => [k, 0])) as T;
}

/** The whole success body of a query: `{"status":"success","data":{resultType,result,stats}}`. */
export function queryBody(r: LogqlResult, s: LogqlStats, queueMs: number): string {
  const { resultType, result } = resultJson(r);
  return `{"status":"success","data":{"resultType":"${resultType}","result":${result},"stats":${JSON.stringify(statsObject(r, s, queueMs))}}}`;
}
