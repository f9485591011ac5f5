import { DEFAULT_LABEL_LIMITS, type TenantId } from '../../model/index.js';
import type { Appendable, MetadataStore } from '../../storage/index.js';
import type { RemoteWriteConfig } from './config.js';
import { WriteRequestDecoder, countSamples, type DecodeOptions } from './decoder.js';
import { RemoteWriteError, fromAppendError } from './errors.js';
import { SeriesCache } from './series-cache.js';
import { decompress } from './snappy.js';

/** Tunables of the ingester; everything has a default matching the TSDB's. */
export interface IngesterOptions extends DecodeOptions {
  /** Series remembered per tenant by raw label bytes (two generations of half this each). */
  seriesCacheSize: number;
  /** Clock for the future-timestamp check (ms since epoch). */
  now: () => number;
}

export const DEFAULT_INGESTER_OPTIONS: IngesterOptions = {
  labelLimits: DEFAULT_LABEL_LIMITS,
  nameValidation: 'utf8',
  maxFutureMs: 10 * 60_000,
  seriesCacheSize: 4_000_000,
  now: Date.now,
};

/** What a successful write stored. */
export interface IngestResult {
  series: number;
  samples: number;
  /** Samples newly stored (the rest were exact duplicates, accepted as no-ops). */
  appended: number;
  duplicates: number;
  newSeries: number;
  exemplarsIgnored: number;
  metadata: number;
}

/**
 * Admission control called after decoding, before commit, with the request's sample count:
 * throwing refuses the whole request (nothing appended): a RemoteWriteError as it is, anything
 * else as 429. Per-tenant ingestion rate limits.
 */
export type Admit = (samples: number) => void;

/**
 * The remote_write 1.0 receiver, independent of HTTP: body in, durable samples out.
 * All-or-nothing per request: resolves only after `commit()` resolved; on any error the batch is
 * rolled back and a RemoteWriteError (4xx/5xx-retryable) or an unexpected error is thrown.
 */
export class RemoteWriteIngester {
  private readonly opts: IngesterOptions;
  private readonly decoder: WriteRequestDecoder;
  private readonly caches = new Map<TenantId, SeriesCache>();

  constructor(
    private readonly store: Appendable & MetadataStore,
    opts: Partial<IngesterOptions> = {},
  ) {
    this.opts = { ...DEFAULT_INGESTER_OPTIONS, ...opts };
    this.decoder = new WriteRequestDecoder(this.opts);
  }

  /** Ingests one snappy-compressed WriteRequest body for `tenant`. */
  async write(
    tenant: TenantId,
    body: Uint8Array,
    cfg: Pick<RemoteWriteConfig, 'max_decompressed_bytes'>,
    admit?: Admit,
  ): Promise<IngestResult> {
    const raw = decompress(body, cfg.max_decompressed_bytes);
    return this.writeRaw(tenant, raw, admit);
  }

  /** Ingests one uncompressed WriteRequest. */
  async writeRaw(tenant: TenantId, raw: Buffer, admit?: Admit): Promise<IngestResult> {
    let app;
    try {
      app = this.store.appender(tenant);
    } catch (err) {
      // E.g. StorageUnavailableError while the WAL replays: 503 (retryable), not a 500.
      const mapped = fromAppendError(err, 'cannot write remote_write request');
      if (mapped === undefined) throw err;
      mapped.samples = countSamples(raw);
      throw mapped;
    }
    let dec;
    try {
      dec = this.decoder.decode(raw, app, this.cache(tenant), this.opts.now());
    } catch (err) {
      app.rollback();
      if (err instanceof RemoteWriteError) err.samples = countSamples(raw);
      throw err;
    }
    if (admit !== undefined) {
      try {
        admit(dec.samples);
      } catch (err) {
        app.rollback();
        if (err instanceof RemoteWriteError) {
          err.samples = dec.samples;
          throw err;
        }
        const e = new RemoteWriteError(
          429,
          'limit_exceeded',
          err instanceof Error ? err.message : String(err),
          { cause: err },
        );
        e.samples = dec.samples;
        throw e;
      }
    }
    let committed;
    try {
      committed = await app.commit();
    } catch (err) {
      const mapped = fromAppendError(err, 'cannot commit remote_write request');
      if (mapped === undefined) throw err;
      mapped.samples = dec.samples;
      throw mapped;
    }
    for (const m of dec.metadata) this.store.setMetadata(tenant, m.metric, m.md);
    return {
      series: dec.series,
      samples: dec.samples,
      appended: committed.appended,
      duplicates: committed.duplicates,
      newSeries: committed.newSeries,
      exemplarsIgnored: dec.exemplars,
      metadata: dec.metadata.length,
    };
  }

  /** Decodes without committing (benchmarks): appends into `app`, which the caller owns. */
  decodeInto(tenant: TenantId, raw: Buffer, app: ReturnType<Appendable['appender']>): number {
    return this.decoder.decode(raw, app, this.cache(tenant), this.opts.now()).samples;
  }

  private cache(tenant: TenantId): SeriesCache {
    let c = this.caches.get(tenant);
    if (c === undefined) {
      c = new SeriesCache(this.opts.seriesCacheSize);
      this.caches.set(tenant, c);
    }
    return c;
  }
}
