import type { Labels } from '../model/index.js';

/** Which grammar a body is in. */
export type ExpositionFormat = 'text' | 'openmetrics';

/** Metric family types (the storage/metadata vocabulary; text-format `untyped` is `unknown`). */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown';

/** TYPE/HELP/UNIT of one family, reported once when the family's metadata block ends. */
export interface FamilyMetadata {
  name: string;
  type: MetricType;
  help: string;
  unit: string;
}

/** An OpenMetrics exemplar attached to a sample. */
export interface Exemplar {
  labels: Labels;
  value: number;
  timestampMs?: number;
}

/** One sample, as built by the convenience helpers (the pull parser never allocates these). */
export interface Sample {
  /** The metric name (also `__name__` in `labels`). */
  name: string;
  labels: Labels;
  value: number;
  timestampMs?: number;
  exemplar?: Exemplar;
}

/** Limits the caller imposes on a body; 0 means "no limit". */
export interface ParseLimits {
  /** Longest line in bytes (without its newline). */
  maxLineLength: number;
  /** Most label pairs on one sample, `__name__` excluded (scrape `label_limit`). */
  maxLabels: number;
  /** Longest label name in bytes (scrape `label_name_length_limit`). */
  maxLabelNameLength: number;
  /** Longest label value in bytes, escapes included (scrape `label_value_length_limit`). */
  maxLabelValueLength: number;
  /** Most samples in the body (scrape `sample_limit`). */
  maxSamples: number;
}

/** Generous defaults: a line up to 1 MiB, 256 labels, no name/value/sample limit. */
export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxLineLength: 1 << 20,
  maxLabels: 256,
  maxLabelNameLength: 0,
  maxLabelValueLength: 0,
  maxSamples: 0,
});
