import type { LogqlQueryEngine } from '../../logql/index.js';
import type { TenantId } from '../../model/index.js';
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
  /** Retention and store figures of one tenant, for the UI (`/api/argus/v1/logs/info`). */
  info?(tenant: TenantId): LogsInfo;
}

/** What `/api/argus/v1/logs/info` shows: the tenant's effective retention and the store's size. */
export interface LogsInfo {
  retention: {
    /** The tenant's default period, ms (0 = forever). */
    periodMs: number;
    /** Per-selector rules that apply to the tenant, in the order they are tried. */
    streams: { selector: string; periodMs: number }[];
    /** Total size cap over all tenants, bytes (0 = none). */
    maxBytes: number;
  };
  /** The whole store (all tenants): chunks on disk, their bytes and raw line bytes. */
  store: { chunks: number; storedBytes: number; rawBytes: number; headStreams: number } | null;
}
