import { gunzipSync } from 'node:zlib';
import {
  DEFAULT_LABEL_LIMITS,
  InvalidLabelsError,
  validateLabels,
  type LabelLimits,
  type Labels,
  type NameValidation,
  type TenantId,
} from '../../model/index.js';
import type { Appendable, Appender, MetadataStore, SeriesRef } from '../../storage/index.js';
import type { OtlpConfig } from './config.js';
import { buildLabels, convertRequest } from './convert.js';
import { LabelCache } from './label-cache.js';
import { decodeJsonRequest } from './decode-json.js';
import { decodeProtoRequest } from './decode-proto.js';
import { DEFAULT_DELTA_OPTIONS, DeltaState, Undo, type DeltaOptions } from './delta.js';
import { OtlpError, fromAppendError, tooLarge } from './errors.js';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, type OtlpRequest } from './types.js';

export interface OtlpIngesterOptions {
  decode: DecodeLimits;
  delta: DeltaOptions;
  labelLimits: LabelLimits;
  nameValidation: NameValidation;
  /** Converted label sets remembered across requests (all tenants). */
  labelCacheSize: number;
  /** Wall clock (ms) for delta-state expiry. */
  now: () => number;
}

export const DEFAULT_OTLP_OPTIONS: OtlpIngesterOptions = {
  decode: DEFAULT_DECODE_LIMITS,
  delta: DEFAULT_DELTA_OPTIONS,
  labelLimits: DEFAULT_LABEL_LIMITS,
  nameValidation: 'utf8',
  labelCacheSize: 1_000_000,
  now: Date.now,
};

/** How the body was sent: the request's Content-Type and Content-Encoding headers. */
export interface OtlpBodyInfo {
  contentType: string | undefined;
  contentEncoding?: string | undefined;
}

/** What a successful export stored. */
export interface OtlpIngestResult {
  dataPoints: number;
  samples: number;
  appended: number;
  duplicates: number;
  newSeries: number;
  exemplarsIgnored: number;
  /** OTLP partial success: data points not stored (answer 200 with `partial_success`). */
  rejectedDataPoints: number;
  /** Why (the first reason), '' when none were rejected. */
  errorMessage: string;
}

/** 'protobuf' or 'json' from a Content-Type; 415 otherwise. */
export function bodyFormat(contentType: string | undefined): 'protobuf' | 'json' {
  const t = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (t === 'application/x-protobuf' || t === 'application/protobuf') return 'protobuf';
  if (t === 'application/json') return 'json';
  throw new OtlpError(
    415,
    'unsupported_media_type',
    `cannot decode OTLP metrics request: unsupported Content-Type ${JSON.stringify(contentType ?? '')}, want application/x-protobuf or application/json`,
  );
}

/** The body after Content-Encoding (gzip or identity), bounded by `max` bytes (413). */
export function decodeBody(body: Uint8Array, encoding: string | undefined, max: number): Buffer {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') {
    if (body.length > max) throw tooLarge(`body is ${body.length} bytes, more than ${max}`);
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }
  if (enc !== 'gzip')
    throw new OtlpError(
      415,
      'unsupported_media_type',
      `cannot decode OTLP metrics request: unsupported Content-Encoding ${JSON.stringify(encoding)}, want gzip or identity`,
    );
  try {
    return gunzipSync(body, { maxOutputLength: max });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw tooLarge(`gzip body decompresses to more than ${max} bytes`, err);
    throw new OtlpError(
      400,
      'malformed',
      `cannot decode OTLP metrics request: invalid gzip body: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * The OTLP/HTTP metrics receiver, independent of HTTP: body in, samples out through the
 * Appendable seam. All-or-nothing per request: a decode error, an invalid series or a failed
 * commit stores nothing (and undoes delta state). Points that cannot be converted but do not
 * make the request invalid (a delta point overlapping one already counted, a point without a
 * value) are skipped and reported as OTLP partial success.
 */
export class OtlpMetricsIngester {
  private readonly opts: OtlpIngesterOptions;
  private readonly deltas = new Map<TenantId, DeltaState>();
  private readonly labelCache: LabelCache;
  /** Label sets already validated (validation depends only on the labels and fixed options). */
  private readonly valid = new WeakSet<Labels>();

  constructor(
    private readonly store: Appendable & MetadataStore,
    opts: Partial<OtlpIngesterOptions> = {},
  ) {
    this.opts = { ...DEFAULT_OTLP_OPTIONS, ...opts };
    this.labelCache = new LabelCache(this.opts.labelCacheSize, buildLabels);
  }

  /** Decodes a body as sent (Content-Type/-Encoding) without storing it. */
  decode(
    body: Uint8Array,
    info: OtlpBodyInfo,
    cfg: Pick<OtlpConfig, 'max_decompressed_bytes'>,
  ): OtlpRequest {
    const format = bodyFormat(info.contentType);
    const raw = decodeBody(body, info.contentEncoding, cfg.max_decompressed_bytes);
    return format === 'protobuf'
      ? decodeProtoRequest(raw, this.opts.decode)
      : decodeJsonRequest(raw.toString('utf8'), this.opts.decode);
  }

  /** Ingests one ExportMetricsServiceRequest body for `tenant`. */
  async write(
    tenant: TenantId,
    body: Uint8Array,
    info: OtlpBodyInfo,
    cfg: Pick<OtlpConfig, 'max_decompressed_bytes'>,
  ): Promise<OtlpIngestResult> {
    const req = this.decode(body, info, cfg);
    return this.writeRequest(tenant, req);
  }

  /** Converts and stores an already decoded request. */
  async writeRequest(
    tenant: TenantId,
    req: OtlpRequest,
    promote?: ReadonlySet<string>,
  ): Promise<OtlpIngestResult> {
    let app: Appender;
    try {
      app = this.store.appender(tenant);
    } catch (err) {
      throw this.mapped(err, 'cannot write OTLP metrics', req.dataPoints);
    }
    const undo = new Undo();
    const refs = new Map<Labels, SeriesRef>();
    const now = this.opts.now();
    const delta = this.delta(tenant);
    let conv;
    try {
      conv = convertRequest(
        req,
        (labels, t, v) => this.append(app, refs, labels, t, v),
        delta,
        undo,
        now,
        this.labelCache,
        promote,
      );
    } catch (err) {
      app.rollback();
      undo.run();
      throw this.mapped(err, 'cannot ingest OTLP metrics', req.dataPoints);
    }
    let committed;
    try {
      committed = await app.commit();
    } catch (err) {
      undo.run();
      throw this.mapped(err, 'cannot commit OTLP metrics', req.dataPoints);
    }
    delta.sweep(now);
    for (const [name, md] of conv.metadata) this.store.setMetadata(tenant, name, md);
    return {
      dataPoints: req.dataPoints,
      samples: conv.samples,
      appended: committed.appended,
      duplicates: committed.duplicates,
      newSeries: committed.newSeries,
      exemplarsIgnored: req.exemplars,
      rejectedDataPoints: conv.rejected,
      errorMessage: conv.rejectMessage,
    };
  }

  /** Series with delta → cumulative state for `tenant` (observability, tests). */
  deltaSeries(tenant: TenantId): number {
    return this.deltas.get(tenant)?.size ?? 0;
  }

  /**
   * Appends one sample. `refs` remembers, per series of this request, the store's ref (0 while
   * the store has not assigned one) so labels are validated once and later samples skip the
   * label lookup.
   */
  private append(
    app: Appender,
    refs: Map<Labels, SeriesRef>,
    labels: Labels,
    t: number,
    v: number,
  ): void {
    const ref = refs.get(labels);
    if (ref === undefined && !this.valid.has(labels)) {
      try {
        validateLabels(labels, this.opts.labelLimits, this.opts.nameValidation);
      } catch (err) {
        if (!(err instanceof InvalidLabelsError)) throw err;
        throw new OtlpError(400, 'invalid_labels', `cannot ingest OTLP metrics: ${err.message}`, {
          cause: err,
        });
      }
      this.valid.add(labels);
    }
    try {
      refs.set(labels, app.append(ref ?? 0, ref ? null : labels, t, v));
    } catch (err) {
      throw fromAppendError(err, `cannot ingest series ${labels.toString()}`) ?? err;
    }
  }

  private mapped(err: unknown, context: string, dataPoints: number): unknown {
    const e = err instanceof OtlpError ? err : fromAppendError(err, context);
    if (e === undefined) return err;
    e.dataPoints = dataPoints;
    return e;
  }

  private delta(tenant: TenantId): DeltaState {
    let d = this.deltas.get(tenant);
    if (d === undefined) {
      d = new DeltaState(this.opts.delta);
      this.deltas.set(tenant, d);
    }
    return d;
  }
}
