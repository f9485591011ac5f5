import { ArgusError } from '../util/index.js';

/** A per-tenant limit's key, as written under `limits:` in argus.yml. */
export type LimitName =
  | 'ingestion_rate'
  | 'max_series'
  | 'max_body_bytes'
  | 'max_concurrent_queries'
  | 'max_query_samples'
  | 'max_query_series';

/**
 * A request was refused because its tenant is over a limit. The API answers 429 with the
 * message, which names the limit and its value.
 */
export class TenantLimitError extends ArgusError {
  readonly tenant: string;
  readonly limit: LimitName;
  /** The limit's configured value (for ingestion_rate, samples/s). */
  readonly value: number;
  /** When a retry can succeed (ingestion_rate); undefined when only a smaller request can. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    f: { tenant: string; limit: LimitName; value: number; retryAfterMs?: number },
  ) {
    super(message);
    this.tenant = f.tenant;
    this.limit = f.limit;
    this.value = f.value;
    this.retryAfterMs = f.retryAfterMs;
  }
}
