/**
 * @module logql/metric
 * LogQL metric query evaluation: range aggregations (one pass over each selection for all
 * steps), vector aggregations, binary operators with vector matching, vector(), label_replace.
 * Consumes a `SelectProcessed`; never sees the store.
 */
export { evaluateMetric, type MetricContext } from './evaluate.js';
export { SAMPLE_EXTRACTION_ERR } from './range-agg.js';
