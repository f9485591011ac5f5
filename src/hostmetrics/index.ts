/**
 * @module hostmetrics
 * The built-in host collector: reads /proc and /sys directly and emits node_exporter-compatible
 * metric families (names, types, HELP, labels), appended through the storage `Appendable` seam
 * with `job`/`instance` labels and staleness markers. Configured under `collect.host`.
 */
export {
  HostCollector,
  type HostCollectorOptions,
  type HostCollectorStats,
  type TickResult,
} from './host-collector.js';
export {
  hostConfigSchema,
  defaultHostConfig,
  DEFAULT_EXCLUDES,
  type HostConfig,
} from './config.js';
export { COLLECTORS, type CollectorName } from './collectors.js';
export type {
  Collector,
  HostContext,
  HostExcludes,
  HostSample,
  MetricFamily,
  FamilyType,
  StatFs,
} from './family.js';
export { CollectorError } from './errors.js';
