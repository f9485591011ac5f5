import type { LabelLimits, NameValidation, TenantId } from '../model/index.js';
import type { TsdbConfig } from './config.js';

/** The limits the head enforces on appends; replaced as a whole by `applyConfig`. */
export interface HeadLimits {
  readonly labels: LabelLimits;
  readonly nameValidation: NameValidation;
  /** Cardinality budget: series in the head of one tenant. */
  readonly maxSeries: number;
  /**
   * The tenant's own series budget (the `tenancy` module's max_series), read each time a
   * series is created so reloads apply at once; the lower of it and maxSeries applies, and
   * 0 means none of its own.
   */
  readonly maxSeriesFor?: (tenant: TenantId) => number;
  /** Samples later than now + this are rejected (FutureSampleError). */
  readonly maxFutureMs: number;
}

export function limitsFromConfig(
  cfg: TsdbConfig,
  maxSeriesFor?: (tenant: TenantId) => number,
): HeadLimits {
  return {
    labels: {
      maxLabelNameLength: cfg.limits.max_label_name_length,
      maxLabelValueLength: cfg.limits.max_label_value_length,
      maxLabelsPerSeries: cfg.limits.max_labels_per_series,
    },
    nameValidation: cfg.name_validation,
    maxSeries: cfg.limits.max_series_per_tenant,
    maxSeriesFor,
    maxFutureMs: cfg.max_future,
  };
}

/** The series budget that applies to `tenant`, and the name of the setting it comes from. */
export function seriesBudget(l: HeadLimits, tenant: TenantId): { max: number; setting: string } {
  const own = l.maxSeriesFor?.(tenant) ?? 0;
  return own > 0 && own < l.maxSeries
    ? { max: own, setting: 'max_series' }
    : { max: l.maxSeries, setting: 'max_series_per_tenant' };
}
