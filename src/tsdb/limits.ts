import type { LabelLimits, NameValidation } from '../model/index.js';
import type { TsdbConfig } from './config.js';

/** The limits the head enforces on appends; replaced as a whole by `applyConfig`. */
export interface HeadLimits {
  readonly labels: LabelLimits;
  readonly nameValidation: NameValidation;
  /** Cardinality budget: series in the head of one tenant. */
  readonly maxSeries: number;
  /** Samples later than now + this are rejected (FutureSampleError). */
  readonly maxFutureMs: number;
}

export function limitsFromConfig(cfg: TsdbConfig): HeadLimits {
  return {
    labels: {
      maxLabelNameLength: cfg.limits.max_label_name_length,
      maxLabelValueLength: cfg.limits.max_label_value_length,
      maxLabelsPerSeries: cfg.limits.max_labels_per_series,
    },
    nameValidation: cfg.name_validation,
    maxSeries: cfg.limits.max_series_per_tenant,
    maxFutureMs: cfg.max_future,
  };
}
