/**
 * @module scrape
 * Prometheus-compatible scraping: `scrape_configs` (this file's schema, loaded exactly as in
 * prometheus.yml), and — being built for issue #4 — target discovery, the scrape loop with
 * relabeling, staleness and limits, and the targets API.
 */
export {
  scrapeConfigSchema,
  scrapeConfigsSchema,
  scrapeGlobalShape,
  resolveScrapeConfigs,
  zTarget,
  SCRAPE_PROTOCOLS,
  type ScrapeConfig,
  type ScrapeGlobal,
  type ResolvedScrapeConfig,
} from './config.js';
export {
  JobDiscovery,
  parseFileSd,
  expandFilePattern,
  FileSdError,
  type TargetGroup,
  type GroupsListener,
  type DiscoveryOptions,
} from './discovery.js';
export {
  buildTargets,
  populateTarget,
  type Target,
  type TargetSet,
  type RelabelFn,
} from './targets.js';
export {
  scrapeRequest,
  ScrapeError,
  type ScrapeResponse,
  type ScrapeRequestOptions,
} from './fetch.js';
export {
  ScrapeLoop,
  mergeTargetLabels,
  type ScrapeReport,
  type ScrapeLoopOptions,
  type FetchFn,
} from './loop.js';
export { ScrapeManager, scrapeOffset, type TargetStatus, type ManagerOptions } from './manager.js';
