import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { LogInputError, type LogBatch } from '../../ingest/logs-common/index.js';
import type { TenantId } from '../../model/index.js';
import {
  AppendError,
  LimitExceededError,
  BatchTooLargeError,
  PermanentAppendError,
  StorageUnavailableError,
  type LogAppendResult,
} from '../../storage/index.js';
import { TenantLimitError, type TenantLimits } from '../../tenancy/index.js';
import type { Logger } from '../../util/index.js';
import { BodyError, readBody } from '../body.js';
import { decodeBody } from '../push-body.js';
import { tenantOf } from '../tenant.js';
import type { LogsApiSource } from './source.js';

/** What the log push routes need (wired by `registerApi` when `ApiDeps.logs` is set). */
export interface LogPushDeps {
  logs: LogsApiSource;
  limits: TenantLimits;
  registry: Registry;
  logger: Logger;
  /** Argus's version, echoed in the Elasticsearch info document. */
  version: string;
  /** Whether the OTLP receiver is enabled (`ingest.otlp.enabled`): `/v1/logs` follows it. */
  otlpEnabled: () => boolean;
}

/** What the metrics and messages need of a batch once it is handed to the store. */
export type BatchCounts = Pick<LogBatch, 'entries' | 'bytes'>;

/** A batch's counts, so a handler need not keep the entries alive while the commit waits. */
export function countsOf(b: LogBatch): BatchCounts {
  return { entries: b.entries, bytes: b.bytes };
}

export type LogInputName = 'loki' | 'otlp' | 'elasticsearch' | 'jsonline';

/** Request outcomes of `argus_log_ingest_requests_total`. */
export type PushOutcome =
  'ok' | 'partial' | 'invalid' | 'too_large' | 'unsupported' | 'limited' | 'unavailable' | 'error';

const counter = (registry: Registry, name: string, help: string): Counter => {
  // registerApi may run more than once against one registry (tests): reuse.
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames: ['input', 'outcome'], registers: [registry] });
};

/** The log ingest counters, by input and outcome. */
export class PushMetrics {
  private readonly entries: Counter;
  private readonly bytes: Counter;
  private readonly requests: Counter;
  constructor(registry: Registry) {
    this.entries = counter(
      registry,
      'argus_log_ingest_entries_total',
      'Log entries received, by input and outcome (accepted, rejected).',
    );
    this.bytes = counter(
      registry,
      'argus_log_ingest_bytes_total',
      'Log line bytes (UTF-8) received, by input and outcome (accepted, rejected).',
    );
    this.requests = counter(
      registry,
      'argus_log_ingest_requests_total',
      'Log push requests answered, by input and outcome (ok, partial, invalid, too_large, unsupported, limited, unavailable, error).',
    );
  }

  request(input: LogInputName, outcome: PushOutcome): void {
    this.requests.inc({ input, outcome });
  }

  /** Counts a stored batch: accepted from the store's result, the rest rejected. */
  stored(input: LogInputName, batch: BatchCounts, res: LogAppendResult): void {
    this.entries.inc({ input, outcome: 'accepted' }, res.accepted);
    this.bytes.inc({ input, outcome: 'accepted' }, res.bytes);
    const rejected = batch.entries - res.accepted;
    if (rejected > 0) this.entries.inc({ input, outcome: 'rejected' }, rejected);
  }

  /** Counts a batch refused as a whole (a limit, the store unavailable). */
  refused(input: LogInputName, batch: BatchCounts): void {
    if (batch.entries === 0) return;
    this.entries.inc({ input, outcome: 'rejected' }, batch.entries);
    this.bytes.inc({ input, outcome: 'rejected' }, batch.bytes);
  }

  /** Counts entries a decoder skipped (bad lines and documents). */
  skipped(input: LogInputName, n: number): void {
    if (n > 0) this.entries.inc({ input, outcome: 'rejected' }, n);
  }
}

/**
 * Appends every stream of `batch` for `tenant` in one appender and commits: resolves once the
 * batch is durable (the store's contract), with the store's counts. Nothing is applied on error.
 */
export async function storeBatch(
  logs: LogsApiSource,
  tenant: TenantId,
  batch: LogBatch,
): Promise<LogAppendResult> {
  const app = logs.appendable.logAppender(tenant);
  try {
    for (const s of batch.streams) if (s.entries.length > 0) app.append(s.labels, s.entries);
  } catch (err) {
    app.rollback();
    throw err;
  }
  return app.commit();
}

/** An error of a push request as an HTTP status, outcome and message (undefined: a bug, 500). */
export function pushFailure(
  err: unknown,
):
  | { status: number; outcome: PushOutcome; message: string; retryAfterSeconds?: number }
  | undefined {
  if (err instanceof LogInputError || err instanceof BodyError) {
    const status = err instanceof LogInputError ? err.status : err.statusCode;
    const outcome = status === 413 ? 'too_large' : status === 415 ? 'unsupported' : 'invalid';
    return { status, outcome, message: err.message };
  }
  if (err instanceof TenantLimitError)
    return {
      status: 429,
      outcome: 'limited',
      message: err.message,
      retryAfterSeconds: err.retryAfterMs === undefined ? undefined : err.retryAfterMs / 1000,
    };
  if (err instanceof AppendError) {
    if (err instanceof LimitExceededError)
      return {
        status: 429,
        outcome: 'limited',
        message: err.message,
        retryAfterSeconds: err.retryAfterMs === undefined ? undefined : err.retryAfterMs / 1000,
      };
    if (err instanceof BatchTooLargeError)
      return { status: 413, outcome: 'too_large', message: err.message };
    if (err instanceof StorageUnavailableError)
      return { status: 503, outcome: 'unavailable', message: err.message };
    if (err instanceof PermanentAppendError)
      return { status: 400, outcome: 'invalid', message: err.message };
  }
  return undefined;
}

/** The largest body a request may send: the logs option, lowered by the tenant's max_body_bytes. */
export function maxBodyOf(deps: LogPushDeps, req: FastifyRequest): number {
  const global = deps.logs.options().maxBodyBytes;
  if (req.principal === undefined) return global;
  const t = deps.limits.for(tenantOf(req)).max_body_bytes;
  return t > 0 ? Math.min(global, t) : global;
}

/** Installs a raw-body parser for every content type on `scope` (bounded, 413 beyond). */
export function rawBodies(scope: FastifyInstance, deps: LogPushDeps, what: string): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (req, payload, parsed) =>
    readBody(what, payload, req.headers['content-length'], maxBodyOf(deps, req), parsed),
  );
}

/** The request body after its Content-Encoding (gzip or identity), bounded by the body limit. */
export function plainBody(deps: LogPushDeps, req: FastifyRequest, what: string): Buffer {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  return decodeBody(what, body, req.headers['content-encoding'], maxBodyOf(deps, req));
}

/** The media type of a request, lowercase, without parameters. */
export function mediaType(req: FastifyRequest): string {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}
