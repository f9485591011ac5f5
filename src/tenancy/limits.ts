import { Counter, Registry } from 'prom-client';
import type { TenantId } from '../model/index.js';
import { BugError } from '../util/index.js';
import { LIMIT_DEFAULTS, type LimitsConfig, type TenantLimitsConfig } from './config.js';
import { TenantLimitError, type LimitName } from './errors.js';

/** One tenant's limits with defaults and overrides applied. 0 = unlimited (see config.ts). */
export interface ResolvedLimits {
  readonly ingestion_rate: number;
  readonly ingestion_burst: number;
  readonly max_series: number;
  readonly max_body_bytes: number;
  readonly max_concurrent_queries: number;
  readonly max_query_samples: number;
  readonly max_query_series: number;
  /** Logs (#9): line bytes/s and bucket size, streams, labels per stream, line size, retention ms. */
  readonly log_ingestion_rate: number;
  readonly log_ingestion_burst: number;
  readonly max_log_streams: number;
  readonly max_log_labels: number;
  readonly max_log_line_size: number;
  readonly log_retention: number;
}

const UNITS: Record<LimitName, string> = {
  ingestion_rate: 'samples/s',
  max_series: 'series',
  max_body_bytes: 'bytes',
  max_concurrent_queries: 'queries at once',
  max_query_samples: 'samples',
  max_query_series: 'series',
};

/** Merges a tenant's overrides over the defaults over the built-in values. */
export function resolveLimits(
  defaults: TenantLimitsConfig,
  over: TenantLimitsConfig = {},
): ResolvedLimits {
  const pick = <K extends keyof typeof LIMIT_DEFAULTS>(k: K): number =>
    over[k] ?? defaults[k] ?? LIMIT_DEFAULTS[k];
  const rate = pick('ingestion_rate');
  // A tenant that sets its own rate without a burst gets twice its rate, not the default burst.
  const burst =
    over.ingestion_burst ??
    (over.ingestion_rate !== undefined ? undefined : defaults.ingestion_burst) ??
    Math.max(1, Math.ceil(2 * rate));
  const logRate = pick('log_ingestion_rate');
  return Object.freeze({
    ingestion_rate: rate,
    ingestion_burst: burst,
    max_series: pick('max_series'),
    max_body_bytes: pick('max_body_bytes'),
    max_concurrent_queries: pick('max_concurrent_queries'),
    max_query_samples: pick('max_query_samples'),
    max_query_series: pick('max_query_series'),
    log_ingestion_rate: logRate,
    log_ingestion_burst:
      over.log_ingestion_burst ??
      (over.log_ingestion_rate !== undefined ? undefined : defaults.log_ingestion_burst) ??
      Math.max(1, Math.ceil(2 * logRate)),
    max_log_streams: pick('max_log_streams'),
    max_log_labels: pick('max_log_labels'),
    max_log_line_size: pick('max_log_line_size'),
    log_retention: pick('log_retention'),
  });
}

/** Admission to one tenant's query slots (`max_concurrent_queries`). */
export interface QueryGate {
  /** Queries holding a slot now. */
  readonly running: number;
  /** Takes a slot, or throws TenantLimitError at once when all are taken (never queues). */
  acquire(): void;
  /**
   * Takes a slot, waiting in line (first come, first served) up to `waitMs` when all are
   * taken, as Prometheus queues queries beyond `--query.max-concurrency`. Refuses at once
   * when the line is already long (4 × the limit), with TenantLimitError after the wait, and
   * with the signal's reason when it aborts while waiting.
   */
  acquireWaiting(waitMs: number, signal?: AbortSignal): Promise<void>;
  /** Queries waiting for a slot now. */
  readonly waiting: number;
  /** Gives a slot back; exactly once per successful acquire. */
  release(): void;
  /** acquire, run `fn`, release (also when it throws). */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

interface Bucket {
  tokens: number;
  last: number;
}

export interface TenantLimitsOptions {
  /** `argus_tenant_limit_exceeded_total` is registered here (reused if already there). */
  registry?: Registry;
  /** Monotonic clock in ms (default performance.now); injectable for tests. */
  now?: () => number;
}

const COUNTER_NAME = 'argus_tenant_limit_exceeded_total';

function exceededCounter(registry: Registry): Counter {
  // Several TenantLimits may be built against one registry (tests, re-wiring): reuse.
  const existing = registry.getSingleMetric(COUNTER_NAME);
  if (existing instanceof Counter) return existing;
  return new Counter({
    name: COUNTER_NAME,
    help: 'Requests refused because their tenant was over a limit, by tenant and limit.',
    labelNames: ['tenant', 'limit'],
    registers: [registry],
  });
}

/**
 * Per-tenant limits: resolves each tenant's values from the `limits` config (replaced as a
 * whole by `apply` on reload), meters ingestion with a token bucket per tenant, gates
 * concurrent queries, and counts every refusal in `argus_tenant_limit_exceeded_total`.
 * State (bucket levels, running queries) is kept per tenant across reloads. Single-threaded
 * use only (one event loop), like the rest of the server.
 */
export class TenantLimits {
  private cfg: LimitsConfig;
  private readonly resolved = new Map<string, ResolvedLimits>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly gates = new Map<string, TenantQueryGate>();
  private readonly counter: Counter;
  private readonly now: () => number;

  constructor(cfg: LimitsConfig, opts: TenantLimitsOptions = {}) {
    this.cfg = cfg;
    this.now = opts.now ?? (() => performance.now());
    this.counter = exceededCounter(opts.registry ?? new Registry());
  }

  /** Replaces the config (reload). Buckets keep their level, capped by the new burst. */
  apply(cfg: LimitsConfig): void {
    this.cfg = cfg;
    this.resolved.clear();
  }

  /** The tenant's limits: its overrides over `defaults` over the built-in values. */
  for(tenant: TenantId): ResolvedLimits {
    let r = this.resolved.get(tenant);
    if (r === undefined) {
      r = resolveLimits(this.cfg.defaults, this.cfg.tenants[tenant]);
      this.resolved.set(tenant, r);
    }
    return r;
  }

  /**
   * Admits `n` samples for the tenant, or refuses the whole request (nothing is taken from
   * the bucket, so the caller appends nothing) with TenantLimitError `ingestion_rate`.
   */
  admitSamples(tenant: TenantId, n: number): void {
    if (n <= 0) return;
    const { ingestion_rate: rate, ingestion_burst: burst } = this.for(tenant);
    if (rate === 0) return;
    const now = this.now();
    let b = this.buckets.get(tenant);
    if (b === undefined) {
      b = { tokens: burst, last: now };
      this.buckets.set(tenant, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + (Math.max(0, now - b.last) * rate) / 1000);
      b.last = now;
    }
    if (n <= b.tokens) {
      b.tokens -= n;
      return;
    }
    const never = n > burst;
    const retryAfterMs = never ? undefined : Math.ceil(((n - b.tokens) * 1000) / rate);
    throw this.refuse(
      tenant,
      'ingestion_rate',
      `${rate} samples/s (burst ${burst})` +
        (never ? `; a request of ${n} samples is larger than the burst and is never accepted` : ''),
      retryAfterMs,
    );
  }

  /** The tenant's query slots; the same gate for the same tenant (limits read at each acquire). */
  queryGate(tenant: TenantId): QueryGate {
    let g = this.gates.get(tenant);
    if (g === undefined) {
      g = new TenantQueryGate(
        () => this.for(tenant).max_concurrent_queries,
        (max) =>
          this.refuse(tenant, 'max_concurrent_queries', `${max} ${UNITS.max_concurrent_queries}`),
        tenant,
      );
      this.gates.set(tenant, g);
    }
    return g;
  }

  /**
   * Counts a refusal and builds its error, for limits checked elsewhere (max_body_bytes by
   * the API, max_query_samples by PromQL): `tenant "acme" exceeded max_body_bytes: 16777216
   * bytes (<detail>)`. The caller throws it.
   */
  exceeded(
    tenant: TenantId,
    limit: Exclude<LimitName, 'ingestion_rate'>,
    detail?: string,
  ): TenantLimitError {
    const value = this.for(tenant)[limit];
    return this.refuse(
      tenant,
      limit,
      `${value} ${UNITS[limit]}` + (detail === undefined ? '' : ` (${detail})`),
    );
  }

  /** Counts a refusal reported by another module's own error (the tsdb's series limit). */
  count(tenant: TenantId, limit: LimitName): void {
    this.counter.inc({ tenant, limit });
  }

  private refuse(
    tenant: TenantId,
    limit: LimitName,
    what: string,
    retryAfterMs?: number,
  ): TenantLimitError {
    this.count(tenant, limit);
    return new TenantLimitError(`tenant "${tenant}" exceeded ${limit}: ${what}`, {
      tenant,
      limit,
      value: this.for(tenant)[limit],
      retryAfterMs,
    });
  }
}

interface Waiter {
  grant(): void;
}

/** How many queries may wait per running slot before new ones are refused at once. */
const QUEUE_PER_SLOT = 4;

class TenantQueryGate implements QueryGate {
  running = 0;
  private readonly line: Waiter[] = [];

  get waiting(): number {
    return this.line.length;
  }

  constructor(
    private readonly max: () => number,
    private readonly refuse: (max: number) => TenantLimitError,
    private readonly tenant: TenantId,
  ) {}

  acquire(): void {
    const max = this.max();
    if (max !== 0 && this.running >= max) throw this.refuse(max);
    this.running++;
  }

  acquireWaiting(waitMs: number, signal?: AbortSignal): Promise<void> {
    const max = this.max();
    if (max === 0 || (this.running < max && this.line.length === 0)) {
      this.running++;
      return Promise.resolve();
    }
    if (this.line.length >= max * QUEUE_PER_SLOT) return Promise.reject(this.refuse(max));
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        const i = this.line.indexOf(w);
        if (i >= 0) this.line.splice(i, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const w: Waiter = {
        grant: () => {
          leave();
          resolve();
        },
      };
      const timer = setTimeout(() => {
        leave();
        const e = this.refuse(max);
        reject(
          new TenantLimitError(`${e.message}; waited ${waitMs / 1000}s for a free slot`, {
            tenant: e.tenant,
            limit: e.limit,
            value: e.value,
          }),
        );
      }, waitMs);
      const onAbort = () => {
        leave();
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.line.push(w);
    });
  }

  release(): void {
    if (this.running === 0)
      throw new BugError(`query gate of tenant "${this.tenant}" released more often than acquired`);
    const next = this.line[0];
    const max = this.max();
    // The slot passes straight to the first in line (unless the limit was lowered meanwhile).
    if (next !== undefined && (max === 0 || this.running <= max)) next.grant();
    else this.running--;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}
