import type { TenantId } from '../model/index.js';

/** Prometheus metric types, as in exposition formats and the metadata API. */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown';

/** TYPE/HELP/UNIT for one metric family name. */
export interface MetricMetadata {
  type: MetricType;
  help: string;
  unit: string;
}

/**
 * A small per-tenant store of metric metadata, keyed by metric family name. Scrapers and
 * remote_write set it; the query API reads it. Last write wins.
 */
export interface MetadataStore {
  setMetadata(tenant: TenantId, metric: string, md: MetricMetadata): void;
  /** All metadata of a tenant (or one metric's), keyed by metric name. */
  getMetadata(tenant: TenantId, metric?: string): Map<string, MetricMetadata>;
}
