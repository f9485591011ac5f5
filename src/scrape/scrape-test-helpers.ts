/** Shared fixtures of the scrape module's tests. */
import {
  resolveScrapeConfigs,
  scrapeConfigSchema,
  type ResolvedScrapeConfig,
  type ScrapeGlobal,
} from './config.js';

/** `global:` scraping defaults for tests (interval and timeout given, no limits). */
export function testGlobal(intervalMs = 15_000, timeoutMs = 10_000): ScrapeGlobal {
  return {
    scrape_interval: intervalMs,
    scrape_timeout: timeoutMs,
    external_labels: {},
    body_size_limit: 0,
    sample_limit: 0,
    label_limit: 0,
    label_name_length_limit: 0,
    label_value_length_limit: 0,
    target_limit: 0,
  };
}

/** Resolved jobs from prometheus.yml-shaped objects. */
export function testJobs(global: ScrapeGlobal, ...cs: object[]): ResolvedScrapeConfig[] {
  return resolveScrapeConfigs(
    global,
    cs.map((c) => scrapeConfigSchema.parse(c)),
  );
}
