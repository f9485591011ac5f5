/**
 * The decoded form of an ExportMetricsServiceRequest, shared by the protobuf and JSON decoders.
 * Only what the Prometheus conversion needs is kept: attribute values are already rendered as
 * strings (as Prometheus renders them), timestamps are integer milliseconds, exemplars are
 * counted, not kept.
 */

/** Attribute key/value pairs in wire order; values rendered as strings. */
export type Attrs = [string, string][];

export interface OtlpRequest {
  resourceMetrics: ResourceMetrics[];
  /** Data points in the request (all metric types). */
  dataPoints: number;
  /** Exemplars seen (not stored). */
  exemplars: number;
}

export interface ResourceMetrics {
  resource: Attrs;
  scopeMetrics: ScopeMetrics[];
}

export interface ScopeMetrics {
  scopeName: string;
  scopeVersion: string;
  metrics: Metric[];
}

export const TEMPORALITY_UNSPECIFIED = 0;
export const TEMPORALITY_DELTA = 1;
export const TEMPORALITY_CUMULATIVE = 2;
/** DataPointFlags.NO_RECORDED_VALUE: the series has no value any more (→ stale marker). */
export const FLAG_NO_RECORDED_VALUE = 1;

export type MetricData =
  | { kind: 'none' }
  | { kind: 'gauge'; points: NumberPoint[] }
  | { kind: 'sum'; points: NumberPoint[]; temporality: number; monotonic: boolean }
  | { kind: 'histogram'; points: HistogramPoint[]; temporality: number }
  | { kind: 'exponential_histogram'; points: ExpHistogramPoint[]; temporality: number }
  | { kind: 'summary'; points: SummaryPoint[] };

export interface Metric {
  name: string;
  description: string;
  unit: string;
  data: MetricData;
}

interface PointBase {
  attributes: Attrs;
  /** start_time_unix_nano in ms; 0 when unset. */
  start: number;
  /** time_unix_nano in ms. */
  time: number;
  flags: number;
}

export interface NumberPoint extends PointBase {
  /** as_double or as_int; undefined when neither was set. */
  value: number | undefined;
}

export interface HistogramPoint extends PointBase {
  count: number;
  sum: number | undefined;
  bucketCounts: number[];
  bounds: number[];
}

export interface Buckets {
  offset: number;
  counts: number[];
}

export interface ExpHistogramPoint extends PointBase {
  count: number;
  sum: number | undefined;
  scale: number;
  zeroCount: number;
  zeroThreshold: number;
  positive: Buckets;
  negative: Buckets;
}

export interface SummaryPoint extends PointBase {
  count: number;
  sum: number;
  quantiles: [number, number][];
}

/** Decoder limits: checked while decoding, before anything is converted. */
export interface DecodeLimits {
  /** Most data points in one request (413 beyond). */
  maxDataPoints: number;
  /** Most buckets (explicit or exponential, per sign) or quantiles in one data point (400). */
  maxBucketsPerPoint: number;
  /** Most attributes on one resource, scope or data point (400). */
  maxAttributes: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxDataPoints: 1_000_000,
  maxBucketsPerPoint: 4096,
  maxAttributes: 128,
};
