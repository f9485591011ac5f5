import type { LogqlQueryEngine } from '../../logql/index.js';
import type { LogAppendable, LogQueryable, LogTailable } from '../../storage/index.js';

/** Per-request options of the log routes (reloadable: read on each request). */
export interface LogsApiOptions {
  /** Largest accepted (decompressed) push body, bytes. */
  maxBodyBytes: number;
  /** Max entries a log query may ask for (`limit`); Loki's max_entries_limit_per_query, 5000. */
  maxEntriesLimit: number;
  /** Live tails open at once per tenant. */
  maxTailsPerTenant: number;
}

export const DEFAULT_LOGS_API_OPTIONS: LogsApiOptions = {
  maxBodyBytes: 64 * 2 ** 20,
  maxEntriesLimit: 5000,
  maxTailsPerTenant: 10,
};

/**
 * What the log routes need (issue #9): the store's seams and the LogQL engine. Wired by the
 * server; absent in `ApiDeps` means no log routes.
 */
export interface LogsApiSource {
  appendable: LogAppendable;
  queryable: LogQueryable;
  tailable: LogTailable;
  engine: LogqlQueryEngine;
  options(): LogsApiOptions;
}
